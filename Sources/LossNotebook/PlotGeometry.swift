import Foundation
import LossLang

/// Ranges, ticks and number formatting shared by the braille and SVG renderers.
enum PlotGeometry {
    struct Bounds: Equatable {
        var xmin: Double, xmax: Double, ymin: Double, ymax: Double
    }

    /// Extrema of the data: x over every finite x (so that `plot(f, a, b)` spans [a, b] even
    /// where f is infinite), y over the points whose x and y are both finite. Nil parts
    /// when there are none.
    static func dataRanges(_ p: Plot) -> (x: (Double, Double)?, y: (Double, Double)?) {
        var x: (Double, Double)? = nil, y: (Double, Double)? = nil
        for s in p.series {
            let n = Swift.min(s.xs.count, s.ys.count)
            for i in 0..<n {
                let xv = s.xs[i], yv = s.ys[i]
                guard xv.isFinite else { continue }
                x = x.map { (Swift.min($0.0, xv), Swift.max($0.1, xv)) } ?? (xv, xv)
                guard yv.isFinite else { continue }
                y = y.map { (Swift.min($0.0, yv), Swift.max($0.1, yv)) } ?? (yv, yv)
            }
        }
        return (x, y)
    }

    /// The ranges to draw: data extrema, widened when empty, [0, 1] without data.
    static func bounds(_ p: Plot) -> Bounds {
        let (x, y) = dataRanges(p)
        let (x0, x1) = widen(x?.0 ?? 0, x?.1 ?? 1)
        let (y0, y1) = widen(y?.0 ?? 0, y?.1 ?? 1)
        return Bounds(xmin: x0, xmax: x1, ymin: y0, ymax: y1)
    }

    /// A non-empty interval: a single value v becomes [v - 1, v + 1].
    static func widen(_ lo: Double, _ hi: Double) -> (Double, Double) {
        if lo < hi { return (lo, hi) }
        let a = lo - 1, b = hi + 1
        return a < b ? (a, b) : (lo - Swift.abs(lo) / 2, hi + Swift.abs(hi) / 2)   // huge values: ±50%
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
        guard let k = floorLog10(span) else { return (lo, hi) }
        let step = pow10(k - 1)
        guard step > 0, step.isFinite else { return (lo, hi) }
        let a = (lo / step).rounded(.down) * step, b = (hi / step).rounded(.up) * step
        guard a.isFinite, b.isFinite, a <= lo, b >= hi else { return (lo, hi) }
        return (a, b)
    }

    /// ⌊log10 x⌋ for finite x > 0, else nil.
    static func floorLog10(_ x: Double) -> Int? {
        guard x > 0, x.isFinite else { return nil }
        let l = log10(x).rounded(.down)
        guard l.isFinite else { return nil }
        return Int(l)
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
        let raw = span / Double(Swift.max(1, target))
        guard let k = floorLog10(raw) else { return nil }
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
        let n = Int(last - first)
        var out: [Double] = []
        for i in 0...n {
            let v = (first + Double(i)) * step
            if out.last.map({ $0 < v }) ?? true { out.append(v) }   // huge multiples can collapse
        }
        return (out, step)
    }

    /// A tick label with as many decimals as the step needs ("0.25" for step 0.05 → "0.25").
    static func tickLabel(_ v: Double, step: Double) -> String {
        let decimals = Swift.max(0, -(floorLog10(step) ?? 0))
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
