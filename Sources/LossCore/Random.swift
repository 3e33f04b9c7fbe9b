import Foundation

/// A seedable pseudo-random generator: xoshiro256** (Blackman & Vigna 2018), its
/// 256-bit state filled from the seed by splitmix64 (Steele, Lea & Flood 2014), the
/// seeding Vigna recommends. Fast, 2^256 − 1 period, passes BigCrush.
///
/// The streams are our own: `seed(0)` here does not give NumPy's or torch's numbers.
public final class RandomGenerator: RandomNumberGenerator {
    private var s0: UInt64 = 0, s1: UInt64 = 0, s2: UInt64 = 0, s3: UInt64 = 0

    public init(seed: UInt64) { reseed(seed) }

    /// A generator with the given raw xoshiro256** state (not all zero), for tests against reference vectors.
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        (s0, s1, s2, s3) = state
    }

    /// Resets the state from `seed` (splitmix64 run four times from `seed`).
    public func reseed(_ seed: UInt64) {
        var x = seed
        s0 = RandomGenerator.splitmix64(&x)
        s1 = RandomGenerator.splitmix64(&x)
        s2 = RandomGenerator.splitmix64(&x)
        s3 = RandomGenerator.splitmix64(&x)
    }

    /// One step of splitmix64: advances `x` and returns the mixed output.
    @inlinable
    public static func splitmix64(_ x: inout UInt64) -> UInt64 {
        x = x &+ 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// The next 64 random bits (xoshiro256**).
    @inline(__always)
    public func next() -> UInt64 {
        let result = RandomGenerator.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = RandomGenerator.rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1) with a full 53-bit mantissa: (next >> 11) · 2⁻⁵³.
    @inline(__always)
    public func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform integer in [0, n), unbiased (rejection of the low 2^64 mod n values). n ≥ 1.
    @inline(__always)
    public func nextBelow(_ n: UInt64) -> UInt64 {
        if n & (n &- 1) == 0 { return next() & (n &- 1) }  // power of two (and n == 1)
        let threshold = (0 &- n) % n  // 2^64 mod n
        while true {
            let r = next()
            if r >= threshold { return r % n }
        }
    }

    /// Two independent standard normals by the Box–Muller transform:
    /// r = √(−2 ln u₁), (r cos 2πu₂, r sin 2πu₂), with u₁ ∈ (0, 1] so ln never sees 0.
    @inline(__always)
    public func nextNormalPair() -> (Double, Double) {
        let u1 = 1.0 - nextUnit()
        let u2 = nextUnit()
        let r = (-2.0 * Foundation.log(u1)).squareRoot()
        let theta = 2.0 * Double.pi * u2
        return (r * Foundation.cos(theta), r * Foundation.sin(theta))
    }
}

/// The process-wide generator behind `seed`, `rand`, `randn`, `randint` and `shuffle`.
///
/// It starts as if `seed(0)` had been called, so a program that never calls `seed`
/// gives the same numbers on every run; `seed(n)` restarts the stream. Every call
/// draws a fixed number of 64-bit words per element (one for `rand` and `shuffle`
/// swaps, one per pair for `randn`, one or more — rejection — for `randint`), so
/// results depend only on the seed and the sequence of calls.
public enum Random {
    /// The seed the generator starts from.
    public static let defaultSeed: UInt64 = 0

    nonisolated(unsafe) public static var generator = RandomGenerator(seed: defaultSeed)

    /// Restarts the global stream. Negative seeds are taken by their two's-complement bits.
    public static func seed(_ n: Int) {
        generator.reseed(UInt64(bitPattern: Int64(n)))
    }

    /// Uniform samples in [0, 1) of the given shape.
    public static func rand(_ shape: [Int]) throws -> Tensor {
        let n = try Tensor.checkedCount(shape)
        let g = generator
        var out = try Memory.doubles(n)
        try out.withUnsafeMutableBufferPointer { o in
            try Interruption.chunked(o.count) { r in for i in r { o[i] = g.nextUnit() } }
        }
        return Tensor(shape: shape, data: out)
    }

    /// Standard normal samples (Box–Muller, both values of each pair used in order;
    /// for an odd count the last pair's second value is dropped).
    public static func randn(_ shape: [Int]) throws -> Tensor {
        let n = try Tensor.checkedCount(shape)
        let g = generator
        var out = try Memory.doubles(n)
        try out.withUnsafeMutableBufferPointer { o in
            var i = 0
            while i < o.count {
                let (a, b) = g.nextNormalPair()
                o[i] = a
                if i + 1 < o.count { o[i + 1] = b }
                i += 2
                if i & (Interruption.chunk - 1) == 0 { try Interruption.check() }
            }
        }
        return Tensor(shape: shape, data: out)
    }

    /// Uniform integers in [lo, hi) (hi exclusive, as NumPy's `randint`); throws when hi ≤ lo.
    /// `lo` and `hi` must lie within ±2^53 so that every result is an exact double.
    public static func randint(_ lo: Int, _ hi: Int, _ shape: [Int]) throws -> Tensor {
        let limit = 9_007_199_254_740_992
        guard Swift.abs(lo) <= limit, Swift.abs(hi) <= limit else {
            throw CoreError("randint: lo and hi must lie within ±2^53, got \(lo) and \(hi)")
        }
        guard hi > lo else {
            throw CoreError("randint: hi must be greater than lo (hi is exclusive), got lo = \(lo) and hi = \(hi)",
                            hint: "randint(lo, hi, shape) draws from lo, lo+1, …, hi−1")
        }
        let n = try Tensor.checkedCount(shape)
        let width = UInt64(hi - lo)  // ≤ 2^54, no overflow
        let g = generator
        var out = try Memory.doubles(n)
        try out.withUnsafeMutableBufferPointer { o in
            try Interruption.chunked(o.count) { r in for i in r { o[i] = Double(lo + Int(g.nextBelow(width))) } }
        }
        return Tensor(shape: shape, data: out)
    }

    /// A random permutation of 0..<n (Fisher–Yates, from the last position down).
    public static func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<Swift.max(n, 0))
        let g = generator
        p.withUnsafeMutableBufferPointer { b in
            var i = b.count - 1
            while i > 0 {
                let j = Int(g.nextBelow(UInt64(i + 1)))
                b.swapAt(i, j)
                i -= 1
            }
        }
        return p
    }

    /// A copy of `x` with its first axis randomly permuted (rows of a matrix stay whole).
    public static func shuffle(_ x: Tensor) throws -> Tensor {
        guard let n = x.shape.first else {
            throw CoreError("shuffle: x must be a tensor with at least one axis, got a number",
                            hint: "to permute 0, 1, …, n−1, shuffle a range")
        }
        let perm = permutation(n)
        let row = n == 0 ? 0 : x.count / n
        var out = try Memory.doubles(x.count)
        x.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (k, i) in perm.enumerated() {
                    let s = i * row, d = k * row
                    for j in 0..<row { dst[d + j] = src[s + j] }
                }
            }
        }
        return Tensor(shape: x.shape, data: out)
    }
}
