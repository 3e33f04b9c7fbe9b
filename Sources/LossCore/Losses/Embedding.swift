import Foundation

// docs/reference.md §4.3, pair and triplet losses: triplet, contrastive, margin_ranking, cosine_embedding.
// Rows are samples and the last axis is the embedding; a vector is one sample.
extension Losses {
    /// Triplet margin loss, max(0, d(a, p) − d(a, n) + margin), as torch `triplet_margin_loss`:
    /// d(x, y) = ‖x − y + 1e-6‖_norm (the eps is added to the difference, as torch's
    /// `pairwise_distance`), `swap` uses min(d(a, n), d(p, n)) as the negative distance
    /// (Balntas et al. 2016); `squared` uses the squared Euclidean distance ‖x − y‖² of FaceNet
    /// (no eps). `norm` may be any positive number or `inf`.
    public static func triplet(anchor: Tensor, positive: Tensor, negative: Tensor, margin: Double = 1, norm: Double = 2,
                               swap: Bool = false, squared: Bool = false, reduction: Reduction = .mean) throws -> Tensor {
        let (n, d, vector) = try tripletInputs(anchor, positive, negative, margin: margin, norm: norm, squared: squared)
        var per = try Memory.doubles(n)
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(d, 1))
        defer { scratch.deallocate() }
        anchor.data.withUnsafeBufferPointer { pa in
            positive.data.withUnsafeBufferPointer { pp in
                negative.data.withUnsafeBufferPointer { pn in
                    guard let a = pa.baseAddress, let p = pp.baseAddress, let q = pn.baseAddress else {
                        // d == 0: every distance is ‖eps‖ of an empty vector = 0
                        for i in 0..<n { per[i] = Swift.max(0, margin) }
                        return
                    }
                    for i in 0..<n {
                        let o = i * d
                        let dap: Double, dan: Double
                        if squared {
                            dap = EmbKernels.squaredDistance(a + o, p + o, d, scratch)
                            dan = swap ? EmbKernels.nanMin(EmbKernels.squaredDistance(a + o, q + o, d, scratch), EmbKernels.squaredDistance(p + o, q + o, d, scratch))
                                       : EmbKernels.squaredDistance(a + o, q + o, d, scratch)
                        } else {
                            dap = EmbKernels.pDistance(a + o, p + o, d, norm, scratch)
                            let d1 = EmbKernels.pDistance(a + o, q + o, d, norm, scratch)
                            dan = swap ? EmbKernels.nanMin(d1, EmbKernels.pDistance(p + o, q + o, d, norm, scratch)) : d1
                        }
                        let v = margin + dap - dan
                        per[i] = v.isNaN ? .nan : Swift.max(0, v)
                    }
                }
            }
        }
        return EmbKernels.reduce(per, vector: vector, reduction)
    }

    /// triplet's checked arguments: the rows × embedding view of anchor (and its two partners).
    static func tripletInputs(_ anchor: Tensor, _ positive: Tensor, _ negative: Tensor, margin: Double, norm: Double,
                              squared: Bool) throws -> (n: Int, d: Int, vector: Bool) {
        let fn = "triplet"
        try EmbKernels.sameShape(fn, "anchor", anchor, "positive", positive)
        try EmbKernels.sameShape(fn, "anchor", anchor, "negative", negative)
        let view = try EmbKernels.matrix(anchor, fn, "anchor", allowVector: true)
        if !(margin > 0) { throw CoreError("\(fn): margin must be greater than 0, got \(formatNumber(margin))", hint: "as torch's triplet_margin_loss") }
        if !(norm > 0) { throw CoreError("\(fn): norm must be a positive number (1, 2, 3, …, inf), got \(formatNumber(norm))") }
        if squared && norm != 2 {
            throw CoreError("\(fn): squared: true uses the squared Euclidean distance, so norm must be 2, got \(formatNumber(norm))")
        }
        return view
    }

    /// Contrastive loss of Hadsell, Chopra and LeCun (2006): with D = ‖x1 − x2‖,
    /// ½D² for similar pairs and ½max(0, margin − D)² for dissimilar ones. `similar` is the
    /// label value meaning "similar": 0 as in the paper, 1 for the retrieval convention.
    /// `y` holds one 0/1 label per row (or one number for all rows).
    public static func contrastive(_ x1: Tensor, _ x2: Tensor, _ y: Tensor, margin: Double = 1, similar: Double = 0,
                                   reduction: Reduction = .mean) throws -> Tensor {
        let a = try contrastiveInputs(x1, x2, y, similar: similar)
        let per = EmbKernels.pairRows(x1, x2, a.n, a.d) { i, ra, rb, scratch in
            let dist = EmbKernels.squaredDistance(ra, rb, a.d, scratch).squareRoot()
            if a.labels[i] == similar { return 0.5 * dist * dist }
            let h = margin - dist
            return h.isNaN ? .nan : 0.5 * Swift.max(0, h) * Swift.max(0, h)
        }
        return EmbKernels.reduce(per, vector: a.vector, reduction)
    }

    /// The checked arguments of a loss on pairs of rows with one label per pair.
    struct PairInputs {
        let n, d: Int
        let vector: Bool
        let labels: [Double]
    }

    /// contrastive's checked arguments: 0/1 labels.
    static func contrastiveInputs(_ x1: Tensor, _ x2: Tensor, _ y: Tensor, similar: Double) throws -> PairInputs {
        let fn = "contrastive"
        try EmbKernels.sameShape(fn, "x1", x1, "x2", x2)
        let (n, d, vector) = try EmbKernels.matrix(x1, fn, "x1", allowVector: true)
        guard similar == 0 || similar == 1 else {
            throw CoreError("\(fn): similar must be 0 or 1 (the label value that means \"similar\"), got \(formatNumber(similar))")
        }
        let labels = try EmbKernels.pairLabels(y, n: n, fn, rowsOf: "x1")
        for (i, v) in labels.enumerated() where !(v == 0 || v == 1) {
            throw CoreError("\(fn): y must hold 0/1 labels, got \(formatNumber(v)) at position \(i)",
                            hint: similar == 0 ? "with similar: 0 (Hadsell et al.), y = 0 marks similar pairs and y = 1 dissimilar ones"
                                               : "with similar: 1, y = 1 marks similar pairs and y = 0 dissimilar ones")
        }
        return PairInputs(n: n, d: d, vector: vector, labels: labels)
    }

    /// Margin ranking loss, max(0, −y·(x1 − x2) + margin), element-wise with NumPy broadcasting
    /// of x1, x2 and y (every element is a sample), as torch `margin_ranking_loss`. y ∈ {−1, +1}.
    public static func marginRanking(_ x1: Tensor, _ x2: Tensor, _ y: Tensor, margin: Double = 0,
                                     reduction: Reduction = .mean) throws -> Tensor {
        let shape = try marginRankingShape(x1, x2, y)
        let a = try x1.broadcast(to: shape), b = try x2.broadcast(to: shape), t = try y.broadcast(to: shape)
        var out = try Memory.doubles(a.count)
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                t.data.withUnsafeBufferPointer { pt in
                    out.withUnsafeMutableBufferPointer { po in
                        for i in 0..<po.count {
                            let v = -pt[i] * (pa[i] - pb[i]) + margin
                            po[i] = v.isNaN ? .nan : Swift.max(0, v)
                        }
                    }
                }
            }
        }
        return reduction.apply(Tensor(shape: shape, data: out))
    }

    /// margin_ranking's checked arguments: the shape x1, x2 and y broadcast to (y's labels ±1).
    static func marginRankingShape(_ x1: Tensor, _ x2: Tensor, _ y: Tensor) throws -> [Int] {
        let fn = "margin_ranking"
        guard let s12 = Broadcast.shape(x1.shape, x2.shape), let shape = Broadcast.shape(s12, y.shape) else {
            throw CoreError("\(fn): x1, x2 and y must have the same (or broadcastable) shapes, got \(formatShape(x1.shape)), \(formatShape(x2.shape)) and \(formatShape(y.shape))")
        }
        _ = try Tensor.checkedCount(shape)
        try EmbKernels.checkSignLabels(y.data, fn, hint: "y = 1 ranks x1 above x2 and y = -1 ranks x2 above x1; convert 0/1 labels with 2*y - 1")
        return shape
    }

    /// Cosine embedding loss, as torch `cosine_embedding_loss`: 1 − cos(x1, x2) for y = 1,
    /// max(0, cos − margin) for y = −1, with torch's eps handling
    /// cos = Σx1·x2 / √((Σx1² + ε)(Σx2² + ε)), ε = 1e-12 rounded to float32 (torch's `EPSILON`,
    /// 9.99999996e-13), so zero vectors have cosine 0.
    public static func cosineEmbedding(_ x1: Tensor, _ x2: Tensor, _ y: Tensor, margin: Double = 0,
                                       reduction: Reduction = .mean) throws -> Tensor {
        let a = try cosineEmbeddingInputs(x1, x2, y)
        let per = EmbKernels.pairRows(x1, x2, a.n, a.d) { i, ra, rb, scratch in
            let c = EmbKernels.torchCosine(ra, rb, a.d, scratch).cos
            if a.labels[i] == 1 { return 1 - c }
            let v = c - margin
            return v.isNaN ? .nan : Swift.max(0, v)
        }
        return EmbKernels.reduce(per, vector: a.vector, reduction)
    }

    /// cosine_embedding's checked arguments: labels ±1.
    static func cosineEmbeddingInputs(_ x1: Tensor, _ x2: Tensor, _ y: Tensor) throws -> PairInputs {
        let fn = "cosine_embedding"
        try EmbKernels.sameShape(fn, "x1", x1, "x2", x2)
        let (n, d, vector) = try EmbKernels.matrix(x1, fn, "x1", allowVector: true)
        let labels = try EmbKernels.pairLabels(y, n: n, fn, rowsOf: "x1")
        try EmbKernels.checkSignLabels(labels, fn, hint: "y = 1 marks similar pairs and y = -1 dissimilar ones; convert 0/1 labels with 2*y - 1")
        return PairInputs(n: n, d: d, vector: vector, labels: labels)
    }
}

