import Foundation

// Metric-learning losses over all pairs of a batch (docs/reference.md §4.6): supcon and circle as
// pytorch-metric-learning computes them (cosine similarities of L2-normalised rows, positives =
// the other rows of the same label, negatives = rows of another label, AvgNonZeroReducer for
// "mean"), and cosent as sentence-transformers' CoSENTLoss. Forward and analytic backward share
// `PairBatch` (the checks and the normalised rows); gradients flow back through the cosine
// similarities and torch's F.normalize (x / max(‖x‖, 1e-12)).

/// L2-normalised rows of an [N, D] (or [D]) embedding, as torch's F.normalize.
struct NormalizedRows {
    let n: Int, d: Int
    let vector: Bool
    let u: [Double]        // the normalised rows, row-major
    let norms: [Double]    // max(‖x_i‖, 1e-12)
    init(_ x: Tensor, _ fn: String, _ arg: String, allowVector: Bool) throws {
        let m = try EmbKernels.matrix(x, fn, arg, allowVector: allowVector)
        n = m.n; d = m.d; vector = m.vector
        let dd = m.d
        var u = x.data, norms = [Double](repeating: 0, count: m.n)
        for i in 0..<m.n {
            let nrm = Swift.max(rowSum(dd) { k in x.data[i * dd + k] * x.data[i * dd + k] }.squareRoot(), EmbKernels.normalizeEps)
            norms[i] = nrm
            for k in 0..<dd { u[i * dd + k] /= nrm }
        }
        self.u = u; self.norms = norms
    }
    func dot(_ i: Int, _ j: Int, _ other: NormalizedRows? = nil) -> Double {
        let v = other?.u ?? u
        return rowSum(d) { k in u[i * d + k] * v[j * d + k] }
    }
    /// ∂/∂x from ∂/∂û (row by row): (g − û·(û·g))/‖x‖, or g/eps where the norm was clamped.
    func backward(_ g: [Double], shape: [Int]) -> Tensor {
        var out = g
        for i in 0..<n {
            let nrm = norms[i]
            let lo = i * d
            if nrm == EmbKernels.normalizeEps {
                for k in 0..<d { out[lo + k] = g[lo + k] / nrm }
                continue
            }
            let ug = rowSum(d) { k in u[lo + k] * g[lo + k] }
            for k in 0..<d { out[lo + k] = (g[lo + k] - u[lo + k] * ug) / nrm }
        }
        return Tensor(shape: shape, data: out)
    }
}

/// A batch of embeddings with labels: the normalised rows, their cosine similarities and the
/// positive/negative structure.
struct PairBatch {
    let rows: NormalizedRows
    let labels: [Double]
    let cos: [Double]          // n × n
    init(_ fn: String, _ z: Tensor, _ labels: Tensor) throws {
        rows = try NormalizedRows(z, fn, "z", allowVector: false)
        let n = rows.n
        guard labels.rank == 1, labels.count == n else {
            throw CoreError("\(fn): labels must be a vector of \(n) class labels (one per row of z), got shape \(formatShape(labels.shape))")
        }
        if let i = labels.data.firstIndex(where: { !$0.isFinite }) {
            throw CoreError("\(fn): labels must hold finite numbers, got \(formatNumber(labels.data[i])) at index \(i)")
        }
        self.labels = labels.data
        var c = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in i..<n { let v = rows.dot(i, j); c[i * n + j] = v; c[j * n + i] = v } }
        cos = c
    }
    var n: Int { rows.n }
    func positive(_ i: Int, _ j: Int) -> Bool { i != j && labels[i] == labels[j] }
    func negative(_ i: Int, _ j: Int) -> Bool { labels[i] != labels[j] }
    /// pytorch-metric-learning computes nothing (loss 0) when the batch has no positive pair
    /// (circle: or no pair at all) — supcon also when it has no negative pair.
    var hasPositive: Bool { (0..<n).contains { i in (0..<n).contains { positive(i, $0) } } }
    var hasNegative: Bool { Set(labels).count > 1 }

    /// ∂/∂z from G = ∂L/∂cos (n × n): ∂L/∂û = (G + Gᵀ)·Û, then through the normalisation.
    func backward(_ g: [Double], shape: [Int]) -> Tensor {
        let d = rows.d
        var gu = [Double](repeating: 0, count: n * d)
        for i in 0..<n {
            for j in 0..<n {
                let w = g[i * n + j] + g[j * n + i]
                if w == 0 { continue }
                for k in 0..<d { gu[i * d + k] += w * rows.u[j * d + k] }
            }
        }
        return rows.backward(gu, shape: shape)
    }
}

