import Foundation

// docs/reference.md §4.3, margin-based softmax losses on class weights (arcface, cosface, sphereface)
// and the center loss. x is [N, D] (or [D], one sample), W / centers are [C, D], y holds
// 0-based class indices.
extension Losses {
    /// ArcFace (Deng et al. 2018) as insightface's legacy `ArcMarginProduct`: x and W
    /// L2-normalised, cos θ = x̂·Ŵᵀ, the target's cos θ_y replaced by
    /// φ = cos θ_y·cos m − sin θ_y·sin m = cos(θ_y + m) where cos θ_y > cos(π − m)
    /// (θ_y + m < π), and by cos θ_y − m·sin m elsewhere (insightface's `mm = sin(π − m)·m`,
    /// which keeps the target logit decreasing in θ); `easyMargin`: φ only where cos θ_y > 0,
    /// cos θ_y elsewhere. Loss: cross-entropy of s·[cos θ_j with φ at y] at y.
    /// sin θ = √clamp(1 − cos²θ, 0, 1), so cos θ = ±1 stays finite.
    public static func arcface(_ x: Tensor, _ W: Tensor, _ y: Tensor, s: Double = 64, m: Double = 0.5, easyMargin: Bool = false,
                               reduction: Reduction = .mean) throws -> Tensor {
        let fn = "arcface"
        try checkArcfaceMargin(m)
        let cosM = Foundation.cos(m), sinM = Foundation.sin(m)
        let th = Foundation.cos(Double.pi - m), mm = Foundation.sin(Double.pi - m) * m
        return try embeddingMarginSoftmax(fn, x, W, y, s: s, reduction: reduction) { c in
            let sine = Swift.min(1, Swift.max(0, 1 - c * c)).squareRoot()
            let phi = c * cosM - sine * sinM
            if easyMargin { return c > 0 ? phi : c }
            return c > th ? phi : c - mm
        }
    }

    /// CosFace / large margin cosine loss (Wang et al. 2018): as arcface with the target logit
    /// s·(cos θ_y − m), as insightface `CosFace`.
    public static func cosface(_ x: Tensor, _ W: Tensor, _ y: Tensor, s: Double = 64, m: Double = 0.35,
                               reduction: Reduction = .mean) throws -> Tensor {
        let fn = "cosface"
        try EmbKernels.finite(fn, "m", m)
        return try embeddingMarginSoftmax(fn, x, W, y, s: s, reduction: reduction) { c in c - m }
    }

    /// arcface's m, checked: an angle in [0, π).
    static func checkArcfaceMargin(_ m: Double) throws {
        guard m >= 0 && m < Double.pi else {
            throw CoreError("arcface: m must be an angle (radians) in [0, π), got \(formatNumber(m))")
        }
    }

    /// sphereface's m, checked: an integer from 1 to 1000.
    static func checkSphereFaceMargin(_ m: Int) throws {
        guard m >= 1 && m <= 1000 else {
            throw CoreError("sphereface: m must be an integer from 1 to 1000 (the angular margin multiplier, 4 in the paper), got \(m)")
        }
    }

    /// The checked arguments of a loss of features x [N, D] (or [D]) against class rows [C, D]
    /// (`W` or `centers`) with one class index per sample.
    struct ClassRowsInputs {
        let n, d, c: Int
        let vector: Bool
        let labels: [Int]

        /// `logits`: the margin softmax losses, whose N × C logits go through BLAS; `s` their
        /// scale (nil: sphereface, scaled by ‖x‖).
        init(_ fn: String, _ x: Tensor, _ rows: Tensor, _ arg: String, _ y: Tensor, logits: Bool, s: Double? = nil) throws {
            (n, d, vector) = try EmbKernels.matrix(x, fn, "x", allowVector: true)
            c = try EmbKernels.classWeights(fn, arg, rows, d: d, x: x)
            if let s = s { try EmbKernels.positive(fn, "s", s) }
            labels = try EmbKernels.classIndices(y, n: n, vector: vector, classes: c, fn, "\(arg) has \(c) row\(c == 1 ? "" : "s")")
            if logits {
                try EmbKernels.checkMatrix(fn, "N × C logit", rows: n, cols: c)
                try EmbKernels.checkBlasDims(fn, n, c, d)
            }
        }
    }

    /// Shared body of arcface and cosface: normalised cosines through BLAS, the target's
    /// cosine mapped by `target`, everything scaled by s, cross-entropy at y.
    static func embeddingMarginSoftmax(_ fn: String, _ x: Tensor, _ W: Tensor, _ y: Tensor, s: Double, reduction: Reduction,
                              target: (Double) -> Double) throws -> Tensor {
        let a = try ClassRowsInputs(fn, x, W, "W", y, logits: true, s: s)
        let (n, d, c, labels) = (a.n, a.d, a.c, a.labels)
        let xh = EmbKernels.normalizedRows(x.data, rows: n, cols: d)
        let wh = EmbKernels.normalizedRows(W.data, rows: c, cols: d)
        var logits = try EmbKernels.gemmNT(xh, wh, m: n, n: c, k: d)
        for i in 0..<n {
            let t = i * c + labels[i]
            logits[t] = target(logits[t])
        }
        for i in 0..<logits.count { logits[i] *= s }
        var per = try Memory.doubles(n)
        EmbKernels.rowCrossEntropy(logits, rows: n, cols: c, targets: { labels[$0] }, into: &per)
        return EmbKernels.reduce(per, vector: a.vector, reduction)
    }

