/// Accurate summation: pairwise over blocks of 128, the scheme NumPy uses,
/// so that sums of millions of values agree with NumPy to ~1e-15 relative.
public enum Summation {
    @inlinable
    public static func pairwise(_ p: UnsafeBufferPointer<Double>) -> Double {
        pairwise(p.baseAddress, p.count, stride: 1)
    }

    /// Sum of `n` values starting at `base`, `stride` apart.
    @inlinable
    public static func pairwise(_ base: UnsafePointer<Double>?, _ n: Int, stride: Int) -> Double {
        guard let base = base, n > 0 else { return 0 }
        if n <= 128 { return leaf(0, n) { base[$0 * stride] } }
        var half = n / 2
        half -= half % 8
        return pairwise(base, half, stride: stride) + pairwise(base + half * stride, n - half, stride: stride)
    }

    /// Σ term(i) for i in lo..<lo+n (n ≤ 128) with 8 accumulators, as NumPy's pairwise_sum
    /// does below its block size: the leaf of every pairwise sum in the core.
    @inlinable @inline(__always)
    public static func leaf(_ lo: Int, _ n: Int, _ term: (Int) -> Double) -> Double {
        if n < 8 {
            var s = 0.0
            var i = lo
            while i < lo + n { s += term(i); i += 1 }
            return s
        }
        var r0 = term(lo), r1 = term(lo + 1), r2 = term(lo + 2), r3 = term(lo + 3)
        var r4 = term(lo + 4), r5 = term(lo + 5), r6 = term(lo + 6), r7 = term(lo + 7)
        var i = 8
        while i + 8 <= n {
            let b = lo + i
            r0 += term(b); r1 += term(b + 1); r2 += term(b + 2); r3 += term(b + 3)
            r4 += term(b + 4); r5 += term(b + 5); r6 += term(b + 6); r7 += term(b + 7)
            i += 8
        }
        var s = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n { s += term(lo + i); i += 1 }
        return s
    }

    /// Pairwise sum of a Swift array.
    public static func sum(_ xs: [Double]) -> Double {
        xs.withUnsafeBufferPointer { pairwise($0) }
    }
}
