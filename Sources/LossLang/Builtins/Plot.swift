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
            Param("title", default: .none, "title of the chart"),
            Param("xlabel", default: .none, "label of the x axis"),
            Param("ylabel", default: .none, "label of the y axis"),
        ],
        summary: "A line chart of functions or data; displays as a braille chart in the terminal and as SVG in notebooks",
        formula: "plot(f, a, b): f sampled at \(plotSamples) evenly spaced x in [a, b]; plot(xs, ys): the points (xs[i], ys[i])",
        reference: "UnicodePlots.jl `lineplot` (braille canvas) and matplotlib `pyplot.plot`. A function returning a vector of k numbers gives k series (`plot(p -> [focal(p, 1, gamma: 0), focal(p, 1, gamma: 2)], 0.01, 1, labels: \"γ=0,γ=2\")`).",
        notes: """
        plot(f, a, b) calls f at \(plotSamples) points from a to b (both included); nan and ±inf values leave a gap.
        plot([f, g, h], a, b, labels: ["f", "g", "h"]) draws several functions; so does a function that
        returns a vector (one series per element) or a matrix of y values (one series per row).
        labels may also be one comma-separated string: labels: "γ=0,γ=2".
        plot(xs, ys) draws data; ys may be a matrix [k, n] (one series per row). plot(ys) uses x = 0, 1, ….
        Save a chart with savefig(p, "file.svg").
        """,
        example: "p = plot(x -> x^2, -1, 1, title: \"parabola\")",
        output: "",
        impl: plotImpl))

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
    let title = try optionalText(args, "title")
    let xlabel = try optionalText(args, "xlabel")
    let ylabel = try optionalText(args, "ylabel")
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
        let step = (b - a) / Double(n - 1)   // as numpy.linspace: i·step + a, the last point exactly b
        for i in 0..<n { xs[i] = i == n - 1 ? b : Double(i) * step + a }
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
    return .plot(Plot(series: series, title: title, xlabel: xlabel, ylabel: ylabel))
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
