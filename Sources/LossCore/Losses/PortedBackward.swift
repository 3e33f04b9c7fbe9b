import Foundation

// Analytic backward passes of the ported losses (PortedLosses.swift, docs/reference.md §4.6), for
// `grad`, with the convention of Losses.swift. Each checks its arguments with the forward's own
// step. Conventions, as torch.autograd in float64:
// - hinge_embedding: 1 where y = 1; −1 where y = −1 and margin − x > 0, else 0 (0 at x = margin,
//   as torch). y holds labels: no gradient.
// - soft_margin: −y·σ(−y·x). y holds labels: no gradient.
// - msle: 2d/(1 + x) where x ≥ ε (d = log1p(max(x, ε)) − log1p(max(y, ε))), 0 below (the max
//   passes no gradient to the clamped value); the same with the operands swapped for y.
// - mape: 100·sign(x − y)/m for pred (sign(0) = 0), and 100·[sign(y − x)/m − abs(y − x)·sign(y)/m²]
//   for y with m = max(abs(y), ε) (the second term only where abs(y) ≥ ε).
// - multilabel_soft_margin: w·(σ(x) − y)/C for x, −w·x/C for y (soft targets).
// - multilabel_margin: −1/C on x[target] and +1/C on x[i] for every active hinge term (z > 0).
// - generalized_ce: −p_t^(q−1) on p[y] (probabilities); −p_t^q·(onehot − softmax(x)) with logits.
// - listnet: softmax(scores) − softmax(relevance) for scores; for relevance −P_k·Σ_j P_j·(s_k − s_j)
//   (P = softmax(relevance)), computed as −P_k·((s_k − s_a) − Σ_j P_j·(s_j − s_a)) around the item a of
//   largest P: the same value as torch's P_k·(ℓ_k − Σ_j P_j ℓ_j) with ℓ = log softmax(scores), without
//   its cancellation when the scores are large.
// - listmle: Σ_{i ≤ k} e^{s_π(k) − lse_i} − 1 at the item ranked k (computed without overflow).
//   relevance fixes the order: no gradient.
extension Losses {
    public static func hingeEmbeddingBackward(_ x: Tensor, _ y: Tensor, margin: Double = 1, reduction: Reduction = .mean,
                                              upstream: Tensor, wrt: Set<String> = ["x"]) throws -> [String: Tensor] {
        try plusMinusOneInputs("hinge_embedding", y, margin: margin)
        try rejectLabels("hinge_embedding", wrt, "y", holds: "labels -1/+1", hint: "differentiate with respect to x")
        guard wrt.contains("x") else { return [:] }
        return ["x": try ElementwiseGrad.run("hinge_embedding", HingeEmbeddingGrad(margin: margin), x, y, weight: nil,
                                             reduction: reduction, upstream: upstream, shape: x.shape)]
    }

    public static func softMarginBackward(_ x: Tensor, _ y: Tensor, reduction: Reduction = .mean,
                                          upstream: Tensor, wrt: Set<String> = ["x"]) throws -> [String: Tensor] {
        try plusMinusOneInputs("soft_margin", y, margin: 0)
        try rejectLabels("soft_margin", wrt, "y", holds: "labels -1/+1", hint: "differentiate with respect to x")
        guard wrt.contains("x") else { return [:] }
        return ["x": try ElementwiseGrad.run("soft_margin", SoftMarginGrad(), x, y, weight: nil,
                                             reduction: reduction, upstream: upstream, shape: x.shape)]
    }

    public static func msleBackward(_ pred: Tensor, _ y: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean,
                                    upstream: Tensor, wrt: Set<String> = ["pred", "y"]) throws -> [String: Tensor] {
        try ElementwiseGrad.symmetric("msle", SquaredLogGrad(), pred, y, weight: weight, reduction: reduction,
                                      upstream: upstream, wrt: wrt)
    }

