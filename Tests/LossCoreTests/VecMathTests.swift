import XCTest
import Foundation
@testable import LossCore

/// VecMath's log, log1p and exp against glibc (Foundation's log, log1p, exp): within 1 ulp on
/// ~10⁶ arguments over the whole double range and the special values (Scripts/check_vecmath.sh
/// runs the same check on ≥ 10⁸ arguments in an optimised build). Also: the scalar forms give
/// the vector lanes bit for bit, whatever the other lanes hold.
final class VecMathTests: XCTestCase {
    typealias V = SIMD4<Double>

    /// A fixed pseudo-random sequence (splitmix64), so a failure names a reproducible argument.
    struct Mix: RandomNumberGenerator {
        var s: UInt64
        mutating func next() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Distance in ulps (0 for two nans; Int64.max for nan against a number).
    static func ulps(_ a: Double, _ b: Double) -> Int64 {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN ? 0 : Int64.max }
        func ord(_ x: Double) -> Int64 {
            let i = Int64(bitPattern: x.bitPattern)
            return i < 0 ? Int64.min &- i : i
        }
        let d = ord(a) &- ord(b)
        return d == Int64.min ? Int64.max : Swift.abs(d)
    }

    static let specials: [Double] = [
        0, -0.0, .infinity, -.infinity, .nan, 1, -1, 2, 0.5, -0.5, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
        .leastNormalMagnitude, .leastNormalMagnitude / 3, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
        .ulpOfOne, 1 + .ulpOfOne, 1 - .ulpOfOne / 2, -1 + .ulpOfOne / 2, 0x1.fffffffffffffp-1, 0x1.0000000000001p0,
        700, -700, 709.78, 709.79, -708.4, -745.1, -745.2, 1e-300, -1e-300, 1e300, 100, -100, 0.6875, 1.375,
    ]

    /// The arguments of one function: specials, random bit patterns (all magnitudes, subnormals), and
    /// its interesting ranges.
    func arguments(_ ranges: [(Int, (inout Mix) -> Double)]) -> [Double] {
        var g = Mix(s: 14)
        var xs = Self.specials
        for (count, f) in ranges { for _ in 0..<count { xs.append(f(&g)) } }
        while xs.count % 4 != 0 { xs.append(1) }
        return xs
    }

    func check(_ name: String, _ xs: [Double], _ ours: (V) -> V, _ scalar: (Double) -> Double, _ ref: (Double) -> Double) {
        var worst: (Int64, Double) = (0, 0)
        var over = 0
        var i = 0
        while i < xs.count {
            let v = V(xs[i], xs[i + 1], xs[i + 2], xs[i + 3])
            let y = ours(v)
            for l in 0..<4 {
                let d = Self.ulps(y[l], ref(v[l]))
                if d > 1 { over += 1 }
                if d > worst.0 { worst = (d, v[l]) }
                // one lane alone: the same bits as in the block
                if i % 64 == 0 || d > 0 {
                    XCTAssertEqual(scalar(v[l]).bitPattern, y[l].bitPattern, "\(name)(\(v[l])): scalar and vector forms differ")
                }
            }
            i += 4
        }
        XCTAssertEqual(over, 0, "\(name): \(over) of \(xs.count) arguments more than 1 ulp from glibc, the worst \(worst.0) ulp at \(worst.1)")
    }

    func testLogWithinOneUlpOfGlibc() {
        let xs = arguments([
            (120_000, { Double(bitPattern: $0.next() % 0x7FF0_0000_0000_0000) }),   // every positive magnitude
            (10_000, { Double(bitPattern: $0.next() % 0x0010_0000_0000_0000) }),    // subnormals
            (40_000, { unit(&$0) }),
            (60_000, { 1 + (unit(&$0) - 0.5) * 0x1p-5 }),                          // near 1
            (20_000, { 1 + Double(Int($0.next() % 2048) - 1024) * 0x1p-53 }),        // a few ulps from 1
            (10_000, { -Double(bitPattern: $0.next() % 0x7FF0_0000_0000_0000) }),  // negative: nan
        ])
        check("log", xs, VecMath.log4, VecMath.log, Foundation.log)
    }

