import Foundation

// Options of docs/reference.md §4.6 on losses defined elsewhere: `label_smoothing:` on focal
// (Keras BinaryFocalCrossentropy / CategoricalFocalCrossentropy) and `labels:` on ntxent
// (supervised contrastive over both views). `sample_weight:` is LossCore/SampleWeights.swift.

// MARK: - label_smoothing on focal (Keras)

extension Losses {
    /// Focal loss with label smoothing ε, as Keras: binary labels (a target of p's shape) become
    /// y·(1 − ε) + ε/2 before p_t, α_t and the modulating factor (BinaryFocalCrossentropy);
    /// class indices become the smoothed one-hot y_c = (1 − ε)·[c = y] + ε/C, and the loss is
    /// focal's sum over the classes Σ_c y_c·α_c·(1 − p_c)^γ·(−log p_c)
    /// (CategoricalFocalCrossentropy). ε = 0 is `focal` itself.
    public static func focal(_ p: Tensor, _ y: Tensor, gamma: Double = 2, alpha: Tensor? = nil, labelSmoothing eps: Double,
                             logits: Bool = false, axis: Int = -1, reduction: Reduction = .mean) throws -> Tensor {
        switch try focalSmoothing(p, y, eps) {
        case .none:
            return try focal(p, y, gamma: gamma, alpha: alpha, logits: logits, axis: axis, reduction: reduction)
        case .binary(let ys):
            return try focal(p, ys, gamma: gamma, alpha: alpha, logits: logits, axis: axis, reduction: reduction)
        case .indices:
            if let ax = try ClassAxis.resolve("focal", axis, p, "p") {
                let (pm, ym) = try ax.rowInputs("focal", p, y, probabilities: !logits, sameMeaning: "binary labels")
                return try focal(pm, ym, gamma: gamma, alpha: alpha, labelSmoothing: eps, logits: logits, reduction: reduction)
            }
            let s = try SmoothedFocal(p, y, gamma: gamma, alpha: alpha, eps: eps, logits: logits)
            return TermKernel.reduceSamples(s.rows { s.loss($0) }, shape: s.rowsShape, reduction)
        }
    }

    /// Gradients of focal with label smoothing: with respect to p and, for binary labels, y
    /// (the smoothed label's gradient times 1 − ε).
    public static func focalBackward(_ p: Tensor, _ y: Tensor, gamma: Double = 2, alpha: Tensor? = nil, labelSmoothing eps: Double,
                                     logits: Bool = false, axis: Int = -1, reduction: Reduction = .mean, upstream g: Tensor,
                                     wrt: Set<String> = ["p"]) throws -> [String: Tensor] {
        switch try focalSmoothing(p, y, eps) {
        case .none:
            return try focalBackward(p, y, gamma: gamma, alpha: alpha, logits: logits, axis: axis, reduction: reduction, upstream: g, wrt: wrt)
        case .binary(let ys):
            var out = try focalBackward(p, ys, gamma: gamma, alpha: alpha, logits: logits, axis: axis, reduction: reduction, upstream: g, wrt: wrt)
            if let gy = out["y"] { out["y"] = Tensor(shape: gy.shape, data: gy.data.map { $0 * (1 - eps) }) }
            return out
        case .indices:
            if let ax = try ClassAxis.resolve("focal", axis, p, "p") {
                let (pm, ym) = try ax.rowInputs("focal", p, y, probabilities: !logits, sameMeaning: "binary labels")
                return try ax.back(focalBackward(pm, ym, gamma: gamma, alpha: alpha, labelSmoothing: eps, logits: logits,
                                                 reduction: reduction, upstream: g, wrt: wrt), ["p"])
            }
            let s = try SmoothedFocal(p, y, gamma: gamma, alpha: alpha, eps: eps, logits: logits)
            if wrt.contains("y") { throw classIndexGradient("focal", "y") }
            guard wrt.contains("p") else { return [:] }
            let up = try ClsGrad.upstream(g, "focal", output: s.rowsShape, reduction, denominator: Double(s.n))
            var out = try Memory.doubles(p.count)
            let c = s.c
            up.with { gp in
                for r in 0..<s.n {
                    let row = s.gradient(r)
                    for j in 0..<c { out[r * c + j] = gp[r] * row[j] }
                }
            }
            return ["p": Tensor(shape: p.shape, data: out)]
        }
    }

    enum FocalSmoothing {
        case none
        case binary(Tensor)
        case indices
    }

    /// How ε applies: not at all (0), to binary labels (smoothed as bce's, Keras), or to class indices.
    static func focalSmoothing(_ p: Tensor, _ y: Tensor, _ eps: Double) throws -> FocalSmoothing {
        guard eps >= 0, eps <= 1 else {
            throw CoreError("focal: label_smoothing must be in [0, 1], got \(formatNumber(eps))")
        }
        if eps == 0 { return .none }
        if p.shape == y.shape { return .binary(try smoothedBinaryLabels(y, eps, "focal")) }
        return .indices
    }

    /// Class-index focal loss with a smoothed one-hot target (Keras CategoricalFocalCrossentropy):
    /// ℓ = Σ_c y_c·α_c·F(−log p_c, 1 − p_c), F = (1 − p)^γ·(−log p), y_c = (1 − ε)·[c = k] + ε/C.
    struct SmoothedFocal {
        let x: [Double]
        let idx: [Int]
        let alpha: [Double]?
        let c, n: Int
        let rowsShape: [Int]
        let eps: Double
        let logits: Bool
        let gamma: Double

