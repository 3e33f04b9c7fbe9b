import Foundation
import LossCore

/// Renderers that LossNotebook installs (LossLang must not depend on it):
/// `Display.plotRenderer` draws the braille chart, `PlotHooks.svg` the SVG document.
public enum PlotHooks {
    /// Renders a plot as a standalone SVG document; used by `savefig`. Nil until
    /// `LossNotebook.install()` runs.
    nonisolated(unsafe) public static var svg: ((Plot) -> String)? = nil
}

/// Number of points at which `plot(f, a, b)` samples a function.
public let plotSamples = 200

/// Largest number of bins `hist` accepts (bars narrower than a pixel show nothing more).
public let histMaxBins = 100_000

/// The options every plot kind takes (docs/reference.md §3), declared once and appended to
/// each entry's parameters (as UnicodePlots.jl's shared keyword table).
let plotOptionParams: [Param] = [
    Param("title", default: .none, "title of the chart"),
    Param("xlabel", default: .none, "label of the x axis"),
    Param("ylabel", default: .none, "label of the y axis"),
    Param("xscale", default: .string("linear"), "\"linear\" or \"log\" (decade ticks; points with x ≤ 0 are left out)"),
    Param("yscale", default: .string("linear"), "\"linear\" or \"log\" (decade ticks, as for loss curves; points with y ≤ 0 are left out)"),
    Param("xlim", default: .none, "[lo, hi]: the x range shown (lo < hi); what lies outside is clipped"),
    Param("ylim", default: .none, "[lo, hi]: the y range shown (lo < hi); what lies outside is clipped"),
]

/// The help paragraph on the shared options, appended to each entry's notes.
let plotOptionNotes = """
Options of every plot kind: title, xlabel, ylabel; xscale/yscale: "log" draws that axis
logarithmically with ticks at the powers of ten (a point whose value there is ≤ 0 is left
out, and a line breaks there; a log axis needs at least one positive value);
xlim/ylim: [lo, hi] fixes the range shown, and lines, points and bars outside it are clipped.
p + q overlays two plots on one set of axes (scatter(x, y) + plot(f, 0, 1)); the title,
labels, scales and limits are p's unless p has none.
"""

/// The elements of a list value (`[f, g]`, `["a", "b"]`).
func plotListItems(_ v: Value) -> [Value]? {
    if case .list(let items) = v { return items }
    return nil
}