    func testLog1pWithinOneUlpOfGlibc() {
        let xs = arguments([
            (80_000, { let v = anyBits(&$0); return v > -1 ? v : -v }),
            (50_000, { 2 * unit(&$0) - 1 }),
            (50_000, { magnitude(&$0, -60, -1) }),                                   // near 0
            (10_000, { magnitude(&$0, -1023, -60) }),                                // tiny and subnormal
            (20_000, { -1 + Double(bitPattern: UInt64(900 + $0.next() % 122) << 52 | $0.next() & 0xF_FFFF_FFFF_FFFF) }),
            (20_000, { -unit(&$0) }),                                               // log(1 − p) of bce
            (10_000, { Foundation.exp(-20 * unit(&$0)) }),                           // softplus
            (2_000, { -1 - unit(&$0) * 10 }),                                         // below −1: nan
        ])
        check("log1p", xs, VecMath.log1p4, VecMath.log1p, Foundation.log1p)
    }

    func testExpWithinOneUlpOfGlibc() {
        let xs = arguments([
            (50_000, { anyBits(&$0) }),
            (80_000, { -746 + 1456 * unit(&$0) }),
            (50_000, { -40 + 80 * unit(&$0) }),
            (50_000, { magnitude(&$0, -60, -1) }),
            (10_000, { magnitude(&$0, -1023, -60) }),
            (10_000, { (unit(&$0) < 0.5 ? -1 : 1) * (700 + 46 * unit(&$0)) }),
        ])
        check("exp", xs, VecMath.exp4, VecMath.exp, Foundation.exp)
    }

    /// The kernels' clamped logs: log p and log(1 − p) of bce, lane by lane or in mixed blocks.
    func testClampedLogsMatchGlibc() {
        var g = Mix(s: 3)
        for _ in 0..<20_000 {
            let p = V(unit(&g), unit(&g), unit(&g), g.next() % 8 == 0 ? 0 : unit(&g))
            var m = SIMDMask<SIMD4<Int64>>(repeating: false)
            for l in 0..<4 { m[l] = g.next() & 1 == 0 }
            let y = TermKernel.clampedLogs4(p, oneMinus: m)
            for l in 0..<4 {
                let want = m[l] ? Swift.max(Foundation.log1p(-p[l]), -100) : Swift.max(Foundation.log(p[l]), -100)
                XCTAssertLessThanOrEqual(Self.ulps(y[l], want), 1, "p = \(p[l]), 1 − p: \(m[l])")
                let one = m[l] ? TermKernel.clampedLog1m(p[l]) : TermKernel.clampedLog(p[l])
                XCTAssertEqual(one.bitPattern, y[l].bitPattern)
            }
        }
        XCTAssertEqual(TermKernel.clampedLog(0), -100)
        XCTAssertEqual(TermKernel.clampedLog1m(1), -100)
        XCTAssertTrue(TermKernel.clampedLog(.nan).isNaN)
        XCTAssertEqual(TermKernel.clampedLog1m(0).bitPattern, (-0.0).bitPattern)   // log1p(−0) = −0
    }

    /// log σ(x) against glibc's min(x, 0) − log1p(exp(−|x|)): the composition rounds twice, so 2 ulps.
    func testLogSigmoid() {
        var g = Mix(s: 5)
        for _ in 0..<50_000 {
            let x = -60 + 120 * unit(&g)
            let want = Swift.min(x, 0) - Foundation.log1p(Foundation.exp(-Swift.abs(x)))
            let got = TermKernel.logSigmoid(x)
            XCTAssertTrue(isClose(got, want, rtol: 1e-15, atol: 0), "log σ(\(x)): \(got) vs \(want)")
        }
        XCTAssertEqual(TermKernel.logSigmoid(-800), -800)
        XCTAssertEqual(TermKernel.logSigmoid(800), -0.0)
        XCTAssertTrue(TermKernel.logSigmoid(.nan).isNaN)
        XCTAssertEqual(TermKernel.logSigmoid(.infinity), 0)
        XCTAssertEqual(TermKernel.logSigmoid(-.infinity), -.infinity)
    }
}

private typealias Mix = VecMathTests.Mix

private func unit(_ g: inout Mix) -> Double { Double(g.next() >> 11) * 0x1p-53 }
private func anyBits(_ g: inout Mix) -> Double { Double(bitPattern: g.next()) }
/// |x| = 2^e·m with e uniform in [lo, hi], random sign.
private func magnitude(_ g: inout Mix, _ lo: Int, _ hi: Int) -> Double {
    let e = UInt64(lo + 1023) + g.next() % UInt64(hi - lo + 1)
    return Double(bitPattern: (g.next() & (1 << 63)) | (e << 52) | (g.next() & 0x000F_FFFF_FFFF_FFFF))
}
