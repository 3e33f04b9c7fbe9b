import Foundation

/// log, log1p and exp four lanes at a time, for the loss kernels bound by them (bce, focal,
/// cross-entropy, kl, softplus…), written with SIMD types so that they run as vector code on the
/// baseline x86-64 target (no FMA needed: every step that must be exact is exact without it).
/// Each lane is computed on its own (never depending on the other lanes), so a value is the same
/// whether it is computed in a block of four or alone (the scalar forms below run one lane): the
/// kernels' vector and scalar paths give the same results bit for bit.
///
/// Accuracy: within 1 ulp of glibc's `log`, `log1p` and `exp` over the whole double range
/// (Scripts/check_vecmath.sh checks ≥ 10⁸ arguments, including subnormals, ±0, ±inf, nan; the
/// unit test VecMathTests ~10⁶). Arguments outside the fast path (log: not a positive normal
/// number; exp: outside [−700, 700]; nan) are computed by glibc itself, lane by lane.
///
/// log (the method of glibc's and ARM optimized-routines' `log`, with an exact reduction
/// without FMA): x = 2^k·z with z ∈ [0.6875, 1.375), i = 8 bits of z's position in that range,
/// r = z·invc[i] − 1 computed exactly as (z_hi·invc − 1) + z_lo·invc (invc has 20 significant
/// bits, z_hi 33: both products are exact) and a Fast2Sum; log x = k·ln2 + log c + log1p(r) with
/// |r| ≤ 2^-8, log1p(r) by its Taylor series to r⁷ (truncation < 2^-59 relative), and the large
/// parts k·ln2_hi + log c_hi (exact) + r summed with their rounding errors carried into the tail.
/// The error is ≈ 0.5 ulp (final rounding) plus ~2^-8 ulp.
///
/// log1p(x) = log(u) + e/u with u = 1 + x rounded and e = (1 + x) − u exactly (2Sum), e/u
/// from the reduction of u (no division).
public enum VecMath {
    public typealias V = SIMD4<Double>
    typealias U = SIMD4<UInt64>

    /// The log table: (1/c, −log c hi, −log c lo, 0) for each of the 256 intervals (VecMathTable.swift).
    nonisolated(unsafe) static let logTable: UnsafePointer<Double> = {
        let d = logTableData
        let t = UnsafeMutablePointer<Double>.allocate(capacity: d.count)
        for (i, v) in d.enumerated() { t[i] = v }
        return UnsafePointer(t)
    }()

    static let ln2Hi = 0x1.62e42fefa3800p-1   // a multiple of 2^-42: k·ln2Hi is exact for |k| < 2^11
    static let ln2Lo = 0x1.ef35793c76730p-45

    /// The log of u plus corr/u (log1p's correction; 0 for log), lanes with u a positive normal
    /// number; other lanes give an unspecified value (the caller replaces them).
    @inline(__always) static func logCore(_ u: V, _ corr: V?, _ t: UnsafePointer<Double>) -> V {
        let ix = unsafeBitCast(u, to: U.self)
        let tmp = ix &- U(repeating: 0x3FE6_0000_0000_0000)
        // k = tmp >> 52 (arithmetic), from a logical shift of tmp + 2^62
        let kBiased = (tmp &+ U(repeating: 0x4000_0000_0000_0000)) &>> 52
        let kd = unsafeBitCast(kBiased | U(repeating: 0x4330_0000_0000_0000), to: V.self) - V(repeating: 0x1p52 + 1024)
        let i = (tmp &>> 44) & U(repeating: 255)
        let zBits = ix &- (tmp & U(repeating: 0xFFF0_0000_0000_0000))
        let z = unsafeBitCast(zBits, to: V.self)
        let zh = unsafeBitCast(zBits & U(repeating: ~0xF_FFFF), to: V.self)
        let zl = z - zh
        let e0 = t + 4 * Int(truncatingIfNeeded: i[0]), e1 = t + 4 * Int(truncatingIfNeeded: i[1])
        let e2 = t + 4 * Int(truncatingIfNeeded: i[2]), e3 = t + 4 * Int(truncatingIfNeeded: i[3])
        let invc = V(e0[0], e1[0], e2[0], e3[0])
        let chi = V(e0[1], e1[1], e2[1], e3[1])
        let clo = V(e0[2], e1[2], e2[2], e3[2])
        // r = z·invc − 1 = a + b exactly, then r + rlo = a + b (Fast2Sum: |a| ≥ |b| unless
        // |z·invc − 1| < 2^-31, where rlo's error, ~2^-84, is nothing next to log c ≥ 2^-9; near 1,
        // invc = 1 and a + b = z − 1 is exact)
        let a = zh * invc - V(repeating: 1)
        let b = zl * invc
        let r = a + b
        let rlo = (a - r) + b
        // k·ln2 + log c + r: w exact; hi + lo = w + r exactly (|w| ≥ |r| or w = 0)
        let w = kd * V(repeating: ln2Hi) + chi
        let hi = w + r
        let lo = (w - hi) + r
        let r2 = r * r
        let q67 = V(repeating: -1.0 / 6) + r * V(repeating: 1.0 / 7)
        let q45 = V(repeating: -0.25) + r * V(repeating: 0.2)
        let q23 = V(repeating: -0.5) + r * V(repeating: 1.0 / 3)
        let q = q23 + r2 * (q45 + r2 * q67)
        var tail = lo + (rlo + (kd * V(repeating: ln2Lo) + clo))
        if let c = corr {
            // corr/u = corr·2^−k·invc/(1 + r) ≈ corr·2^−k·invc·(1 − r): the error, corr·r², is
            // below 2^-53·r relative to a result ≈ r near 1, and 2^-69 absolute elsewhere
            // (0 for u > 2^1000, where 2^−k may not be normal: next to log u > 693 it is nothing)
            let inv2k = unsafeBitCast((U(repeating: 2047) &- kBiased) &<< 52, to: V.self)
            let e = c * (inv2k * (invc * (V(repeating: 1) - r)))
            tail = tail + e.replacing(with: 0, where: u .> V(repeating: 0x1p1000))
        }
        return hi + (tail + r2 * q)
    }

