// The accuracy check of VecMath (Sources/LossCore/VecMath.swift) against glibc, compiled with
// VecMath's two source files by Scripts/check_vecmath.sh (optimised, as the release build).
// Usage: check_vecmath [millions of arguments per function, default 40] [sample file]
// Prints, per function and argument class, the number of arguments and the largest difference
// from glibc in ulps (with its argument); exits 1 if any exceeds 1 ulp (log, log1p, exp).
// With a sample file, writes "fn x ours glibc" lines (hex floats) of a random sample, which
// Scripts/check_vecmath_mp.py compares with correctly rounded values (mpmath).
import Foundation

typealias V = SIMD4<Double>

var rng = SystemRandomNumberGenerator()
struct SplitMix: RandomNumberGenerator {
    var s: UInt64
    mutating func next() -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
var g = SplitMix(s: 20261207)

/// Distance in ulps between two doubles (0 for two nans, Int64.max for nan vs a number).
func ulps(_ a: Double, _ b: Double) -> Int64 {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN ? 0 : Int64.max }
    func ord(_ x: Double) -> Int64 {
        let i = Int64(bitPattern: x.bitPattern)
        return i < 0 ? Int64.min &- i : i
    }
    let d = ord(a) &- ord(b)
    return d == Int64.min ? Int64.max : Swift.abs(d)
}

let millions = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 40 : 40
let samplePath = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : nil
var sampleLines: [String] = []
var failed = false
var total = 0

func bits(_ b: UInt64) -> Double { Double(bitPattern: b) }
/// A random double with a uniformly random exponent in [lo, hi] (biased exponents) and mantissa.
func randExp(_ lo: UInt64, _ hi: UInt64, negative: Bool = false) -> Double {
    let e = lo + g.next() % (hi - lo + 1)
    let m = g.next() & 0x000F_FFFF_FFFF_FFFF
    return bits((negative ? 1 << 63 : 0) | (e << 52) | m)
}

struct Stat { var n = 0; var maxUlp: Int64 = 0; var worst = 0.0; var hist = [Int](repeating: 0, count: 3) }

func check(_ name: String, _ cls: String, _ count: Int, _ arg: () -> Double,
           _ ours: (V) -> V, _ ref: (Double) -> Double, limit: Int64 = 1) {
    var st = Stat()
    var i = 0
    let start = Date()
    while i < count {
        let x = V(arg(), arg(), arg(), arg())
        let y = ours(x)
        for l in 0..<4 {
            let r = ref(x[l])
            let d = ulps(y[l], r)
            st.hist[Int(Swift.min(d, 2))] += 1
            if d > st.maxUlp { st.maxUlp = d; st.worst = x[l] }
            if samplePath != nil && g.next() % 2000 == 0 && sampleLines.count < 400_000 {
                sampleLines.append("\(name) \(x[l].hexString) \(y[l].hexString) \(r.hexString)")
            }
        }
        i += 4
    }
    st.n = i
    total += i
    let ok = st.maxUlp <= limit
    if !ok { failed = true }
    let mx = st.maxUlp == Int64.max ? "nan/inf mismatch" : "\(st.maxUlp)"
    print(String(format: "%-16@ %-28@ %11d  max %@ ulp (0: %.4f%%, 1: %.4f%%, >1: %d)  worst x = %@  %.1fs%@",
                 name as NSString, cls as NSString, st.n, mx as NSString,
                 100 * Double(st.hist[0]) / Double(st.n), 100 * Double(st.hist[1]) / Double(st.n), st.hist[2],
                 st.worst.hexString as NSString, Date().timeIntervalSince(start), ok ? "" : "  FAIL"))
}

extension Double {
    var hexString: String { String(format: "%a", self) }
}

let specials: [Double] = [0, -0.0, .infinity, -.infinity, .nan, -.nan, 1, -1, 2, 0.5,
                          .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
                          .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .ulpOfOne, 1 + .ulpOfOne, 1 - .ulpOfOne / 2,
                          -1 + .ulpOfOne / 2, 700, -700, 709.78, -745.2, 710, -746, 0x1p-1022 * 0.5, -0.9999999999999999,
                          0x1.fffffffffffffp-1, 0x1.0000000000001p0, 100, -100, 1e-300, -1e-300, 1e300]
var sIdx = 0
func special() -> Double { let v = specials[sIdx % specials.count]; sIdx += 1; return v }

let M = millions * 1_000_000
let log4 = { (x: V) in VecMath.log4(x) }
let log1p4 = { (x: V) in VecMath.log1p4(x) }
let exp4 = { (x: V) in VecMath.exp4(x) }
let glog = { (x: Double) in Foundation.log(x) }
let glog1p = { (x: Double) in Foundation.log1p(x) }
let gexp = { (x: Double) in Foundation.exp(x) }