func installPlotBuiltins(_ r: Registry) {
    r.add(Builtin(
        "plot", group: .plot,
        params: [
            Param("f", "a function of one number, a list of functions [f, g], or the x values (a vector) of data"),
            Param("a", default: .none, "with a function: the start of the interval; with data: the y values, a vector [n] or a matrix [k, n] (one series per row); omitted: f holds the y values and x is 0, 1, …"),
            Param("b", default: .none, "with a function: the end of the interval"),
            Param("labels", default: .none, "series names: a list of strings, or one string with the names separated by commas (\"γ=0,γ=2\")"),
        ] + plotOptionParams,
        summary: "A line chart of functions or data; displays as a braille chart in the terminal and as SVG in notebooks",
        formula: "plot(f, a, b): f sampled at \(plotSamples) evenly spaced x in [a, b]; plot(xs, ys): the points (xs[i], ys[i])",
        reference: "UnicodePlots.jl `lineplot` (braille canvas) and matplotlib `pyplot.plot`. A function returning a vector of k numbers gives k series (`plot(p -> [focal(p, 1, gamma: 0), focal(p, 1, gamma: 2)], 0.01, 1, labels: \"γ=0,γ=2\")`).",
        notes: """
        plot(f, a, b) calls f at \(plotSamples) points from a to b (both included); nan and ±inf values leave a gap.
        plot([f, g, h], a, b, labels: ["f", "g", "h"]) draws several functions; so does a function that
        returns a vector (one series per element) or a matrix of y values (one series per row).
        labels may also be one comma-separated string: labels: "γ=0,γ=2".
        plot(xs, ys) draws data; ys may be a matrix [k, n] (one series per row). plot(ys) uses x = 0, 1, ….
        With xscale: "log", f is sampled at points evenly spaced on the log axis (numpy.geomspace; a must be > 0).
        Save a chart with savefig(p, "file.svg").
        """ + "\n" + plotOptionNotes,
        example: "p = plot(x -> x^2, -1, 1, title: \"parabola\")",
        output: "",
        impl: plotImpl))

    r.add(Builtin(
        "scatter", group: .plot,
        params: [
            Param("xs", "the x values (a vector), or an [n, 2] matrix of points (then ys is omitted)"),
            Param("ys", default: .none, "the y values, as many as xs"),
            Param("groups", default: .none, "a class index (0, 1, …) per point: one colour and one legend entry per class"),
            Param("labels", default: .none, "legend names: with groups, one per class index (a list of strings or one comma-separated string); without, the name of the points"),
        ] + plotOptionParams,
        summary: "A scatter plot of points, coloured by class; braille dots in the terminal, markers in SVG",
        formula: "the points (xs[i], ys[i]); with groups, point i takes the colour of class groups[i]",
        reference: "matplotlib `pyplot.scatter` (`c=` with a categorical colormap, `legend`) and UnicodePlots.jl `scatterplot`.",
        notes: """
        scatter(x, y) draws separate points; scatter(E) takes the rows of an [n, 2] matrix as points (embeddings).
        groups: [0, 1, 1, 2, …] gives each class index its own colour (the class index picks the colour, so
        class 2 keeps its colour when class 1 is absent) and legend entry, named "0", "1", … or by labels.
        Without colour (output not a terminal), a plot with several point series draws them with the
        markers • × + ◦ ▪ ◆ and the legend shows which is which.
        Overlay a fitted line: scatter(x, y) + plot(x -> w * x + b, 0, 1).
        """ + "\n" + plotOptionNotes,
        example: "p = scatter([0.1, 0.4, 0.5, 0.9], [1, 0.2, 0.8, 0.3], groups: [0, 1, 1, 0], labels: \"neg,pos\")",
        output: "",
        impl: scatterImpl))

    r.add(Builtin(
        "hist", group: .plot,
        params: [
            Param("x", "the values (a tensor of any shape, flattened)"),
            Param("bins", default: .number(20), "the number of equal-width bins over [min(x), max(x)], or a vector of increasing bin edges"),
            Param("labels", default: .none, "legend name of the bars"),
        ] + plotOptionParams,
        summary: "A histogram: counts of x in equal-width bins (numpy.histogram's bins), drawn as bars",
        formula: "edges = linspace(min x, max x, bins + 1); count k = #{x : edges[k] ≤ x < edges[k+1]}, the last bin closed on the right",
        reference: "numpy `histogram` (the same edges and counts), matplotlib `pyplot.hist`, UnicodePlots.jl `histogram` (vertical bars here).",
        notes: """
        The edges and counts are numpy.histogram(x, bins)'s: bins equal-width bins from min(x) to max(x)
        (from v - 0.5 to v + 0.5 when every value is v), each half-open [lo, hi) except the last, which
        includes max(x). With a vector of edges, values outside [edges[0], edges[-1]] are not counted.
        x must be finite when the edges come from its range. bins is at most \(histMaxBins).
        """ + "\n" + plotOptionNotes,
        example: "h = hist([0.2, 0.5, 0.5, 0.9, 1.4, 1.5], bins: 4, title: \"losses\")",
        output: "",
        impl: histImpl))

    r.add(Builtin(
        "heatmap", group: .plot,
        params: [
            Param("m", "the matrix [rows, cols] (a vector is one row)"),
            Param("xlabels", default: .none, "names of the columns: a list of strings, a comma-separated string or a vector of numbers"),
            Param("ylabels", default: .none, "names of the rows, likewise"),
        ] + plotOptionParams,
        summary: "A matrix as coloured cells with a colour bar (viridis in SVG; shaded blocks ░▒▓█ in the terminal)",
        formula: "cell (i, j) coloured by (m[i, j] - min m) / (max m - min m)",
        reference: "matplotlib `pyplot.imshow` (row 0 at the top, colormap viridis, `colorbar`), seaborn `heatmap`, UnicodePlots.jl `heatmap`.",
        notes: """
        Row 0 is at the top, as an image or a segmentation mask. Cell (i, j) sits at x = j, y = i, so
        heatmap(mask) + scatter(cols, rows) marks pixels; xlim/ylim crop in these coordinates.
        SVG: viridis colours and a colour bar. Terminal: the value range in four bands ░ ▒ ▓ █ with a key
        (coloured cells and a colour bar when the output is a terminal). Large matrices are averaged
        down to fit (about 60 columns and 30 rows of characters). nan cells are left blank.
        A log scale does not apply (the axes are indices).
        """ + "\n" + plotOptionNotes,
        example: "h = heatmap([0.9, 0.1; 0.2, 0.7], xlabels: [\"cat\", \"dog\"], ylabels: \"cat,dog\", title: \"confusion\")",
        output: "",
        impl: heatmapImpl))

    r.add(Builtin(
        "savefig", group: .plot,
        params: [
            Param("p", "the plot to save"),
            Param("path", "the file to write; its name must end in .svg"),
        ],
        summary: "Writes a plot to an SVG file",
        reference: "matplotlib `pyplot.savefig` (SVG only here).",
        example: "savefig(plot(sin, 0, pi), \"/tmp/loss-sine.svg\")",
        output: "",
        impl: savefigImpl))
}