        init(_ p: Tensor, _ y: Tensor, gamma: Double, alpha: Tensor?, eps: Double, logits: Bool) throws {
            let spec = try PtSpec.focal(gamma: gamma)
            guard case .indices(let c, let idx, let al) = try PtInputs("focal", p, y, alpha: alpha, logits: logits).target else {
                throw CoreError("focal: label_smoothing with class indices needs y of p's shape without its last axis")
            }
            self.x = p.data; self.idx = idx; self.alpha = al; self.c = c; self.n = idx.count
            self.rowsShape = Array(p.shape.dropLast()); self.eps = eps; self.logits = logits; self.gamma = spec.gamma
        }

        /// One value per row.
        func rows(_ f: (Int) -> Double) -> [Double] { (0..<n).map(f) }

        /// The smoothed target y_c of row r.
        @inline(__always) func target(_ r: Int, _ j: Int) -> Double {
            (j == idx[r] ? 1 - eps : 0) + eps / Double(c)
        }

        /// log p_c and p_c of row r (log_softmax for logits, the clamped log otherwise).
        func logProbabilities(_ r: Int) -> (lp: [Double], p: [Double]) {
            let base = r * c
            if logits {
                let shift: Double = x.withUnsafeBufferPointer { Losses.rowShift($0, base, c, .logits) }
                let lp = (0..<c).map { x[base + $0] - shift }
                return (lp, lp.map { Foundation.exp($0) })
            }
            let p = Array(x[base..<(base + c)])
            return (p.map { TermKernel.clampedLog($0) }, p)
        }

        /// 1 − p_c, without cancellation for logits (−expm1(log p_c)).
        @inline(__always) func q(_ lp: Double, _ p: Double) -> Double { logits ? -expm1(lp) : 1 - p }

        func loss(_ r: Int) -> Double {
            let (lp, p) = logProbabilities(r)
            let form = PtForm(kind: .focal, gamma: gamma)
            let terms = (0..<c).map { j -> Double in
                let w = target(r, j) * (alpha?[j] ?? 1)
                return w == 0 ? 0 : w * form.value(-lp[j], q(lp[j], p[j]))
            }
            return Summation.sum(terms)
        }

        /// ∂ℓ_r/∂(row r of p or of the logits). With h_c = y_c·α_c·(−F_ce − F_q·p_c):
        /// logits ∂ℓ/∂x_j = h_j − softmax_j·Σ_c h_c; probabilities ∂ℓ/∂p_c = y_c·α_c·(−F_ce·∂log p_c − F_q).
        func gradient(_ r: Int) -> [Double] {
            let (lp, p) = logProbabilities(r)
            let form = PtForm(kind: .focal, gamma: gamma)
            var h = [Double](repeating: 0, count: c)
            for j in 0..<c {
                let w = target(r, j) * (alpha?[j] ?? 1)
                if w == 0 { continue }
                let f = form.partials(-lp[j], q(lp[j], p[j]))
                h[j] = logits ? w * (-f.ce - f.q * p[j]) : w * (-f.ce * ClsGrad.dClampedLog(p[j]) - f.q)
            }
            guard logits else { return h }
            let total = Summation.sum(h)
            return (0..<c).map { h[$0] - p[$0] * total }
        }
    }
}

// MARK: - labels on ntxent (supervised contrastive over both views)

extension Losses {
    /// NT-Xent with labels (several positives per anchor): supcon over the 2N views
    /// [z1; z2] with labels [labels; labels] (pytorch-metric-learning `SupConLoss`): the other
    /// view of a row and every view of a row with its label are its positives.
    public static func ntXent(_ z1: Tensor, _ z2: Tensor, labels: Tensor, temperature: Double = 0.1,
                              reduction: Reduction = .mean) throws -> Tensor {
        let (z, l) = try ntXentViews(z1, z2, labels, temperature)
        let b = try PairBatch("ntxent", z, l)
        return reduceNonZero(supconRows(b, temperature).loss, reduction).0
    }

    /// Gradients of ntxent with labels with respect to z1, z2 and temperature.
    public static func ntXentBackward(_ z1: Tensor, _ z2: Tensor, labels: Tensor, temperature: Double = 0.1,
                                      reduction: Reduction = .mean, upstream g: Tensor,
                                      wrt: Set<String> = ["z1", "z2", "temperature"]) throws -> [String: Tensor] {
        let (z, l) = try ntXentViews(z1, z2, labels, temperature)
        try rejectLabels("ntxent", wrt, "labels", holds: "class labels", hint: "differentiate with respect to z1 and z2")
        let b = try PairBatch("ntxent", z, l)
        let (loss, grad) = supconRows(b, temperature)
        let scaled = try anchorScaled(grad, loss, reduction, g, "ntxent")
        let gz = b.backward(scaled, shape: z.shape).data
        let half = z1.count
        // ℓ depends on τ through cos/τ only: ∂ℓ/∂τ = −(1/τ)·Σ_ij (∂ℓ/∂cos_ij)·cos_ij
        let gtau = -Summation.sum(zip(scaled, b.cos).map { $0 * $1 }) / temperature
        return picked(["z1": Tensor(shape: z1.shape, data: Array(gz[0..<half])),
                       "z2": Tensor(shape: z2.shape, data: Array(gz[half...])),
                       "temperature": Tensor(scalar: gtau)], wrt)
    }

    /// The 2N views and their labels, checked.
    static func ntXentViews(_ z1: Tensor, _ z2: Tensor, _ labels: Tensor, _ temperature: Double) throws -> (Tensor, Tensor) {
        let (n, _) = try ntXentInputs(z1, z2, temperature: temperature)
        guard labels.rank == 1, labels.count == n else {
            throw CoreError("ntxent: labels must be a vector of \(n) class labels (one per row of z1 and z2), got shape \(formatShape(labels.shape))")
        }
        return (try Tensor.concat([z1, z2], axis: 0, what: "ntxent"), Tensor(labels.data + labels.data))
    }
}