    /// Lanes of u that the fast path takes: positive normal finite numbers.
    @inline(__always) static func fastLanes(_ u: V) -> SIMDMask<SIMD4<Int64>> {
        (u .>= V(repeating: 0x1p-1022)) .& (u .< V(repeating: .infinity))
    }

    /// log of four values (glibc's `log` for lanes that are not positive normal numbers).
    @inline(__always) public static func log4(_ x: V) -> V {
        let ok = fastLanes(x)
        var y = logCore(x.replacing(with: 1, where: .!ok), nil, logTable)
        if !all(ok) {
            for l in 0..<4 where !ok[l] { y[l] = Foundation.log(x[l]) }
        }
        return y
    }

    /// log1p of four values (glibc's `log1p` where 1 + x is not a positive normal number; x
    /// itself for ±0).
    @inline(__always) public static func log1p4(_ x: V) -> V {
        let one = V(repeating: 1)
        let u = one + x
        let bb = u - one
        let corr = (one - (u - bb)) + (x - bb)
        let ok = fastLanes(u) .& (x .!= V(repeating: 0))
        var y = logCore(u.replacing(with: 1, where: .!ok), corr, logTable)
        if !all(ok) {
            for l in 0..<4 where !ok[l] { y[l] = Foundation.log1p(x[l]) }
        }
        return y
    }

    /// log(1 + x) for lanes whose 1 + x was already split as u + corr (u = 1 + x rounded,
    /// corr = (1 + x) − u exact), the fallback `alt` lane by lane where u is not a positive
    /// normal number: log1p1m's common path.
    @inline(__always) static func logSplit(_ u: V, _ corr: V, _ fallback: (Int) -> Double) -> V {
        let ok = fastLanes(u)
        var y = logCore(u.replacing(with: 1, where: .!ok), corr, logTable)
        if !all(ok) {
            for l in 0..<4 where !ok[l] { y[l] = fallback(l) }
        }
        return y
    }

    /// exp of four values: expCore in [−700, 700], glibc's `exp` lane by lane elsewhere (and nan).
    @inline(__always) public static func exp4(_ x: V) -> V {
        let ok = (x .>= V(repeating: -700)) .& (x .<= V(repeating: 700))
        var y = expCore(x.replacing(with: 0, where: .!ok), expTable)
        if !all(ok) {
            for l in 0..<4 where !ok[l] { y[l] = Foundation.exp(x[l]) }
        }
        return y
    }

    /// log1p(exp(−|x|)), the softplus / log-sigmoid correction (in (0, log 2]).
    @inline(__always) public static func log1pExpNegAbs4(_ x: V) -> V {
        let negAbs = unsafeBitCast(unsafeBitCast(x, to: U.self) | U(repeating: 1 << 63), to: V.self)
        let e = exp4(negAbs)
        // e ∈ [0, 1]: 1 + e is a normal number, the fast path of log1p (e = 0 gives 0)
        return log1p4(e)
    }