private func optionalText(_ args: Args, _ param: String) throws -> String? {
    switch args[param] {
    case .none: return nil
    case .string(let s): return s
    default: throw args.fail("\(param) must be a string, got \(args[param].typeName)")
    }
}

/// The series labels: nil when not given; one string per series otherwise.
private func seriesLabels(_ args: Args, count: Int) throws -> [String?] {
    let v = args["labels"]
    var names: [String]
    switch v {
    case .none: return [String?](repeating: nil, count: count)
    case .string(let s):
        names = count == 1 ? [s] : s.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
    default:
        guard let items = plotListItems(v) else {
            throw args.fail("labels must be a list of strings or a comma-separated string, got \(v.typeName)")
        }
        names = try items.map { item -> String in
            guard case .string(let s) = item else { throw args.fail("labels must hold strings, got \(item.typeName)") }
            return s
        }
    }
    guard names.count == count else {
        throw args.fail("labels has \(names.count) name\(names.count == 1 ? "" : "s") but the plot has \(count) series")
    }
    return names
}

/// The y values of one call of a plotted function: a number, or a vector (several series).
private func sampleValues(_ v: Value, _ args: Args, fname: String, x: Double) throws -> [Double] {
    switch v {
    case .number(let y): return [y]
    case .bool(let b): return [b ? 1 : 0]
    case .tensor(let t) where t.rank <= 1: return t.data
    default:
        throw args.fail("\(fname) must return a number, got \(v.typeName) at x = \(Display.number(x))")
    }
}