    public static func mapeBackward(_ pred: Tensor, _ y: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean,
                                    upstream: Tensor, wrt: Set<String> = ["pred", "y"]) throws -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        if wrt.contains("pred") {
            out["pred"] = try ElementwiseGrad.run("mape", PercentagePredGrad(), pred, y, weight: weight, reduction: reduction,
                                                  upstream: upstream, shape: pred.shape)
        }
        if wrt.contains("y") {
            out["y"] = try ElementwiseGrad.run("mape", PercentageTargetGrad(), pred, y, weight: weight, reduction: reduction,
                                               upstream: upstream, shape: y.shape)
        }
        return out
    }

    public static func multilabelSoftMarginBackward(_ x: Tensor, _ y: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean,
                                                    upstream: Tensor, wrt: Set<String> = ["x"]) throws -> [String: Tensor] {
        let inp = try MultilabelSoftMarginInputs(x, y, weight)
        let c = inp.rows.c
        let g = try rowUpstream("multilabel_soft_margin", reduction, upstream, rows: inp.rows.n)
        var gx = [Double](repeating: 0, count: x.count), gy = gx
        for r in 0..<inp.rows.n {
            let s = g(r) / Double(c)
            for j in 0..<c {
                let k = r * c + j
                gx[k] = s * inp.w[k] * (TermKernel.sigmoid(x.data[k]) - y.data[k])
                gy[k] = -s * inp.w[k] * x.data[k]
            }
        }
        return picked(["x": Tensor(shape: x.shape, data: gx), "y": Tensor(shape: y.shape, data: gy)], wrt)
    }

    public static func multilabelMarginBackward(_ x: Tensor, _ y: Tensor, reduction: Reduction = .mean,
                                                upstream: Tensor, wrt: Set<String> = ["x"]) throws -> [String: Tensor] {
        let inp = try MultilabelMarginInputs(x, y)
        try rejectLabels("multilabel_margin", wrt, "y", holds: "class indices", hint: "differentiate with respect to x")
        let c = inp.rows.c
        let g = try rowUpstream("multilabel_margin", reduction, upstream, rows: inp.rows.n)
        var gx = [Double](repeating: 0, count: x.count)
        for r in 0..<inp.rows.n {
            let lo = r * c, s = g(r) / Double(c)
            let isTarget = inp.isTarget(r)
            for t in inp.targets[r] {
                let xt = x.data[lo + t]
                for i in 0..<c where !isTarget[i] && 1 - xt + x.data[lo + i] > 0 {
                    gx[lo + t] -= s
                    gx[lo + i] += s
                }
            }
        }
        return wrt.contains("x") ? ["x": Tensor(shape: x.shape, data: gx)] : [:]
    }

    public static func generalizedCEBackward(_ p: Tensor, _ y: Tensor, q: Double = 0.7, logits: Bool = false,
                                             reduction: Reduction = .mean, upstream: Tensor,
                                             wrt: Set<String> = ["p"]) throws -> [String: Tensor] {
        let inp = try GeneralizedCEInputs(p, y, q: q, logits: logits)
        try rejectLabels("generalized_ce", wrt, "y", holds: "class indices", hint: "differentiate with respect to p")
        let c = inp.rows.c
        let g = try rowUpstream("generalized_ce", reduction, upstream, rows: inp.rows.n)
        var gp = [Double](repeating: 0, count: p.count)
        for r in 0..<inp.rows.n {
            let lo = r * c, lp = inp.logPt(p, r)
            if logits {
                let ptq = Foundation.exp(q * lp), lse = rowLogSumExp(p.data, lo, c)
                for j in 0..<c { gp[lo + j] = g(r) * ptq * Foundation.exp(p.data[lo + j] - lse) }
                gp[lo + inp.y[r]] -= g(r) * ptq
            } else {
                gp[lo + inp.y[r]] = -g(r) * Foundation.exp((q - 1) * lp)
            }
        }
        return wrt.contains("p") ? ["p": Tensor(shape: p.shape, data: gp)] : [:]
    }

    public static func listnetBackward(_ scores: Tensor, _ relevance: Tensor, reduction: Reduction = .mean,
                                       upstream: Tensor, wrt: Set<String> = ["scores"]) throws -> [String: Tensor] {
        let rows = try rankingInputs("listnet", scores, relevance)
        let c = rows.c
        let g = try rowUpstream("listnet", reduction, upstream, rows: rows.n)
        var gs = [Double](repeating: 0, count: scores.count), gr = gs
        for r in 0..<rows.n {
            let lo = r * c
            let ls = rowLogSumExp(scores.data, lo, c), lr = rowLogSumExp(relevance.data, lo, c)
            var a = lo
            for j in lo..<(lo + c) where relevance.data[j] > relevance.data[a] { a = j }
            let sa = scores.data[a]
            let mean = rowSum(c) { j in
                let pr = Foundation.exp(relevance.data[lo + j] - lr)
                return pr == 0 ? 0 : pr * (scores.data[lo + j] - sa)
            }
            for j in 0..<c {
                let k = lo + j
                let pr = Foundation.exp(relevance.data[k] - lr)
                gs[k] = g(r) * (Foundation.exp(scores.data[k] - ls) - pr)
                gr[k] = pr == 0 ? 0 : -g(r) * pr * ((scores.data[k] - sa) - mean)
            }
        }
        return picked(["scores": Tensor(shape: scores.shape, data: gs), "relevance": Tensor(shape: relevance.shape, data: gr)], wrt)
    }

    public static func listmleBackward(_ scores: Tensor, _ relevance: Tensor, reduction: Reduction = .mean,
                                       upstream: Tensor, wrt: Set<String> = ["scores"]) throws -> [String: Tensor] {
        let rows = try rankingInputs("listmle", scores, relevance)
        try rejectLabels("listmle", wrt, "relevance", holds: "relevance grades (they only fix the order)",
                         hint: "differentiate with respect to scores")
        let c = rows.c
        let g = try rowUpstream("listmle", reduction, upstream, rows: rows.n)
        var gs = [Double](repeating: 0, count: scores.count)
        for r in 0..<rows.n {
            let (s, lse, order) = listmleRow(scores, relevance, r, c)
            // Σ_{i ≤ k} e^{s[k] − lse[i]} = e^{s[k] − lse[k]}·R_k, R_k = 1 + e^{lse[k] − lse[k−1]}·R_{k−1}
            var acc = 0.0
            for k in 0..<c {
                acc = k == 0 ? 1 : 1 + Foundation.exp(lse[k] - lse[k - 1]) * acc
                gs[r * c + order[k]] = g(r) * (Foundation.exp(s[k] - lse[k]) * acc - 1)
            }
        }
        return wrt.contains("scores") ? ["scores": Tensor(shape: scores.shape, data: gs)] : [:]
    }

    /// The upstream gradient of each row's loss: g/n for "mean", g for "sum", g[r] for "none".
    static func rowUpstream(_ fn: String, _ reduction: Reduction, _ g: Tensor, rows n: Int) throws -> (Int) -> Double {
        switch reduction {
        case .mean, .sum:
            guard g.count == 1 else {
                throw CoreError("\(fn): internal: the gradient of a \(reduction.rawValue) reduction must be one number, got shape \(formatShape(g.shape))")
            }
            let s = reduction == .mean ? g.data[0] / Double(n) : g.data[0]
            return { _ in s }
        case .none:
            guard g.count == n else {
                throw CoreError("\(fn): internal: the gradient of the per-sample losses must have \(n) values, got shape \(formatShape(g.shape))")
            }
            let d = g.data
            return { d[$0] }
        }
    }
}

