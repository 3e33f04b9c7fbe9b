import Foundation

// Information measures (SPEC §4.1): functions of distributions along an axis, one
// value per distribution, no reduction.

extension Losses {
    /// Shannon entropy −Σ p·log p (nats) along `axis`, with 0·log 0 = 0; one value per
    /// distribution (the axis is removed). Values outside [0, 1] are errors.
    public static func entropy(_ p: Tensor, axis: Int = -1) throws -> Tensor {
        let fn = "entropy"
        guard p.rank >= 1 else {
            throw CoreError("entropy: p must be a distribution (a vector, or a tensor with the distributions along axis), got a number")
        }
        let a = try ClsKernel.axis(axis, rank: p.rank, fn)
        try ClsKernel.checkProbabilities(p, fn, "p", logitsHint: false)
        return p.data.withUnsafeBufferPointer { x in
            ClsKernel.alongAxis(p.shape, a) { i in
                let v = x[i]
                return v == 0 ? 0 : -v * log(v)
            }
        }
    }

    /// Kullback–Leibler divergence D_KL(P‖Q) = Σ p·log(p/q) along `axis`, in math order:
    /// `p` is the reference (data) distribution, `q` the model. Terms are 0 where p = 0
    /// and ∞ where q = 0 < p. One value per distribution; p and q broadcast together.
    /// kl(p, q) == cross_entropy(q, p, reduction: "none") − entropy(p) (up to the −100 clamp).
    public static func kl(_ p: Tensor, _ q: Tensor, axis: Int = -1) throws -> Tensor {
        let fn = "kl"
        var p = p, q = q
        if p.shape != q.shape {
            guard let s = Broadcast.shape(p.shape, q.shape) else {
                throw CoreError("kl: p and q must have the same shape (or shapes that broadcast), got \(formatShape(p.shape)) and \(formatShape(q.shape))")
            }
            _ = try Tensor.checkedCount(s)
            p = p.broadcast(to: s)
            q = q.broadcast(to: s)
        }
        guard p.rank >= 1 else {
            throw CoreError("kl: p and q must be distributions (vectors, or tensors with the distributions along axis), got numbers")
        }
        let a = try ClsKernel.axis(axis, rank: p.rank, fn)
        try ClsKernel.checkProbabilities(p, fn, "p", logitsHint: false)
        try ClsKernel.checkProbabilities(q, fn, "q", logitsHint: false)
        return p.data.withUnsafeBufferPointer { pp in
            q.data.withUnsafeBufferPointer { qp in
                ClsKernel.alongAxis(p.shape, a) { i in klTerm(pp[i], qp[i]) }
            }
        }
    }

    /// p·log(p/q) with 0 for p = 0 and ∞ for q = 0 < p (scipy `rel_entr`), nan propagating.
    @inline(__always) static func klTerm(_ p: Double, _ q: Double) -> Double {
        if p.isNaN || q.isNaN { return .nan }
        if p == 0 { return 0 }
        if q == 0 { return .infinity }
        let r = p / q
        if r.isFinite && r > 0 { return p * log(r) }
        return p * (log(p) - log(q))   // p/q over- or underflows
    }
}

extension ClsKernel {
    /// out[o, i] = pairwise Σ_k term(flat index of [o, k, i]) over `axis` of `shape`;
    /// the result has `shape` without that axis (a number for a vector).
    @inline(__always)
    static func alongAxis(_ shape: [Int], _ axis: Int, _ term: (Int) -> Double) -> Tensor {
        let len = shape[axis]
        let outer = Tensor.count(of: Array(shape[..<axis]))
        let inner = Tensor.count(of: Array(shape[(axis + 1)...]))
        var outShape = shape
        outShape.remove(at: axis)
        let n = outer * inner
        let data = fill(n, work: n * len) { j in
            let o = j / Swift.max(inner, 1), i = j - o * inner
            let base = o * len * inner + i
            if inner == 1 { return sum(base, len) { k in term(k) } }
            return sum(0, len) { k in term(base + k * inner) }
        }
        return Tensor(shape: outShape, data: data)
    }
}
