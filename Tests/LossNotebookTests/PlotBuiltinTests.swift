import XCTest
@testable import LossNotebook
import LossLang

/// `plot` and `savefig` through the interpreter.
final class PlotBuiltinTests: XCTestCase {
    override func setUp() { LossNotebook.install() }


    func testFunctionIsSampledLikeLinspace() throws {
        let p = try XCTUnwrap(plot("plot(x -> x^2, -1, 1, title: \"sq\", xlabel: \"x\", ylabel: \"y\")"))
        XCTAssertEqual(p.series.count, 1)
        let s = p.series[0]
        XCTAssertEqual(s.xs.count, 200)
        // numpy: np.linspace(-1, 1, 200)[[0, 1, 57, 199]] and its squares
        XCTAssertEqual(s.xs[0], -1)
        XCTAssertEqual(s.xs[1], -0.9899497487437185, accuracy: 1e-15)
        XCTAssertEqual(s.xs[57], -0.42713567839195976, accuracy: 1e-15)
        XCTAssertEqual(s.xs[199], 1)
        XCTAssertEqual(s.ys[1], 0.9800005050377515, accuracy: 1e-15)
        XCTAssertEqual([p.title, p.xlabel, p.ylabel], ["sq", "x", "y"])
        XCTAssertNil(s.label)
    }

    func testInfinitiesAreKeptAsGaps() throws {
        let p = try XCTUnwrap(plot("plot(p -> -log(p), 0, 1)"))
        // numpy: -np.log(np.linspace(0, 1, 200))[:2] == [inf, 5.29330482…]
        XCTAssertEqual(p.series[0].ys[0], .infinity)
        XCTAssertEqual(p.series[0].ys[1], 5.293304824724492, accuracy: 1e-12)
        let chart = BrailleChart.render(p)
        XCTAssertTrue(chart.hasSuffix(" 0" + String(repeating: " ", count: 58) + "1"), chart)
    }

    func testListOfFunctionsWithLabels() throws {
        let p = try XCTUnwrap(plot("plot([x -> x, x -> 2 * x], 0, 1, labels: [\"one\", \"two\"])"))
        XCTAssertEqual(p.series.map(\.label), ["one", "two"])
        XCTAssertEqual(p.series[1].ys[199], 2)
    }

    func testVectorValuedFunctionAndCommaLabels() throws {
        let p = try XCTUnwrap(plot("plot(x -> [x, x^2, 1], 0, 2, labels: \"a, b,c\")"))
        XCTAssertEqual(p.series.map(\.label), ["a", "b", "c"])
        XCTAssertEqual(p.series[1].ys[199], 4)
        XCTAssertEqual(p.series[2].ys[100], 1)
        // one series: the whole string is its label, commas included
        XCTAssertEqual(try XCTUnwrap(plot("plot(x -> x, 0, 1, labels: \"a, b\")")).series.map(\.label), ["a, b"])
    }

    func testData() throws {
        let p = try XCTUnwrap(plot("plot([1, 2, 3], [4, 5, 6])"))
        XCTAssertEqual(p.series, [PlotSeries(label: nil, xs: [1, 2, 3], ys: [4, 5, 6])])
        let m = try XCTUnwrap(plot("plot([0, 1], [1, 2; 3, 4], labels: [\"r0\", \"r1\"])"))
        XCTAssertEqual(m.series, [PlotSeries(label: "r0", xs: [0, 1], ys: [1, 2]), PlotSeries(label: "r1", xs: [0, 1], ys: [3, 4])])
        let y = try XCTUnwrap(plot("plot([5, 7, 9])"))
        XCTAssertEqual(y.series[0].xs, [0, 1, 2])
        let ym = try XCTUnwrap(plot("plot([1, 2, 3; 4, 5, 6])"))
        XCTAssertEqual(ym.series.map(\.xs), [[0, 1, 2], [0, 1, 2]])
    }

    func testErrors() {
        let cases: [(String, String)] = [
            ("plot(x -> x, 1, 0)", "plot: a must be less than b, got 1 and 0"),
            ("plot(x -> x, 0)", "plot: plotting a function needs an interval: plot(f, a, b)"),
            ("plot(x -> x, 0, inf)", "plot: a and b must be finite numbers, got 0 and inf"),
            ("plot(x -> \"s\", 0, 1)", "plot: f must return a number, got string at x = 0"),
            ("plot(x -> if x < 0.5 then 1 else [1, 2], 0, 1)", "plot: f returned 1 value at x = 0 but 2 at x = 0.502513"),
            ("plot([1, 2], [1, 2, 3])", "plot: x and y values must have the same length, got 2 and 3"),
            ("plot([1, 2], [1, 2; 3, 4; 5, 6]')", "plot: y values of shape [2, 3] need 3 x values (one per column), got 2"),
            ("plot([1, 2], [3, 4], 5)", "plot: b is only used with a function (plot(f, a, b)); to plot data use plot(xs, ys)"),
            ("plot(\"x\")", "plot: f must be a function, a list of functions or a vector of x values, got string"),
            ("plot([x -> x, x -> x], 0, 1, labels: [\"a\"])", "plot: labels has 1 name but the plot has 2 series"),
            ("plot(x -> x, 0, 1, title: 3)", "plot: title must be a string, got number"),
            ("plot([x -> x, 2], 0, 1)", "plot: f must be a list of functions, got a list holding a number"),
            ("savefig(1, \"a.svg\")", "savefig: p must be a plot, got number"),
            ("savefig(plot([1, 2]), \"a.png\")", "savefig: path must name an .svg file, got \"a.png\""),
            ("savefig(plot([1, 2]), \"/nonexistent-dir/a.svg\")", "savefig: cannot write \"/nonexistent-dir/a.svg\""),
        ]
        for (src, message) in cases {
            let (_, e) = run(src)
            XCTAssertNotNil(e, src)
            XCTAssertTrue(e?.message.hasPrefix(message) ?? false, "\(src): \(e?.message ?? "no error")")
        }
    }

    func testSavefigWritesTheSVG() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("loss-savefig-\(getpid()).svg").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (values, e) = run("p = plot([0, 1, 2], [0, 1, 4], title: \"t\")\nsavefig(p, \"\(path)\")\np")
        XCTAssertNil(e)
        guard case .plot(let p)? = values.last else { return XCTFail("plot") }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), SVGRenderer.render(p))
    }

    func testDisplayIsTheBrailleChart() throws {
        let p = try XCTUnwrap(plot("plot([0, 1], [0, 1], title: \"T\")"))
        XCTAssertEqual(Display.text(.plot(p)), BrailleChart.render(p))
        XCTAssertEqual(Display.json(.plot(p)), "{\"plot\":\"T\"}")
    }

    func testHelpEntries() throws {
        let plot = try XCTUnwrap(Registry.standard["plot"])
        XCTAssertEqual(plot.group, .plot)
        XCTAssertEqual(plot.signature, "plot(f, a: none, b: none, labels: none, title: none, xlabel: none, ylabel: none, xscale: \"linear\", yscale: \"linear\", xlim: none, ylim: none)")
        XCTAssertFalse(plot.params.contains { $0.doc.isEmpty })
        let savefig = try XCTUnwrap(Registry.standard["savefig"])
        XCTAssertEqual(savefig.signature, "savefig(p, path)")
    }
}