// MARK: - Derivative kernels

@usableFromInline struct HingeEmbeddingGrad: PointwiseLoss {
    let margin: Double
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        y == 1 ? 1 : (margin - x > 0 ? -1 : 0)
    }
}

@usableFromInline struct SoftMarginGrad: PointwiseLoss {
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        -y * TermKernel.sigmoid(-y * x)
    }
}

@usableFromInline struct SquaredLogGrad: PointwiseLoss {
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        let e = Losses.kerasEpsilon
        guard !(x < e) else { return 0 }
        let d = Foundation.log1p(x) - Foundation.log1p(y < e ? e : y)
        return 2 * d / (1 + x)
    }
}

@usableFromInline struct PercentagePredGrad: PointwiseLoss {
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        let a = Swift.abs(y), d = x - y
        let m = a < Losses.kerasEpsilon ? Losses.kerasEpsilon : a
        let s: Double = d > 0 ? 1 : (d < 0 ? -1 : (d == 0 ? 0 : d))
        return 100 * s / m
    }
}

@usableFromInline struct PercentageTargetGrad: PointwiseLoss {
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        let a = Swift.abs(y), d = y - x
        let s: Double = d > 0 ? 1 : (d < 0 ? -1 : (d == 0 ? 0 : d))
        if a < Losses.kerasEpsilon { return 100 * s / Losses.kerasEpsilon }
        let sy: Double = y > 0 ? 1 : -1
        return 100 * (s / a - Swift.abs(d) * sy / (a * a))
    }
}

