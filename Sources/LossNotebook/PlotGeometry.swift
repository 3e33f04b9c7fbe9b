import Foundation
import LossLang

/// Ranges, ticks and number formatting shared by the braille and SVG renderers.
enum PlotGeometry {
    struct Bounds: Equatable {
        var xmin: Double, xmax: Double, ymin: Double, ymax: Double
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

// MARK: - Axes, scales and clipping

extension PlotGeometry {
    /// One axis as drawn: its range in data units, whether it is logarithmic, and whether it
    /// runs downwards (the rows of a heatmap).
    struct Axis: Equatable {
        var lo: Double, hi: Double
        var log: Bool = false
        var inverted: Bool = false

        /// Whether v has a place on this axis (finite; positive on a log axis).
        func drawable(_ v: Double) -> Bool { v.isFinite && (!log || v > 0) }

        /// Position of v as a fraction of the axis (0 at lo, 1 at hi; the other way round when
        /// inverted), not clamped, so that callers can clip; nil when v has no place on the axis.
        func unit(_ v: Double) -> Double? {
            guard drawable(v) else { return nil }
            var t: Double
            if log {
                let a = log10(lo), b = log10(hi)
                guard b > a, a.isFinite, b.isFinite else { return 0.5 }
                t = (log10(v) - a) / (b - a)
            } else {
                let span = hi / 2 - lo / 2   // halves avoid overflow of hi - lo
                guard span > 0, span.isFinite else { return 0.5 }
                t = (v / 2 - lo / 2) / span
            }
            if t.isNaN { return nil }
            t = Swift.min(1e9, Swift.max(-1e9, t))   // far outside: clipped anyway
            return inverted ? 1 - t : t
        }
    }

    /// A point in unit coordinates: (0, 0) the bottom-left corner of the plot area, (1, 1) the top right.
    typealias UnitPoint = (x: Double, y: Double)

    /// The segment a–b clipped to the unit square (Liang–Barsky), with whether each end was
    /// moved; nil when no part of it is inside.
    static func clip(_ a: UnitPoint, _ b: UnitPoint) -> (a: UnitPoint, b: UnitPoint, movedA: Bool, movedB: Bool)? {
        var t0 = 0.0, t1 = 1.0
        let dx = b.x - a.x, dy = b.y - a.y
        for (p, q) in [(-dx, a.x), (dx, 1 - a.x), (-dy, a.y), (dy, 1 - a.y)] {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let r = q / p
                if p < 0 { if r > t1 { return nil }; if r > t0 { t0 = r } }
                else { if r < t0 { return nil }; if r < t1 { t1 = r } }
            }
        }
        func onEdge(_ t: Double) -> UnitPoint {   // rounding may leave a hair outside
            (Swift.min(1, Swift.max(0, a.x + t * dx)), Swift.min(1, Swift.max(0, a.y + t * dy)))
        }
        let ca = t0 == 0 ? a : onEdge(t0)
        let cb = t1 == 1 ? b : onEdge(t1)
        return (ca, cb, t0 > 0, t1 < 1)
    }

    static func inside(_ p: UnitPoint) -> Bool { p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1 }

    /// The polylines of a line series, in unit coordinates: runs of points with a place on both
    /// axes (nan, ±inf and, on a log axis, values ≤ 0 break a line), each segment clipped to the
    /// plot area. A run of one point is an isolated point inside the area.
    static func lineRuns(_ s: PlotSeries, x: Axis, y: Axis) -> [[UnitPoint]] {
        var runs: [[UnitPoint]] = []
        var run: [UnitPoint] = []
        var prev: UnitPoint? = nil
        func flush() { if !run.isEmpty { runs.append(run); run = [] } }
        let n = Swift.min(s.xs.count, s.ys.count)
        for i in 0..<n {
            guard let u = x.unit(s.xs[i]), let v = y.unit(s.ys[i]) else { flush(); prev = nil; continue }
            let pt: UnitPoint = (u, v)
            if let a = prev {
                if let c = clip(a, pt) {
                    if c.movedA || run.isEmpty { flush(); run = [c.a] }
                    run.append(c.b)
                    if c.movedB { flush() }
                } else {
                    flush()
                }
            } else if inside(pt) {
                run = [pt]
            }
            prev = pt
        }
        flush()
        return runs
    }