    /// log of p for the lanes where `which` is false, log(1 − p) (= log1p(−p)) where it is true,
    /// with one log per lane: the two logs of binary cross-entropy on probabilities.
    @inline(__always) static func logOrLog1m4(_ p: V, oneMinus: SIMDMask<SIMD4<Int64>>) -> V {
        let one = V(repeating: 1)
        let m = -p
        let u1 = one + m
        let bb = u1 - one
        let c1 = (one - (u1 - bb)) + (m - bb)
        let u = p.replacing(with: u1, where: oneMinus)
        let corr = V(repeating: 0).replacing(with: c1, where: oneMinus)
        // log1p(−0) = −0 and log(0) = −inf: glibc for those (and for u not positive normal)
        let ok = fastLanes(u) .& (p .!= V(repeating: 0))
        var y = logCore(u.replacing(with: 1, where: .!ok), corr, logTable)
        if !all(ok) {
            for l in 0..<4 where !ok[l] { y[l] = oneMinus[l] ? Foundation.log1p(-p[l]) : Foundation.log(p[l]) }
        }
        return y
    }

    /// (T[j], 2^(j/128) − T[j]) for j = 0…127, T[j] = 2^(j/128) rounded (VecMathTable.swift).
    nonisolated(unsafe) static let expTable: UnsafePointer<Double> = {
        let d = expTableData
        let t = UnsafeMutablePointer<Double>.allocate(capacity: d.count)
        for (i, v) in d.enumerated() { t[i] = v }
        return UnsafePointer(t)
    }()

    /// exp of four arguments, all in [−700, 700]: the reduction of glibc's `exp` (Tang's method,
    /// as in glibc/ARM optimized-routines with N = 128): k = round(x·128/ln 2),
    /// r = x − k·ln2/128 (two-part constant, |r| ≤ ln2/256), exp(x) = 2^(k>>7) · T[k & 127] ·
    /// (1 + r + r²/2 + … + r⁵/120), T[j] as a rounded value and its rest (so that the result
    /// is rounded once, ≈ 0.5 ulp). The Taylor remainder is below 1e-18 relative.
    @inline(__always) static func expCore(_ x: V, _ t: UnsafePointer<Double>) -> V {
        let shift = V(repeating: 0x1.8p52)                    // adding it rounds to an integer
        let kd0: V = x * V(repeating: 0x1.71547652b82fep7) + shift   // x·128/ln 2
        let kbits = unsafeBitCast(kd0, to: U.self)            // low bits: k (two's complement)
        let kd: V = kd0 - shift
        let hi: V = x - kd * V(repeating: 0x1.62e42fefa0000p-8)      // ln2/128, high part (exact product)
        let r: V = hi - kd * V(repeating: 0x1.cf79abc9e3b3ap-47)     // ln2/128, low part
        let r2: V = r * r
        let c23: V = V(repeating: 0.5) + r * V(repeating: 1.0 / 6)
        let c45: V = V(repeating: 1.0 / 24) + r * V(repeating: 1.0 / 120)
        let q: V = c23 + r2 * c45
        let p: V = r + r2 * q                                  // e^r − 1
        let j = kbits & U(repeating: 127)
        let t0 = t + 2 * Int(truncatingIfNeeded: j[0]), t1 = t + 2 * Int(truncatingIfNeeded: j[1])
        let t2 = t + 2 * Int(truncatingIfNeeded: j[2]), t3 = t + 2 * Int(truncatingIfNeeded: j[3])
        let tj = V(t0[0], t1[0], t2[0], t3[0])
        let tlo = V(t0[1], t1[1], t2[1], t3[1])
        // 2^(k>>7): (k − j)·2^45 puts k>>7 in the exponent field; + the bias 1023
        let sbits = ((kbits &- j) &<< 45) &+ U(repeating: 0x3FF0_0000_0000_0000)
        let scale = unsafeBitCast(sbits, to: V.self)
        return (tj + (tlo + tj * p)) * scale
    }


    // MARK: - One value (lane 0 of the vector forms: the same result bit for bit)

    // (not inlined: the scalar paths are tails and rare blocks, and the kernels are large)
    @inline(never) public static func log(_ x: Double) -> Double { log4(V(repeating: x))[0] }
    @inline(never) public static func log1p(_ x: Double) -> Double { log1p4(V(repeating: x))[0] }
    @inline(never) public static func exp(_ x: Double) -> Double { exp4(V(repeating: x))[0] }
    @inline(never) public static func log1pExpNegAbs(_ x: Double) -> Double { log1pExpNegAbs4(V(repeating: x))[0] }
}