private func plotImpl(_ args: Args) throws -> Value {
    let xlog = try scale(args, "xscale") == .log
    let f = args["f"]
    var functions: [Function]? = nil
    if case .function(let fn) = f { functions = [fn] }
    else if let items = plotListItems(f) {
        functions = try items.map { item -> Function in
            guard case .function(let fn) = item else { throw args.fail("f must be a list of functions, got a list holding a \(item.typeName)") }
            return fn
        }
        if functions?.isEmpty ?? true { throw args.fail("f must hold at least one function, got an empty list") }
    }

    var series: [PlotSeries] = []
    if let functions {
        guard args.isGiven("a"), args.isGiven("b") else {
            throw args.fail("plotting a function needs an interval: plot(f, a, b)", hint: "e.g. plot(x -> x^2, -1, 1)")
        }
        let a = try args.double("a"), b = try args.double("b")
        guard a.isFinite, b.isFinite else {
            throw args.fail("a and b must be finite numbers, got \(Display.number(a)) and \(Display.number(b))")
        }
        guard a < b else {
            throw args.fail("a must be less than b, got \(Display.number(a)) and \(Display.number(b))")
        }
        guard (b - a).isFinite else {
            throw args.fail("the interval from \(Display.number(a)) to \(Display.number(b)) is too wide to sample")
        }
        let n = plotSamples
        var xs = [Double](repeating: 0, count: n)
        if xlog {
            // as numpy.geomspace(a, b, n): 10^(i·step + log10 a), the end points exactly a and b
            guard a > 0 else {
                throw args.fail("xscale: \"log\" needs a > 0 to sample f on a log axis, got a = \(Display.number(a))")
            }
            let la = log10(a), step = (log10(b) - la) / Double(n - 1)
            for i in 0..<n { xs[i] = i == 0 ? a : i == n - 1 ? b : pow(10, Double(i) * step + la) }
        } else {
            let step = (b - a) / Double(n - 1)   // as numpy.linspace: i·step + a, the last point exactly b
            for i in 0..<n { xs[i] = i == n - 1 ? b : Double(i) * step + a }
        }
        for (k, fn) in functions.enumerated() {
            let fname = functions.count == 1 ? "f" : "f[\(k)]"
            var columns: [[Double]] = []
            for (i, x) in xs.enumerated() {
                let ys = try sampleValues(try args.call(fn, [.number(x)]), args, fname: fname, x: x)
                if i == 0 {
                    guard !ys.isEmpty else { throw args.fail("\(fname) returned an empty vector at x = \(Display.number(x))") }
                    columns = ys.map { y in
                        var c = [Double](); c.reserveCapacity(n); c.append(y); return c
                    }
                } else {
                    guard ys.count == columns.count else {
                        throw args.fail("\(fname) returned \(columns.count) value\(columns.count == 1 ? "" : "s") at x = \(Display.number(xs[0])) but \(ys.count) at x = \(Display.number(x))")
                    }
                    for j in 0..<ys.count { columns[j].append(ys[j]) }
                }
            }
            for c in columns { series.append(PlotSeries(label: nil, xs: xs, ys: c)) }
        }
    } else {
        guard let first = f.asTensor else {
            throw args.fail("f must be a function, a list of functions or a vector of x values, got \(f.typeName)")
        }
        if args.isGiven("b") {
            throw args.fail("b is only used with a function (plot(f, a, b)); to plot data use plot(xs, ys)")
        }
        var xs: Tensor
        var ys: Tensor
        if args.isGiven("a") {
            guard let t = args["a"].asTensor else {
                throw args.fail("a must be the y values (a vector or a matrix) when f holds x values, got \(args["a"].typeName)")
            }
            xs = first; ys = t
        } else {
            ys = first
            let n = first.rank == 2 ? first.shape[1] : first.count
            xs = Tensor((0..<n).map(Double.init))
        }
        guard xs.rank <= 1 else { throw args.fail("the x values must be a vector, got a tensor of shape \(formatShape(xs.shape))") }
        if ys.rank <= 1 {
            guard ys.count == xs.count else {
                throw args.fail("x and y values must have the same length, got \(xs.count) and \(ys.count)")
            }
            series.append(PlotSeries(label: nil, xs: xs.data, ys: ys.data))
        } else if ys.rank == 2 {
            let k = ys.shape[0], n = ys.shape[1]
            guard n == xs.count else {
                throw args.fail("y values of shape \(formatShape(ys.shape)) need \(n) x values (one per column), got \(xs.count)")
            }
            for r in 0..<k { series.append(PlotSeries(label: nil, xs: xs.data, ys: Array(ys.data[(r * n)..<((r + 1) * n)]))) }
        } else {
            throw args.fail("y values must be a vector or a matrix (one series per row), got a tensor of shape \(formatShape(ys.shape))")
        }
        if series.isEmpty { throw args.fail("y values must hold at least one series, got shape \(formatShape(ys.shape))") }
    }
    let labels = try seriesLabels(args, count: series.count)
    for i in series.indices { series[i].label = labels[i] }
    return try finishPlot(Plot(series: series), args)
}

/// `xscale:` / `yscale:` — nil when not given.
private func scale(_ args: Args, _ param: String) throws -> PlotScale? {
    guard args.isGiven(param) else { return nil }
    if case .none = args[param] { return nil }
    return PlotScale(rawValue: try args.choice(param, ["linear", "log"]))
}