print("VecMath vs glibc, \(millions)M arguments per function (+ special values)")
// log
check("log", "specials", specials.count * 4, special, log4, glog)
check("log", "all positive bit patterns", M * 4 / 10, { bits(g.next() % 0x7FF0_0000_0000_0000) }, log4, glog)
check("log", "subnormals", M / 20, { bits(g.next() % 0x0010_0000_0000_0000) }, log4, glog)
check("log", "[0, 1] uniform", M / 5, { Double(g.next() >> 11) * 0x1p-53 }, log4, glog)
check("log", "near 1: 1 ± 2^-6·u", M / 5, { 1 + (Double(g.next() >> 11) * 0x1p-53 - 0.5) * 0x1p-5 }, log4, glog)
check("log", "1 ± k ulp, k < 2^20", M / 10, { let k = Double(g.next() % (1 << 20)); return g.next() & 1 == 0 ? 1 + k * 0x1p-52 : 1 - k * 0x1p-53 }, log4, glog)
check("log", "negative bit patterns", M / 20, { -bits(g.next() % 0x7FF8_0000_0000_0000) }, log4, glog)
// log1p
check("log1p", "specials", specials.count * 4, special, log1p4, glog1p)
check("log1p", "all bit patterns > −1", M * 3 / 10, { let v = bits(g.next()); return v > -1 ? v : -v }, log1p4, glog1p)
check("log1p", "(−1, 1) uniform", M / 5, { Double(g.next() >> 11) * 0x1p-52 - 1 }, log1p4, glog1p)
check("log1p", "near 0: |x| in [2^-60, 2^-1]", M / 5, { randExp(963, 1022, negative: g.next() & 1 == 0) }, log1p4, glog1p)
check("log1p", "tiny and subnormal |x|", M / 20, { bits(g.next() % 0x3C90_0000_0000_0000 | (g.next() & (1 << 63))) }, log1p4, glog1p)
check("log1p", "near −1: −1 + 2^-k·u", M / 10, { -1 + randExp(900, 1022) }, log1p4, glog1p)
check("log1p", "1 − p, p in [0,1] (bce)", M / 10, { -Double(g.next() >> 11) * 0x1p-53 }, log1p4, glog1p)
check("log1p", "exp(−|x|) in (0,1] (softplus)", M / 20, { Foundation.exp(-Swift.abs(randExp(900, 1033))) }, log1p4, glog1p)
// exp
check("exp", "specials", specials.count * 4, special, exp4, gexp)
check("exp", "all bit patterns", M * 3 / 20, { bits(g.next()) }, exp4, gexp)
check("exp", "[−746, 710] uniform", M * 3 / 10, { -746 + Double(g.next() >> 11) * 0x1p-53 * 1456 }, exp4, gexp)
check("exp", "[−40, 40] uniform", M / 5, { -40 + Double(g.next() >> 11) * 0x1p-53 * 80 }, exp4, gexp)
check("exp", "near 0: |x| in [2^-60, 2^-1]", M / 5, { randExp(963, 1022, negative: g.next() & 1 == 0) }, exp4, gexp)
check("exp", "tiny and subnormal |x|", M / 20, { bits(g.next() % 0x3C90_0000_0000_0000 | (g.next() & (1 << 63))) }, exp4, gexp)
check("exp", "±(700, 746)", M / 10, { (g.next() & 1 == 0 ? -1 : 1) * (700 + Double(g.next() >> 11) * 0x1p-53 * 46) }, exp4, gexp)
// the composition (two roundings: not held to 1 ulp, reported)
check("log1p(exp(−|x|))", "x in [−40, 40] vs glibc's", M / 10, { -40 + Double(g.next() >> 11) * 0x1p-53 * 80 },
      { VecMath.log1pExpNegAbs4($0) }, { Foundation.log1p(Foundation.exp(-Swift.abs($0))) }, limit: 2)
// speed: ns per value, VecMath vs glibc, on 2^20 values (repeated)
func speed(_ name: String, _ xs: [Double], _ ours: (V) -> V, _ ref: (Double) -> Double) {
    let reps = 20
    var sink = 0.0
    // thread CPU time: the machine may be shared
    func now() -> Double { var ts = timespec(); clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9 }
    var t0 = now()
    xs.withUnsafeBufferPointer { b in
        for _ in 0..<reps {
            var acc = V(repeating: 0)
            var i = 0
            while i + 4 <= b.count { acc += ours(UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: V.self)); i += 4 }
            sink += acc.sum()
        }
    }
    let tv = (now() - t0) / Double(reps * xs.count) * 1e9
    t0 = now()
    for _ in 0..<reps { var acc = 0.0; for x in xs { acc += ref(x) }; sink += acc }
    let tg = (now() - t0) / Double(reps * xs.count) * 1e9
    print(String(format: "speed %-18@ VecMath %.2f ns, glibc %.2f ns per value, thread CPU time (%.1fx)%@", name as NSString, tv, tg, tg / tv, sink == 1 ? " " : ""))
}
let n20 = 1 << 20
speed("log (0, 1]", (0..<n20).map { _ in Double(g.next() >> 11) * 0x1p-53 + 0x1p-54 }, log4, glog)
speed("log1p (−1, 0]", (0..<n20).map { _ in -Double(g.next() >> 11) * 0x1p-53 }, log1p4, glog1p)
speed("exp [−10, 10]", (0..<n20).map { _ in Double(g.next() >> 11) * 0x1p-53 * 20 - 10 }, exp4, gexp)
speed("log1p(exp(−|x|))", (0..<n20).map { _ in Double(g.next() >> 11) * 0x1p-53 * 20 - 10 }, { VecMath.log1pExpNegAbs4($0) },
      { Foundation.log1p(Foundation.exp(-Swift.abs($0))) })
print("total \(total) arguments; \(failed ? "FAILED: more than 1 ulp from glibc" : "all within 1 ulp of glibc (log1p(exp(−|x|)): 2)")")
if let path = samplePath {
    try? (sampleLines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    print("wrote \(sampleLines.count) samples to \(path)")
}
exit(failed ? 1 : 0)