extension Losses {
    /// pytorch-metric-learning's AvgNonZeroReducer for "mean": the mean over the anchors whose loss
    /// is > 0 (0 if there are none); "sum" and "none" as usual.
    static func reduceNonZero(_ per: [Double], _ reduction: Reduction) -> (Tensor, scale: (Int) -> Double) {
        switch reduction {
        case .none: return (Tensor(shape: [per.count], data: per), { _ in 1 })
        case .sum: return (Tensor(scalar: Summation.sum(per)), { _ in 1 })
        case .mean:
            let kept = per.filter { $0 > 0 || $0.isNaN }
            let count = Double(kept.count)
            return (Tensor(scalar: kept.isEmpty ? 0 : Summation.sum(kept) / count),
                    { i in per[i] > 0 || per[i].isNaN ? 1 / count : 0 })
        }
    }

    // MARK: - supcon

    /// Supervised contrastive loss (Khosla et al. 2020, L_out), as pytorch-metric-learning `SupConLoss`.
    public static func supcon(_ z: Tensor, _ labels: Tensor, temperature: Double = 0.1, reduction: Reduction = .mean) throws -> Tensor {
        let b = try PairBatch("supcon", z, labels)
        try EmbKernels.positive("supcon", "temperature", temperature)
        return reduceNonZero(supconRows(b, temperature).loss, reduction).0
    }

    /// Per anchor: the loss and ∂loss/∂cos of its row.
    static func supconRows(_ b: PairBatch, _ t: Double) -> (loss: [Double], grad: [Double]) {
        let n = b.n
        var loss = [Double](repeating: 0, count: n), grad = [Double](repeating: 0, count: n * n)
        guard b.hasPositive, b.hasNegative else { return (loss, grad) }
        for i in 0..<n {
            let pos = (0..<n).filter { b.positive(i, $0) }
            if pos.isEmpty { continue }
            let others = (0..<n).filter { $0 != i }
            let s = others.map { b.cos[i * n + $0] / t }
            let m = s.max() ?? 0
            let lse = m + Foundation.log(rowSum(s.count) { Foundation.exp(s[$0] - m) })
            let np = Double(pos.count)
            loss[i] = lse - rowSum(pos.count) { b.cos[i * n + pos[$0]] / t } / np
            for (k, j) in others.enumerated() {
                grad[i * n + j] = (Foundation.exp(s[k] - lse) - (b.positive(i, j) ? 1 / np : 0)) / t
            }
        }
        return (loss, grad)
    }

    public static func supconBackward(_ z: Tensor, _ labels: Tensor, temperature: Double = 0.1, reduction: Reduction = .mean,
                                      upstream: Tensor, wrt: Set<String> = ["z"]) throws -> [String: Tensor] {
        let b = try PairBatch("supcon", z, labels)
        try EmbKernels.positive("supcon", "temperature", temperature)
        try rejectLabels("supcon", wrt, "labels", holds: "class labels", hint: "differentiate with respect to z")
        let (loss, grad) = supconRows(b, temperature)
        return ["z": b.backward(try anchorScaled(grad, loss, reduction, upstream, "supcon"), shape: z.shape)]
    }