/// `xlim:` / `ylim:` — [lo, hi] with finite lo < hi, or nil.
private func limits(_ args: Args, _ param: String) throws -> [Double]? {
    let v = args[param]
    if case .none = v { return nil }
    guard let t = v.asTensor, t.rank == 1, t.count == 2 else {
        throw args.fail("\(param) must be [lo, hi], two numbers, got \(v.typeName)", hint: "e.g. \(param): [0, 1]")
    }
    let lo = t.data[0], hi = t.data[1]
    guard lo.isFinite, hi.isFinite else {
        throw args.fail("\(param) must hold finite numbers, got [\(Display.number(lo)), \(Display.number(hi))]")
    }
    guard lo < hi else {
        throw args.fail("\(param) must be [lo, hi] with lo < hi, got [\(Display.number(lo)), \(Display.number(hi))]")
    }
    return [lo, hi]
}

/// Applies the options every kind shares (title, labels, scales, limits) and checks the axes.
private func finishPlot(_ plot: Plot, _ args: Args) throws -> Value {
    var p = plot
    p.title = try optionalText(args, "title")
    p.xlabel = try optionalText(args, "xlabel")
    p.ylabel = try optionalText(args, "ylabel")
    p.xscale = try scale(args, "xscale")
    p.yscale = try scale(args, "yscale")
    p.xlim = try limits(args, "xlim")
    p.ylim = try limits(args, "ylim")
    if let problem = p.axisProblem() { throw args.fail(problem) }
    return .plot(p)
}

/// A list of names: a list of strings (or numbers), one comma-separated string, or a vector of numbers.
private func nameList(_ args: Args, _ param: String) throws -> [String]? {
    let v = args[param]
    switch v {
    case .none: return nil
    case .string(let s):
        return s.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    case .list(let items):
        return try items.map { item -> String in
            switch item {
            case .string(let s): return s
            case .number(let x): return Display.number(x)
            default: throw args.fail("\(param) must hold strings, got \(item.typeName)")
            }
        }
    default:
        if let t = v.asTensor, t.rank <= 1 { return t.data.map { Display.number($0) } }
        throw args.fail("\(param) must be a list of strings or a comma-separated string, got \(v.typeName)")
    }
}

/// The position of the first non-finite value, for messages.
private func firstNonFinite(_ xs: [Double]) -> (Int, Double)? {
    for (i, x) in xs.enumerated() where !x.isFinite { return (i, x) }
    return nil
}

