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
        if n <= 128 {
            // 8 accumulators, as NumPy's pairwise_sum does below its block size
            if n < 8 {
                var s = 0.0
                for i in 0..<n { s += base[i * stride] }
                return s
            }
            var r0 = base[0], r1 = base[stride], r2 = base[2 * stride], r3 = base[3 * stride]
            var r4 = base[4 * stride], r5 = base[5 * stride], r6 = base[6 * stride], r7 = base[7 * stride]
            var i = 8
            while i + 8 <= n {
                r0 += base[i * stride]; r1 += base[(i + 1) * stride]
                r2 += base[(i + 2) * stride]; r3 += base[(i + 3) * stride]
                r4 += base[(i + 4) * stride]; r5 += base[(i + 5) * stride]
                r6 += base[(i + 6) * stride]; r7 += base[(i + 7) * stride]
                i += 8
            }
            var s = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < n { s += base[i * stride]; i += 1 }
            return s
        }
        var half = n / 2
        half -= half % 8
        return pairwise(base, half, stride: stride) + pairwise(base + half * stride, n - half, stride: stride)
    }

    /// Pairwise sum of a Swift array.
    public static func sum(_ xs: [Double]) -> Double {
        xs.withUnsafeBufferPointer { pairwise($0) }
    }
}