    /// The points of a series that lie in the plot area, in unit coordinates.
    static func points(_ s: PlotSeries, x: Axis, y: Axis) -> [UnitPoint] {
        var out: [UnitPoint] = []
        for i in 0..<Swift.min(s.xs.count, s.ys.count) {
            guard let u = x.unit(s.xs[i]), let v = y.unit(s.ys[i]) else { continue }
            if inside((u, v)) { out.append((u, v)) }
        }
        return out
    }

    /// A rectangle in unit coordinates, x0 ≤ x1 and y0 ≤ y1.
    struct UnitRect: Equatable { var x0, y0, x1, y1: Double }

    /// The bars of a histogram series clipped to the plot area: from the baseline (0, or the
    /// bottom of a log axis) to each count; empty bins and bins outside the area give none.
    static func bars(_ s: PlotSeries, x: Axis, y: Axis) -> [UnitRect] {
        var out: [UnitRect] = []
        let base = y.log ? (y.inverted ? 1.0 : 0.0) : (y.unit(0) ?? 0)
        for k in 0..<Swift.min(s.ys.count, Swift.max(0, s.xs.count - 1)) {
            let c = s.ys[k]
            guard c != 0, let a = x.unit(s.xs[k]), let b = x.unit(s.xs[k + 1]), let top = y.unit(c) else { continue }
            if let r = clampRect(UnitRect(x0: Swift.min(a, b), y0: Swift.min(base, top), x1: Swift.max(a, b), y1: Swift.max(base, top))) {
                out.append(r)
            }
        }
        return out
    }

    /// A rectangle cut to the unit square, or nil when nothing of it is left.
    static func clampRect(_ r: UnitRect) -> UnitRect? {
        let c = UnitRect(x0: Swift.max(0, r.x0), y0: Swift.max(0, r.y0), x1: Swift.min(1, r.x1), y1: Swift.min(1, r.y1))
        return c.x1 > c.x0 && c.y1 > c.y0 ? c : nil
    }

    // MARK: ranges