private func scatterImpl(_ args: Args) throws -> Value {
    guard let first = args["xs"].asTensor else {
        throw args.fail("xs must be a vector of x values or an [n, 2] matrix of points, got \(args["xs"].typeName)")
    }
    var xs: [Double], ys: [Double]
    if args.isGiven("ys"), !isNone(args["ys"]) {
        guard let second = args["ys"].asTensor else { throw args.fail("ys must be a vector of y values, got \(args["ys"].typeName)") }
        guard first.rank <= 1, second.rank <= 1 else {
            throw args.fail("xs and ys must be vectors, got shapes \(formatShape(first.shape)) and \(formatShape(second.shape))")
        }
        guard first.count == second.count else {
            throw args.fail("xs and ys must have the same length, got \(first.count) and \(second.count)")
        }
        xs = first.data; ys = second.data
    } else {
        guard first.rank == 2, first.shape[1] == 2 else {
            throw args.fail("with ys omitted, xs must be an [n, 2] matrix of points, got shape \(formatShape(first.shape))",
                            hint: "scatter(xs, ys) for two vectors")
        }
        let n = first.shape[0]
        xs = (0..<n).map { first.data[2 * $0] }
        ys = (0..<n).map { first.data[2 * $0 + 1] }
    }
    var series: [PlotSeries] = []
    if isNone(args["groups"]) {
        let names = try nameList(args, "labels")
        if let names, names.count != 1, !(args["labels"].isString) {
            throw args.fail("labels names the points: one name without groups, got \(names.count)")
        }
        let label: String? = { if case .string(let s) = args["labels"] { return s }; return names?.first }()
        series.append(PlotSeries(kind: .points, label: label, xs: xs, ys: ys))
    } else {
        guard let g = args["groups"].asTensor else {
            throw args.fail("groups must be a vector of class indices, got \(args["groups"].typeName)")
        }
        guard g.rank <= 1, g.count == xs.count else {
            throw args.fail("groups must hold one class index per point (\(xs.count) point\(xs.count == 1 ? "" : "s")), got shape \(formatShape(g.shape))")
        }
        var classes: [Int] = []
        classes.reserveCapacity(g.count)
        for (i, v) in g.data.enumerated() {
            guard v.isFinite, v == v.rounded(), v >= 0, v <= 1_000_000 else {
                throw args.fail("groups must hold class indices 0, 1, 2, … (integers ≥ 0), got \(Display.number(v)) at index \(i)")
            }
            classes.append(Int(v))
        }
        let present = Array(Set(classes)).sorted()
        let names = try nameList(args, "labels")
        if let names, let top = present.last, names.count <= top {
            throw args.fail("labels has \(names.count) name\(names.count == 1 ? "" : "s") but groups holds class \(top) (one name per class index 0…\(top))")
        }
        for c in present {
            var gx: [Double] = [], gy: [Double] = []
            for i in classes.indices where classes[i] == c { gx.append(xs[i]); gy.append(ys[i]) }
            series.append(PlotSeries(kind: .points, label: names?[c] ?? String(c), xs: gx, ys: gy, color: c))
        }
    }
    return try finishPlot(Plot(series: series), args)
}

private func isNone(_ v: Value) -> Bool {
    if case .none = v { return true }
    return false
}

/// numpy.histogram: the bin edges and counts of `values`.
/// `bins` equal-width bins over [min, max] (v ± 0.5 when constant; [0, 1] when empty), or
/// the given increasing edges. Equal-width binning computes each value's bin from its offset and
/// corrects it by a comparison with the edges, as numpy does, so counts agree at the edges.
public func histogramCounts(_ values: [Double], bins: Int) -> (edges: [Double], counts: [Double]) {
    var lo = 0.0, hi = 1.0
    if let mn = values.min(), let mx = values.max() { lo = mn; hi = mx }
    if lo == hi { lo -= 0.5; hi += 0.5 }
    var edges = [Double](repeating: 0, count: bins + 1)
    let step = (hi - lo) / Double(bins)
    for i in 0...bins { edges[i] = i == bins ? hi : Double(i) * step + lo }
    var counts = [Double](repeating: 0, count: bins)
    let denom = hi - lo
    for v in values where v >= lo && v <= hi {
        let f = ((v - lo) / denom) * Double(bins)
        var k = f.isFinite ? Int(Swift.min(f, Double(bins))) : bins - 1
        if k == bins { k -= 1 }
        if v < edges[k] { k -= 1 }
        else if k != bins - 1 && v >= edges[k + 1] { k += 1 }
        if k >= 0 && k < bins { counts[k] += 1 }
    }
    return (edges, counts)
}

/// Counts over given increasing edges; values outside [edges[0], edges[last]] are not counted.
public func histogramCounts(_ values: [Double], edges: [Double]) -> [Double] {
    let bins = edges.count - 1
    var counts = [Double](repeating: 0, count: Swift.max(0, bins))
    guard bins > 0, let first = edges.first, let last = edges.last else { return counts }
    for v in values where v >= first && v <= last {
        // the last edge e with e <= v (binary search); v == last goes to the last bin
        var a = 0, b = edges.count - 1
        while b - a > 1 { let m = (a + b) / 2; if edges[m] <= v { a = m } else { b = m } }
        counts[Swift.min(a, bins - 1)] += 1
    }
    return counts
}

