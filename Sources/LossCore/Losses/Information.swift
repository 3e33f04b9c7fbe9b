import Foundation

// Information measures (docs/reference.md §4.1): functions of distributions along an axis, one
// value per distribution, no reduction.

extension Losses {
    /// Shannon entropy −Σ p·log p (nats) along `axis`, with 0·log 0 = 0; one value per
    /// distribution (the axis is removed). Values outside [0, 1] are errors.
    public static func entropy(_ p: Tensor, axis: Int = -1) throws -> Tensor {
        let a = try entropyAxis(p, axis: axis)
        return p.data.withUnsafeBufferPointer { x in TermKernel.alongAxis(p.shape, a, EntropyTerms(p: x)) }
    }

    /// Kullback–Leibler divergence D_KL(P‖Q) = Σ p·log(p/q) along `axis`, in math order:
    /// `p` is the reference (data) distribution, `q` the model. Terms are 0 where p = 0
    /// and ∞ where q = 0 < p. One value per distribution; p and q broadcast together.
    /// kl(p, q) == cross_entropy(q, p, reduction: "none") − entropy(p) (up to the −100 clamp).
    public static func kl(_ p: Tensor, _ q: Tensor, axis: Int = -1) throws -> Tensor {
        let a = try KLInputs(p, q, axis: axis)
        return a.p.data.withUnsafeBufferPointer { pp in
            a.q.data.withUnsafeBufferPointer { qp in
                TermKernel.alongAxis(a.p.shape, a.axis, KLTerms(p: pp, q: qp))
            }
        }
    }

    /// entropy's checked arguments: the axis (non-negative) of a tensor of probabilities.
    static func entropyAxis(_ p: Tensor, axis: Int) throws -> Int {
        let fn = "entropy"
        guard p.rank >= 1 else {
            throw CoreError("entropy: p must be a distribution (a vector, or a tensor with the distributions along axis), got a number")
        }
        let a = try TermKernel.axis(axis, rank: p.rank, fn)
        try TermKernel.checkProbabilities(p, fn, "p", logitsHint: false)
        return a
    }

    /// kl's checked arguments: p and q broadcast to one shape, the axis (non-negative).
    struct KLInputs {
        /// p and q broadcast to one shape of rank ≥ 1, and the distribution axis resolved:
        /// the shape checks of `kl`, with probabilities or (`log: true`) log-probabilities.
        static func broadcast(_ p: Tensor, _ q: Tensor, axis: Int) throws -> (p: Tensor, q: Tensor, axis: Int) {
            var p = p, q = q
            if p.shape != q.shape {
                guard let s = Broadcast.shape(p.shape, q.shape) else {
                    throw CoreError("kl: p and q must have the same shape (or shapes that broadcast), got \(formatShape(p.shape)) and \(formatShape(q.shape))")
                }
                _ = try Tensor.checkedCount(s)
                p = try p.broadcast(to: s)
                q = try q.broadcast(to: s)
            }
            guard p.rank >= 1 else {
                throw CoreError("kl: p and q must be distributions (vectors, or tensors with the distributions along axis), got numbers")
            }
            return (p, q, try TermKernel.axis(axis, rank: p.rank, "kl"))
        }

        /// p and q broadcast together.
        let p, q: Tensor
        /// The shapes p and q were given in.
        let pShape, qShape: [Int]
        let axis: Int

        init(_ p: Tensor, _ q: Tensor, axis: Int) throws {
            let fn = "kl"
            pShape = p.shape
            qShape = q.shape
            let (p, q, axis) = try KLInputs.broadcast(p, q, axis: axis)
            self.axis = axis
            try TermKernel.checkProbabilities(p, fn, "p", logitsHint: false)
            try TermKernel.checkProbabilities(q, fn, "q", logitsHint: false)
            self.p = p
            self.q = q
        }
    }

    /// −p·log p with 0·log 0 = 0.
    struct EntropyTerms: IndexedTerms {
        let p: UnsafeBufferPointer<Double>
        @inline(__always) func term(_ i: Int) -> Double {
            let v = p[i]
            return v == 0 ? 0 : -v * VecMath.log(v)
        }

        static var vectorised: Bool { true }

        /// VecMath's log four at a time (the same values as `term`); a block with a 0 term by term.
        @inline(__always) func term4(_ i: Int) -> SIMD4<Double> {
            let v = VecExp.load(p.baseAddress! + i)
            if any(v .== SIMD4(repeating: 0)) { return SIMD4(term(i), term(i + 1), term(i + 2), term(i + 3)) }
            return -v * VecMath.log4(v)
        }
    }

    /// p·log(p/q) with 0 for p = 0 and ∞ for q = 0 < p (scipy `rel_entr`), nan propagating.
    struct KLTerms: IndexedTerms {
        let p, q: UnsafeBufferPointer<Double>
        @inline(__always) func term(_ i: Int) -> Double {
            let a = p[i], b = q[i]
            if a.isNaN || b.isNaN { return .nan }
            if a == 0 { return 0 }
            if b == 0 { return .infinity }
            let r = a / b
            if r.isFinite && r > 0 { return a * VecMath.log(r) }
            return a * (VecMath.log(a) - VecMath.log(b))   // p/q over- or underflows
        }

        static var vectorised: Bool { true }

        /// a·log(a/b) four at a time where every a and b is positive and every a/b a positive
        /// finite number (the same values as `term`); other blocks term by term.
        @inline(__always) func term4(_ i: Int) -> SIMD4<Double> {
            typealias V = SIMD4<Double>
            let a = VecExp.load(p.baseAddress! + i), b = VecExp.load(q.baseAddress! + i)
            let r = a / b
            let zero = V(repeating: 0)
            if all((a .> zero) .& (b .> zero) .& (r .> zero) .& (r .< V(repeating: .infinity))) {
                return a * VecMath.log4(r)
            }
            return V(term(i), term(i + 1), term(i + 2), term(i + 3))
        }
    }
}

extension TermKernel {
    /// out[o, i] = pairwise Σ_k term(flat index of [o, k, i]) over `axis` of `shape`;
    /// the result has `shape` without that axis (a number for a vector).
    @inline(__always)
    static func alongAxis<K: IndexedTerms>(_ shape: [Int], _ axis: Int, _ terms: K) -> Tensor {
        let len = shape[axis]
        let outer = Tensor.count(of: Array(shape[..<axis]))
        let inner = Tensor.count(of: Array(shape[(axis + 1)...]))
        var outShape = shape
        outShape.remove(at: axis)
        let n = outer * inner
        let data = fill(n, work: n * len, AxisSums(terms: terms, len: len, inner: inner))
        return Tensor(shape: outShape, data: data)
    }
}

/// One sum along an axis per output element: out[o, i] = Σ_k terms[o, k, i].
struct AxisSums<K: IndexedTerms>: IndexedTerms {
    let terms: K
    let len: Int
    let inner: Int
    @inline(__always) func term(_ j: Int) -> Double {
        if inner == 1 { return TermKernel.sum(j * len, len, terms) }
        let o = j / inner, i = j - o * inner
        return TermKernel.sum(0, len, Strided(terms: terms, base: o * len * inner + i, stride: inner))
    }
}

struct Strided<K: IndexedTerms>: IndexedTerms {
    let terms: K
    let base: Int
    let stride: Int
    @inline(__always) func term(_ k: Int) -> Double { terms.term(base + k * stride) }
}
