import Foundation
import LossLang

/// Ranges, ticks and number formatting shared by the braille and SVG renderers.
enum PlotGeometry {
    struct Bounds: Equatable {
        var xmin: Double, xmax: Double, ymin: Double, ymax: Double
    }

    /// Extrema of the finite points (x and y both finite) of every series, or nil when there are none.
    static func dataBounds(_ p: Plot) -> Bounds? {
        var b: Bounds? = nil
        for s in p.series {
            let n = Swift.min(s.xs.count, s.ys.count)
            for i in 0..<n {
                let x = s.xs[i], y = s.ys[i]
                guard x.isFinite, y.isFinite else { continue }
                if var c = b {
                    c.xmin = Swift.min(c.xmin, x); c.xmax = Swift.max(c.xmax, x)
                    c.ymin = Swift.min(c.ymin, y); c.ymax = Swift.max(c.ymax, y)
                    b = c
                } else {
                    b = Bounds(xmin: x, xmax: x, ymin: y, ymax: y)
                }
            }
        }
        return b
    }

    /// A non-empty interval: a single value v becomes [v - 1, v + 1].
    static func widen(_ lo: Double, _ hi: Double) -> (Double, Double) {
        if lo < hi { return (lo, hi) }
        return (lo - 1, hi + 1)
    }

    /// Position of v in [lo, hi] as a fraction in [0, 1]; halves avoid overflow of hi - lo.
    static func fraction(_ v: Double, _ lo: Double, _ hi: Double) -> Double {
        let span = hi / 2 - lo / 2
        guard span > 0, span.isFinite else { return 0.5 }
        let t = (v / 2 - lo / 2) / span
        if t.isNaN { return 0.5 }
        return Swift.min(1, Swift.max(0, t))
    }

    /// Rounds [lo, hi] outward to two significant digits of its width (UnicodePlots-style
    /// short tick labels): [0.00498967, 4.6052] → [0, 4.7].
    static func narrowNice(_ lo: Double, _ hi: Double) -> (Double, Double) {
        let span = hi - lo
        guard span > 0, span.isFinite else { return (lo, hi) }
        let step = pow10(Int((log10(span)).rounded(.down)) - 1)
        guard step > 0, step.isFinite else { return (lo, hi) }
        let a = (lo / step).rounded(.down) * step, b = (hi / step).rounded(.up) * step
        guard a.isFinite, b.isFinite, a <= lo, b >= hi else { return (lo, hi) }
        return (a, b)
    }

    static func pow10(_ k: Int) -> Double {
        if k > 308 { return .infinity }
        if k < -323 { return 0 }
        var r = 1.0
        if k >= 0 { for _ in 0..<k { r *= 10 } } else { for _ in 0..<(-k) { r /= 10 } }
        return r
    }

    /// A 1-2-5 step giving about `target` intervals over [lo, hi].
    static func niceStep(_ lo: Double, _ hi: Double, target: Int = 6) -> Double? {
        let span = hi - lo
        guard span > 0, span.isFinite else { return nil }
        let raw = span / Double(target)
        let k = Int(log10(raw).rounded(.down))
        let base = pow10(k)
        guard base > 0, base.isFinite else { return nil }
        let m = raw / base
        let step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * base
        return step.isFinite && step > 0 ? step : nil
    }

    /// Multiples of a 1-2-5 step inside [lo, hi], with the step (for label formatting).
    static func ticks(_ lo: Double, _ hi: Double, target: Int = 6) -> (values: [Double], step: Double)? {
        guard let step = niceStep(lo, hi, target: target) else { return nil }
        let first = (lo / step - 1e-9).rounded(.up), last = (hi / step + 1e-9).rounded(.down)
        guard first.isFinite, last.isFinite, last >= first, last - first <= 100 else { return nil }
        var out: [Double] = []
        var k = first
        while k <= last { out.append(k * step); k += 1 }
        return (out, step)
    }

    /// A tick label with as many decimals as the step needs ("0.25" for step 0.05 → "0.25").
    static func tickLabel(_ v: Double, step: Double) -> String {
        let decimals = Swift.max(0, -Int(log10(step).rounded(.down)))
        if decimals > 6 || Swift.abs(v) >= 1e7 { return Display.number(v, precision: 3) }
        var s = fixed(v, decimals: decimals)
        if s.hasPrefix("-"), s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { s.removeFirst() }
        return s
    }

    /// Fixed-point text with `decimals` digits, locale-independent.
    static func fixed(_ v: Double, decimals: Int) -> String {
        guard v.isFinite else { return Display.number(v) }
        let scale = pow10(decimals)
        let scaled = (Swift.abs(v) * scale).rounded()
        guard scaled < 9e15 else { return Display.number(v, precision: 15) }
        let n = Int64(scaled)
        var digits = String(n)
        if decimals > 0 {
            if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
            let cut = digits.index(digits.endIndex, offsetBy: -decimals)
            digits = digits[..<cut] + "." + digits[cut...]
        }
        return (v < 0 && n != 0 ? "-" : "") + digits
    }

    /// A coordinate: at most two decimals, trailing zeros dropped ("12.5", "300").
    static func coord(_ v: Double) -> String {
        var s = fixed(v, decimals: 2)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    /// Display width of a string in terminal cells (one per character; good enough for labels).
    static func width(_ s: String) -> Int { s.count }
}