private func histImpl(_ args: Args) throws -> Value {
    let x = try args.tensor("x")
    let values = x.data
    var edges: [Double], counts: [Double]
    let b = args["bins"]
    if let t = b.asTensor, t.rank == 1 {
        guard t.count >= 2 else { throw args.fail("bins as edges needs at least 2 edges, got \(t.count)") }
        guard t.count - 1 <= histMaxBins else { throw args.fail("bins must be at most \(histMaxBins), got \(t.count - 1) bins") }
        if let (i, v) = firstNonFinite(t.data) { throw args.fail("bins (the edges) must be finite, got \(Display.number(v)) at index \(i)") }
        for i in 1..<t.count where !(t.data[i] > t.data[i - 1]) {
            throw args.fail("bins (the edges) must increase, got \(Display.number(t.data[i - 1])) then \(Display.number(t.data[i])) at index \(i)")
        }
        edges = t.data
        counts = histogramCounts(values, edges: edges)
    } else {
        let n = try args.int("bins")
        guard n >= 1 else { throw args.fail("bins must be a positive number of bins, got \(n)", hint: "e.g. bins: 20") }
        guard n <= histMaxBins else { throw args.fail("bins must be at most \(histMaxBins), got \(n)") }
        if let (i, v) = firstNonFinite(values) {
            throw args.fail("x must hold finite values to find its range, got \(Display.number(v)) at index \(i)",
                            hint: "drop them first, e.g. hist(filter(v -> isfinite(v), x)), or give the edges: bins: [0, 0.5, 1]")
        }
        if let mn = values.min(), let mx = values.max(), !(mx - mn).isFinite {
            throw args.fail("the range of x, from \(Display.number(mn)) to \(Display.number(mx)), is too wide to split into bins")
        }
        (edges, counts) = histogramCounts(values, bins: n)
    }
    var label: String? = nil
    switch args["labels"] {
    case .none: break
    case .string(let s): label = s
    case .list(let items) where items.count == 1: if case .string(let s) = items[0] { label = s } else { fallthrough }
    default: throw args.fail("labels must be a string (the name of the bars), got \(args["labels"].typeName)")
    }
    return try finishPlot(Plot(series: [PlotSeries(kind: .bars, label: label, xs: edges, ys: counts)]), args)
}

private func heatmapImpl(_ args: Args) throws -> Value {
    let m = try args.tensor("m")
    let rows: Int, cols: Int
    switch m.rank {
    case 1: rows = 1; cols = m.count
    case 2: rows = m.shape[0]; cols = m.shape[1]
    default: throw args.fail("m must be a matrix [rows, cols] or a vector, got a tensor of shape \(formatShape(m.shape))")
    }
    guard rows > 0, cols > 0 else {
        throw args.fail("m must have at least one row and one column, got shape \(formatShape(m.shape))")
    }
    let xl = try nameList(args, "xlabels"), yl = try nameList(args, "ylabels")
    if let xl, xl.count != cols {
        throw args.fail("xlabels has \(xl.count) name\(xl.count == 1 ? "" : "s") but m has \(cols) column\(cols == 1 ? "" : "s") (shape \(formatShape(m.shape)))")
    }
    if let yl, yl.count != rows {
        throw args.fail("ylabels has \(yl.count) name\(yl.count == 1 ? "" : "s") but m has \(rows) row\(rows == 1 ? "" : "s") (shape \(formatShape(m.shape)))")
    }
    let grid = PlotHeatmap(rows: rows, cols: cols, values: m.data, xlabels: xl, ylabels: yl)
    return try finishPlot(Plot(series: [], heatmap: grid), args)
}

private func savefigImpl(_ args: Args) throws -> Value {
    guard case .plot(let p) = args["p"] else {
        throw args.fail("p must be a plot, got \(args["p"].typeName)", hint: "make one with plot(f, a, b) or plot(xs, ys)")
    }
    let path = try args.string("path")
    guard path.lowercased().hasSuffix(".svg") else {
        throw args.fail("path must name an .svg file, got \"\(path)\"", hint: "only SVG is supported: savefig(p, \"figure.svg\")")
    }
    guard let render = PlotHooks.svg else {
        throw args.fail("SVG rendering is not available (LossNotebook.install() was not called)")
    }
    let svg = render(p)
    do {
        try svg.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        throw args.fail("cannot write \"\(path)\": \((error as NSError).localizedDescription)")
    }
    return .none
}