    /// G scaled row by row by the upstream gradient of each anchor's loss.
    static func anchorScaled(_ grad: [Double], _ loss: [Double], _ reduction: Reduction, _ upstream: Tensor, _ fn: String) throws -> [Double] {
        let n = loss.count
        let scale = reduceNonZero(loss, reduction).scale
        let up = try rowUpstream(fn, reduction == .mean ? .sum : reduction, upstream, rows: n)
        var g = grad
        for i in 0..<n {
            let s = up(i) * scale(i)
            for j in 0..<n { g[i * n + j] *= s }
        }
        return g
    }

    // MARK: - circle

    /// Circle loss (Sun et al. 2020) over the cosine similarities of all pairs, as
    /// pytorch-metric-learning `CircleLoss`: softplus(LSE_p(−γ·α_p·(s_p − Δ_p)) + LSE_n(γ·α_n·(s_n − Δ_n))),
    /// α_p = relu(1 + m − s_p), α_n = relu(s_n + m) (constants in the gradient), Δ_p = 1 − m, Δ_n = m.
    public static func circle(_ z: Tensor, _ labels: Tensor, m: Double = 0.4, gamma: Double = 80, reduction: Reduction = .mean) throws -> Tensor {
        let b = try circleInputs(z, labels, m: m, gamma: gamma)
        return reduceNonZero(circleRows(b, m, gamma).loss, reduction).0
    }

    static func circleInputs(_ z: Tensor, _ labels: Tensor, m: Double, gamma: Double) throws -> PairBatch {
        let b = try PairBatch("circle", z, labels)
        try EmbKernels.finite("circle", "m", m)
        try EmbKernels.positive("circle", "gamma", gamma)
        return b
    }