// MARK: - sparsemax, sparsemax_loss
//
// sparsemax: the Jacobian of the projection is diag(s) − s·sᵀ/|S| (s the support indicator p > 0),
// so the gradient is u − mean_S(u) on the support and 0 off it (Martins & Astudillo 2016).
// sparsemax_loss: p − onehot(y) (Fenchel–Young; what autodiff through optax's code gives).
extension Losses {
    public static func sparsemaxBackward(_ x: Tensor, axis: Int = -1, upstream: Tensor) throws -> Tensor {
        let p = try sparsemax(x, axis: axis)
        guard upstream.count == x.count else {
            throw CoreError("sparsemax: internal: the upstream gradient must have shape \(formatShape(x.shape)), got \(formatShape(upstream.shape))")
        }
        let L = try x.layout(axis: axis, keepdims: true, "sparsemax")
        var out = [Double](repeating: 0, count: x.count)
        guard L.n > 0 else { return Tensor(shape: x.shape, data: out) }
        Reduce.forLanes(L) { start, stride, _ in
            var sum = 0.0, support = 0
            for k in 0..<L.n where p.data[start + k * stride] > 0 || p.data[start + k * stride].isNaN {
                sum += upstream.data[start + k * stride]
                support += 1
            }
            let mean = support > 0 ? sum / Double(support) : 0
            for k in 0..<L.n {
                let i = start + k * stride
                let q = p.data[i]
                out[i] = q > 0 ? upstream.data[i] - mean : (q.isNaN ? q : 0)
            }
        }
        return Tensor(shape: x.shape, data: out)
    }

    public static func sparsemaxLossBackward(_ x: Tensor, _ y: Tensor, reduction: Reduction = .mean, upstream: Tensor,
                                             wrt: Set<String> = ["x"]) throws -> [String: Tensor] {
        let inp = try SparsemaxLossInputs(x, y)
        try rejectLabels("sparsemax_loss", wrt, "y", holds: "class indices", hint: "differentiate with respect to x")
        let c = inp.rows.c
        let g = try rowUpstream("sparsemax_loss", reduction, upstream, rows: inp.rows.n)
        var gx = [Double](repeating: 0, count: x.count)
        for r in 0..<inp.rows.n {
            let p = sparsemaxLossRow(x, inp, r).p
            for j in 0..<c { gx[r * c + j] = g(r) * p[j] }
            gx[r * c + inp.y[r]] -= g(r)
        }
        return wrt.contains("x") ? ["x": Tensor(shape: x.shape, data: gx)] : [:]
    }
}