extension EmbKernels {
    /// f(i, row i of a, row `row(i)` of b, scratch) for the n rows of a, where a and b hold rows
    /// of d values, with a scratch buffer of d values (for d = 0 the rows are empty: any pointer
    /// will do).
    @inline(__always)
    static func pairRows(_ a: Tensor, _ b: Tensor, _ n: Int, _ d: Int, row: (Int) -> Int = { $0 },
                         _ f: (Int, UnsafePointer<Double>, UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Double) -> [Double] {
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(d, 1))
        defer { scratch.deallocate() }
        return a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                let ra = pa.baseAddress ?? UnsafePointer(scratch), rb = pb.baseAddress ?? UnsafePointer(scratch)
                return (0..<n).map { i in f(i, ra + i * d, rb + row(i) * d, scratch) }
            }
        }
    }

    /// torch `cosine_embedding_loss`'s cosine Σab / √((Σa² + ε)(Σb² + ε)) of two rows of n values,
    /// with ε = 1e-12 rounded to float32 (torch's `EPSILON`, 9.99999996e-13), so that zero
    /// vectors have cosine 0; also Σab, Σa² + ε, Σb² + ε and the denominator (for the gradient).
    @inline(__always)
    static func torchCosine(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int,
                            _ scratch: UnsafeMutablePointer<Double>) -> (cos: Double, m1: Double, m2: Double, den: Double) {
        let eps = Double(Float(1e-12))  // torch: `constexpr float EPSILON = 1e-12` promoted to double
        for j in 0..<n { scratch[j] = a[j] * b[j] }
        let prod = Summation.pairwise(UnsafePointer(scratch), n, stride: 1)
        let m1 = sumSquares(a, n, scratch) + eps, m2 = sumSquares(b, n, scratch) + eps
        let den = (m1 * m2).squareRoot()
        return (prod / den, m1, m2, den)
    }

    /// min that propagates NaN (torch.min semantics).
    @inline(__always)
    static func nanMin(_ a: Double, _ b: Double) -> Double {
        if a.isNaN || b.isNaN { return .nan }
        return Swift.min(a, b)
    }

    /// ‖x − y + 1e-6‖_p, torch's `pairwise_distance`.
    @inline(__always)
    static func pDistance(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ n: Int, _ p: Double,
                          _ scratch: UnsafeMutablePointer<Double>) -> Double {
        let eps = 1e-6
        if p == .infinity {
            var m = 0.0
            for j in 0..<n {
                let v = Swift.abs(x[j] - y[j] + eps)
                if v.isNaN { return .nan }
                if v > m { m = v }
            }
            return m
        }
        if p == 2 {
            for j in 0..<n { let v = x[j] - y[j] + eps; scratch[j] = v * v }
            return Summation.pairwise(UnsafePointer(scratch), n, stride: 1).squareRoot()
        }
        if p == 1 {
            for j in 0..<n { scratch[j] = Swift.abs(x[j] - y[j] + eps) }
            return Summation.pairwise(UnsafePointer(scratch), n, stride: 1)
        }
        for j in 0..<n { scratch[j] = Foundation.pow(Swift.abs(x[j] - y[j] + eps), p) }
        return Foundation.pow(Summation.pairwise(UnsafePointer(scratch), n, stride: 1), 1 / p)
    }

    /// ‖x − y‖² (FaceNet's squared Euclidean distance).
    @inline(__always)
    static func squaredDistance(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ n: Int,
                                _ scratch: UnsafeMutablePointer<Double>) -> Double {
        for j in 0..<n { let v = x[j] - y[j]; scratch[j] = v * v }
        return Summation.pairwise(UnsafePointer(scratch), n, stride: 1)
    }
}