    static func circleRows(_ b: PairBatch, _ m: Double, _ gamma: Double) -> (loss: [Double], grad: [Double]) {
        let n = b.n
        var loss = [Double](repeating: 0, count: n), grad = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            let pos = (0..<n).filter { b.positive(i, $0) }, neg = (0..<n).filter { b.negative(i, $0) }
            if pos.isEmpty || neg.isEmpty { continue }
            // logits and their derivative with respect to the cosine
            let lp = pos.map { j -> (Double, Double) in
                let s = b.cos[i * n + j], a = Swift.max(1 + m - s, 0)
                return (-gamma * a * (s - (1 - m)), -gamma * a)
            }
            let ln = neg.map { j -> (Double, Double) in
                let s = b.cos[i * n + j], a = Swift.max(s + m, 0)
                return (gamma * a * (s - m), gamma * a)
            }
            func lse(_ v: [(Double, Double)]) -> Double {
                let mx = v.map(\.0).max() ?? 0
                return mx + Foundation.log(rowSum(v.count) { Foundation.exp(v[$0].0 - mx) })
            }
            let sp = lse(lp), sn = lse(ln), u = sp + sn
            // torch.nn.Softplus(beta=1, threshold=20): x above 20
            loss[i] = u > 20 ? u : Foundation.log1p(Foundation.exp(u))
            let du = u > 20 ? 1 : TermKernel.sigmoid(u)
            for (k, j) in pos.enumerated() { grad[i * n + j] = du * Foundation.exp(lp[k].0 - sp) * lp[k].1 }
            for (k, j) in neg.enumerated() { grad[i * n + j] = du * Foundation.exp(ln[k].0 - sn) * ln[k].1 }
        }
        return (loss, grad)
    }

    public static func circleBackward(_ z: Tensor, _ labels: Tensor, m: Double = 0.4, gamma: Double = 80, reduction: Reduction = .mean,
                                      upstream: Tensor, wrt: Set<String> = ["z"]) throws -> [String: Tensor] {
        let b = try circleInputs(z, labels, m: m, gamma: gamma)
        try rejectLabels("circle", wrt, "labels", holds: "class labels", hint: "differentiate with respect to z")
        let (loss, grad) = circleRows(b, m, gamma)
        return ["z": b.backward(try anchorScaled(grad, loss, reduction, upstream, "circle"), shape: z.shape)]
    }

    // MARK: - cosent

    /// CoSENT (sentence-transformers `CoSENTLoss`): log(1 + Σ_{scores_i > scores_j} e^{scale·(cos_j − cos_i)})
    /// over the pairs (a_k, b_k) of the batch, cos_k = cos(a_k, b_k). One number for the batch.
    public static func cosent(_ a: Tensor, _ b: Tensor, _ scores: Tensor, scale: Double = 20) throws -> Tensor {
        let c = try CosentInputs(a, b, scores, scale: scale)
        return Tensor(scalar: c.forward().loss)
    }

    struct CosentInputs {
        let ra, rb: NormalizedRows
        let y: [Double]
        let cos: [Double]
        let scale: Double
        init(_ a: Tensor, _ b: Tensor, _ scores: Tensor, scale: Double) throws {
            let fn = "cosent"
            try EmbKernels.sameShape(fn, "a", a, "b", b)
            ra = try NormalizedRows(a, fn, "a", allowVector: false)
            rb = try NormalizedRows(b, fn, "b", allowVector: false)
            guard scores.rank == 1, scores.count == ra.n else {
                throw CoreError("\(fn): scores must be a vector of \(ra.n) similarity scores (one per pair of rows of a and b), got shape \(formatShape(scores.shape))")
            }
            if let i = scores.data.firstIndex(where: { $0.isNaN }) {
                throw CoreError("\(fn): scores must hold numbers, got nan at index \(i)")
            }
            try EmbKernels.finite(fn, "scale", scale)
            y = scores.data
            self.scale = scale
            let rows = ra, other = rb
            cos = (0..<ra.n).map { rows.dot($0, $0, other) }
        }
        /// The loss and ∂loss/∂cos_k.
        func forward() -> (loss: Double, dcos: [Double]) {
            // the pairs (i, j) with y_i > y_j, visited row by row: no N² temporaries
            let n = y.count
            var mx = 0.0
            for i in 0..<n { for j in 0..<n where y[i] > y[j] { mx = Swift.max(mx, scale * (cos[j] - cos[i])) } }
            let rows = (0..<n).map { i in
                rowSum(n) { j in y[i] > y[j] ? Foundation.exp(scale * (cos[j] - cos[i]) - mx) : 0 }
            }
            let lse = mx + Foundation.log(Foundation.exp(-mx) + Summation.sum(rows))
            var d = [Double](repeating: 0, count: n)
            for i in 0..<n {
                for j in 0..<n where y[i] > y[j] {
                    let w = Foundation.exp(scale * (cos[j] - cos[i]) - lse) * scale
                    d[j] += w; d[i] -= w
                }
            }
            return (lse, d)
        }
    }

    public static func cosentBackward(_ a: Tensor, _ b: Tensor, _ scores: Tensor, scale: Double = 20, upstream: Tensor,
                                      wrt: Set<String> = ["a", "b"]) throws -> [String: Tensor] {
        let c = try CosentInputs(a, b, scores, scale: scale)
        try rejectLabels("cosent", wrt, "scores", holds: "target similarity scores (only their order counts)",
                         hint: "differentiate with respect to a and b")
        guard upstream.count == 1 else {
            throw CoreError("cosent: internal: the upstream gradient must be one number, got shape \(formatShape(upstream.shape))")
        }
        let dcos = c.forward().dcos.map { $0 * upstream.data[0] }
        let d = c.ra.d
        var ga = [Double](repeating: 0, count: a.count), gb = ga
        for k in 0..<c.ra.n {
            for q in 0..<d {
                ga[k * d + q] = dcos[k] * c.rb.u[k * d + q]
                gb[k * d + q] = dcos[k] * c.ra.u[k * d + q]
            }
        }
        var out: [String: Tensor] = [:]
        if wrt.contains("a") { out["a"] = c.ra.backward(ga, shape: a.shape) }
        if wrt.contains("b") { out["b"] = c.rb.backward(gb, shape: b.shape) }
        return out
    }
}