    /// SphereFace's A-Softmax (Liu et al. 2017): W rows L2-normalised, x not; logits
    /// ‖x‖·cos θ_j, with the target's replaced by ‖x‖·ψ(θ_y), ψ(θ) = (−1)^k cos(mθ) − 2k for
    /// θ ∈ [kπ/m, (k+1)π/m] (cos mθ as the Chebyshev polynomial T_m(cos θ)); cross-entropy at y.
    /// The pure loss of the paper (λ = 0, no annealing with softmax). `m` is a positive integer.
    public static func sphereface(_ x: Tensor, _ W: Tensor, _ y: Tensor, m: Int = 4, reduction: Reduction = .mean) throws -> Tensor {
        try checkSphereFaceMargin(m)
        let a = try ClassRowsInputs("sphereface", x, W, "W", y, logits: true)
        let (n, d, c, labels) = (a.n, a.d, a.c, a.labels)
        let xnorm = try EmbKernels.rowNorms(x.data, rows: n, cols: d)
        let xh = EmbKernels.normalizedRows(x.data, rows: n, cols: d)
        let wh = EmbKernels.normalizedRows(W.data, rows: c, cols: d)
        var logits = try EmbKernels.gemmNT(xh, wh, m: n, n: c, k: d)
        for i in 0..<n {
            let len = xnorm[i]
            for j in 0..<c {
                let t = i * c + j
                let cs = logits[t].isNaN ? Double.nan : Swift.min(1, Swift.max(-1, logits[t]))
                if j == labels[i] {
                    logits[t] = len * EmbKernels.sphereFacePsi(cs, m)
                } else {
                    logits[t] = len * cs
                }
            }
        }
        var per = try Memory.doubles(n)
        EmbKernels.rowCrossEntropy(logits, rows: n, cols: c, targets: { labels[$0] }, into: &per)
        return EmbKernels.reduce(per, vector: a.vector, reduction)
    }

    /// Center loss (Wen et al. 2016): ½‖x_i − c_{y_i}‖² with `centers` [C, D].
    /// "sum" gives the paper's L_C = ½ Σ_i ‖x_i − c_{y_i}‖².
    public static func centerLoss(_ x: Tensor, _ centers: Tensor, _ y: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        let a = try ClassRowsInputs("center_loss", x, centers, "centers", y, logits: false)
        let per = EmbKernels.pairRows(x, centers, a.n, a.d, row: { a.labels[$0] }) { _, xi, c, scratch in
            0.5 * EmbKernels.squaredDistance(xi, c, a.d, scratch)
        }
        return EmbKernels.reduce(per, vector: a.vector, reduction)
    }
}

extension EmbKernels {
    /// Checks a [C, D] matrix of class weights / centers against x's embedding size; returns C.
    static func classWeights(_ fn: String, _ arg: String, _ w: Tensor, d: Int, x: Tensor) throws -> Int {
        guard w.rank == 2 else {
            throw CoreError("\(fn): \(arg) must have shape [C, D] (one row per class), got \(formatShape(w.shape))")
        }
        guard w.shape[1] == d else {
            throw CoreError("\(fn): x and \(arg) must have the same embedding size (last axis), got \(formatShape(x.shape)) and \(formatShape(w.shape))")
        }
        return w.shape[0]
    }

    /// ψ(θ) = (−1)^k·cos(mθ) − 2k, k = ⌊mθ/π⌋ ∈ [0, m − 1], with cos(mθ) = T_m(cos θ).
    static func sphereFacePsi(_ c: Double, _ m: Int) -> Double {
        if c.isNaN { return .nan }
        // Chebyshev recurrence T_{k+1} = 2c·T_k − T_{k−1}
        var t0 = 1.0, t1 = c
        if m == 0 { t1 = 1 }
        var i = 1
        while i < m { let t2 = 2 * c * t1 - t0; t0 = t1; t1 = t2; i += 1 }
        let theta = Foundation.acos(c)
        var k = Int((Double(m) * theta / Double.pi).rounded(.down))
        k = Swift.min(Swift.max(k, 0), m - 1)
        let sign: Double = k % 2 == 0 ? 1 : -1
        return sign * t1 - 2 * Double(k)
    }

    /// Cross-entropy of each row of a rows × cols logit matrix at `targets(row)`; rows split
    /// across the cores when large.
    static func rowCrossEntropy(_ logits: [Double], rows: Int, cols: Int, targets: (Int) -> Int, into per: inout [Double]) {
        if rows == 0 { return }
        logits.withUnsafeBufferPointer { pl in
            per.withUnsafeMutableBufferPointer { pp in
                guard let base = pl.baseAddress, let out = pp.baseAddress, pp.count >= rows else { return }
                EmbKernels.parallelRows(rows, work: rows * cols) { lo, hi in
                    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(cols, 1))
                    defer { scratch.deallocate() }
                    for i in lo..<hi { out[i] = EmbKernels.crossEntropy(base + i * cols, cols, target: targets(i), scratch) }
                }
            }
        }
    }
}