    /// Extrema of what the plot draws, in data units: x over the x values with a place on the x
    /// axis (so that `plot(f, a, b)` spans [a, b] even where f is infinite), y over the points
    /// with a place on both; bars add their baseline (0, or half the smallest count on a log
    /// axis); a heatmap spans its cells, [-0.5, cols - 0.5] × [-0.5, rows - 0.5].
    static func dataRanges(_ p: Plot) -> (x: (Double, Double)?, y: (Double, Double)?) {
        let xa = Axis(lo: 1, hi: 10, log: p.xlog), ya = Axis(lo: 1, hi: 10, log: p.ylog)
        var x: (Double, Double)? = nil, y: (Double, Double)? = nil
        func addX(_ v: Double) { x = x.map { (Swift.min($0.0, v), Swift.max($0.1, v)) } ?? (v, v) }
        func addY(_ v: Double) { y = y.map { (Swift.min($0.0, v), Swift.max($0.1, v)) } ?? (v, v) }
        if let h = p.heatmap {
            addX(-0.5); addX(Double(h.cols) - 0.5)
            addY(-0.5); addY(Double(h.rows) - 0.5)
        }
        for s in p.series {
            switch s.kind {
            case .line, .points:
                for i in 0..<Swift.min(s.xs.count, s.ys.count) where xa.drawable(s.xs[i]) {
                    addX(s.xs[i])
                    if ya.drawable(s.ys[i]) { addY(s.ys[i]) }
                }
            case .bars:
                let n = Swift.min(s.ys.count, Swift.max(0, s.xs.count - 1))
                var smallest = Double.infinity
                for k in 0..<n where xa.drawable(s.xs[k]) && xa.drawable(s.xs[k + 1]) {
                    addX(s.xs[k]); addX(s.xs[k + 1])
                    let c = s.ys[k]
                    if ya.drawable(c) { addY(c); smallest = Swift.min(smallest, c) }
                }
                if n > 0 {
                    if !p.ylog { addY(0) } else if smallest.isFinite { addY(smallest / 2) }
                }
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

    /// A log axis range: [lo, hi] of positive values, a decade either way when lo = hi, [1, 10]
    /// without data.
    static func logWiden(_ r: (Double, Double)?) -> (Double, Double) {
        guard let r, r.0 > 0, r.1 >= r.0, r.1.isFinite else { return (1, 10) }
        if r.0 < r.1 { return r }
        let a = r.0 / 10, b = r.1 * 10
        return a > 0 && b.isFinite ? (a, b) : (r.0, r.1 * 2)   // extreme values: a factor of 2
    }

    /// A log axis range rounded outward to powers of ten: [0.012, 3.4] → [0.01, 10].
    static func decadeRange(_ r: (Double, Double)?) -> (Double, Double) {
        let (lo, hi) = logWiden(r)
        guard let a = floorLog10(lo), let bl = floorLog10(hi) else { return (lo, hi) }
        let b = pow10(bl) == hi ? bl : bl + 1
        let l = pow10(a), h = pow10(b)
        return l > 0 && h.isFinite && l < h ? (l, h) : (lo, hi)
    }

    /// Pads [lo, hi] by `fraction` of its extent on each side (in log space on a log axis).
    static func pad(_ lo: Double, _ hi: Double, log: Bool, fraction: Double = 0.05, below: Bool = true) -> (Double, Double) {
        if log {
            let a = log10(lo), b = log10(hi), d = (b - a) * fraction
            let l = below ? Foundation.pow(10, a - d) : lo, h = Foundation.pow(10, b + d)
            return l > 0 && h.isFinite && l < h ? (l, h) : (lo, hi)
        }
        let d = (hi / 2 - lo / 2) * 2 * fraction
        let l = below ? lo - d : lo, h = hi + d
        return d.isFinite && l.isFinite && h.isFinite && l < h ? (l, h) : (lo, hi)
    }

    // MARK: log ticks

    struct Tick: Equatable {
        var value: Double
        var label: String
        var major: Bool
    }

    /// Ticks of a log axis over [lo, hi] (0 < lo < hi): the powers of ten inside, every k-th when
    /// there are more than `maxMajor` (labelled 10⁻², 10⁰, 10³), with the multiples 2…9 as
    /// unlabelled minor ticks when every decade is labelled. Less than two decades inside:
    /// 1-2-5 multiples of the decades, then, still too few, 1-2-5 steps as on a linear axis.
    static func logTicks(_ lo: Double, _ hi: Double, maxMajor: Int = 8) -> [Tick] {
        guard lo > 0, hi > lo, hi.isFinite else { return [] }
        let a = log10(lo), b = log10(hi)
        let kLo = Int((a - 1e-9).rounded(.up)), kHi = Int((b + 1e-9).rounded(.down))
        var ticks: [Tick] = []
        if kHi - kLo + 1 >= 2 {
            let count = kHi - kLo + 1
            let every = (count + maxMajor - 1) / maxMajor
            // labelled decades: multiples of `every` (so that 10⁰ is among them when inside)
            var first = kLo
            while ((first % every) + every) % every != 0 { first += 1 }
            for k in kLo...kHi {
                let v = pow10(k)
                let major = (k - first) % every == 0
                if major || every == 1 { ticks.append(Tick(value: v, label: major ? decadeLabel(k) : "", major: major)) }
                else { ticks.append(Tick(value: v, label: "", major: false)) }
            }
            if every == 1 {
                for k in (kLo - 1)...kHi {
                    for m in 2...9 {
                        let v = Double(m) * pow10(k)
                        if v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12) { ticks.append(Tick(value: v, label: "", major: false)) }
                    }
                }
            }
        } else {
            for k in (kLo - 1)...(kHi + 1) {
                for m in [1.0, 2, 5] {
                    let v = m * pow10(k)
                    guard v >= lo * (1 - 1e-12), v <= hi * (1 + 1e-12) else { continue }
                    ticks.append(Tick(value: v, label: m == 1 ? decadeLabel(k) : Display.number(v, precision: 3), major: true))
                }
            }
            if ticks.count < 2, let t = PlotGeometry.ticks(lo, hi, target: 5) {
                ticks = t.values.filter { $0 > 0 }.map { Tick(value: $0, label: tickLabel($0, step: t.step), major: true) }
            }
        }
        return ticks.sorted { $0.value < $1.value }
    }

    /// 10ᵏ with superscript digits: 10⁻³, 10⁰, 10¹².
    static func decadeLabel(_ k: Int) -> String {
        let sup: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        var out = "10"
        if k < 0 { out += "⁻" }
        for d in String(k.magnitude) { out.append(sup[Int(String(d)) ?? 0]) }
        return out
    }

    /// A value on a log axis: the decade form when it is a power of ten, else 4 significant digits.
    static func logValueLabel(_ v: Double) -> String {
        if v > 0, v.isFinite {
            let l = log10(v), k = l.rounded()
            if Swift.abs(l - k) < 1e-12 { return decadeLabel(Int(k)) }
        }
        return Display.number(v, precision: 4)
    }

    // MARK: colours

    /// The palette index of each series: its own (`scatter` groups) or else the lowest index
    /// no series claims and no earlier series took, so overlays keep distinct colours.
    static func colors(_ p: Plot) -> [Int] {
        var used = Set(p.series.compactMap(\.color))
        var next = 0
        return p.series.map { s in
            if let c = s.color { return c }
            while used.contains(next) { next += 1 }
            used.insert(next)
            return next
        }
    }

    struct LegendEntry: Equatable {
        var label: String
        var color: Int
        var kind: PlotSeries.Kind
        var series: Int
    }

    /// The labelled series, without repeats of the same label, colour and kind (an overlay of two
    /// grouped scatters lists each class once).
    static func legend(_ p: Plot) -> [LegendEntry] {
        let cs = colors(p)
        var out: [LegendEntry] = []
        for (k, s) in p.series.enumerated() {
            guard let l = s.label else { continue }
            let e = LegendEntry(label: l, color: cs[k], kind: s.kind, series: k)
            if !out.contains(where: { $0.label == l && $0.color == e.color && $0.kind == e.kind }) { out.append(e) }
        }
        return out
    }

    /// viridis (matplotlib's default colormap; van der Walt, Smith and Firing, CC0) at 17 fixed
    /// stops, entries 0, 16, 32, …, 239, 255 of its 256-entry table; colours between stops are
    /// interpolated linearly.
    static let viridisStops: [(Double, Double, Double)] = [
        (0.267004, 0.004874, 0.329415), (0.282327, 0.094955, 0.417331), (0.278826, 0.175490, 0.483397),
        (0.258965, 0.251537, 0.524736), (0.229739, 0.322361, 0.545706), (0.199430, 0.387607, 0.554642),
        (0.172719, 0.448791, 0.557885), (0.149039, 0.508051, 0.557250), (0.127568, 0.566949, 0.550556),
        (0.120081, 0.622161, 0.534946), (0.153894, 0.680203, 0.504172), (0.239374, 0.735588, 0.455688),
        (0.360741, 0.785964, 0.387814), (0.506271, 0.828786, 0.300362), (0.668054, 0.861999, 0.196293),
        (0.835270, 0.886029, 0.102646), (0.993248, 0.906157, 0.143936),
    ]

    /// viridis at t ∈ [0, 1] as 8-bit RGB.
    static func viridis(_ t: Double) -> (r: Int, g: Int, b: Int) {
        let u = t.isNaN ? 0 : Swift.min(1, Swift.max(0, t)) * Double(viridisStops.count - 1)
        let i = Swift.min(viridisStops.count - 2, Int(u.rounded(.down)))
        let f = u - Double(i)
        let a = viridisStops[i], b = viridisStops[i + 1]
        func c(_ x: Double, _ y: Double) -> Int { Int(((x + (y - x) * f) * 255).rounded()) }
        return (c(a.0, b.0), c(a.1, b.1), c(a.2, b.2))
    }

    static func hex(_ c: (r: Int, g: Int, b: Int)) -> String {
        let digits = Array("0123456789abcdef")
        var s = "#"
        for v in [c.r, c.g, c.b] { let x = Swift.min(255, Swift.max(0, v)); s.append(digits[x / 16]); s.append(digits[x % 16]) }
        return s
    }

    /// The nearest colour of the xterm 256-colour palette (the 6×6×6 cube or the grey ramp).
    static func xterm256(_ c: (r: Int, g: Int, b: Int)) -> Int {
        let levels = [0, 95, 135, 175, 215, 255]
        func nearest(_ v: Int) -> Int { levels.indices.min { Swift.abs(levels[$0] - v) < Swift.abs(levels[$1] - v) } ?? 0 }
        let (ri, gi, bi) = (nearest(c.r), nearest(c.g), nearest(c.b))
        func d2(_ r: Int, _ g: Int, _ b: Int) -> Int { (r - c.r) * (r - c.r) + (g - c.g) * (g - c.g) + (b - c.b) * (b - c.b) }
        let cube = d2(levels[ri], levels[gi], levels[bi])
        let grey = Swift.min(23, Swift.max(0, ((c.r + c.g + c.b) / 3 - 8 + 5) / 10))
        let gv = 8 + 10 * grey
        return d2(gv, gv, gv) < cube ? 232 + grey : 16 + 36 * ri + 6 * gi + bi
    }

    /// The finite extrema of a heatmap's values, or nil when it has none.
    static func valueRange(_ h: PlotHeatmap) -> (Double, Double)? {
        var r: (Double, Double)? = nil
        for v in h.values where v.isFinite { r = r.map { (Swift.min($0.0, v), Swift.max($0.1, v)) } ?? (v, v) }
        return r
    }

    /// v's place in [lo, hi] for the colour scale (0.5 when lo = hi; nil for nan and ±inf).
    static func colorFraction(_ v: Double, _ r: (Double, Double)) -> Double? {
        guard v.isFinite else { return nil }
        guard r.1 > r.0 else { return 0.5 }
        return fraction(v, r.0, r.1)
    }

    /// A heatmap averaged over blocks of fy × fx cells (finite values only; nan when a block
    /// has none), for drawing large matrices; block (i, j) covers rows i·fy… and columns j·fx….
    static func downsample(_ h: PlotHeatmap, fx: Int, fy: Int) -> (rows: Int, cols: Int, values: [Double]) {
        let fx = Swift.max(1, fx), fy = Swift.max(1, fy)
        if fx == 1 && fy == 1 { return (h.rows, h.cols, h.values) }
        let rows = (h.rows + fy - 1) / fy, cols = (h.cols + fx - 1) / fx
        var out = [Double](repeating: .nan, count: rows * cols)
        for bi in 0..<rows {
            for bj in 0..<cols {
                var sum = 0.0, n = 0
                for i in (bi * fy)..<Swift.min(h.rows, (bi + 1) * fy) {
                    for j in (bj * fx)..<Swift.min(h.cols, (bj + 1) * fx) where h.values[i * h.cols + j].isFinite {
                        sum += h.values[i * h.cols + j]; n += 1
                    }
                }
                if n > 0 { out[bi * cols + bj] = sum / Double(n) }
            }
        }
        return (rows, cols, out)
    }
}
