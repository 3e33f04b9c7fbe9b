import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import LossNotebook
import LossLang

final class SVGTests: XCTestCase {
    static let small = Plot(series: [PlotSeries(label: "x²", xs: [0, 1, 2], ys: [0, 1, 4])],
                            title: "a <b> & \"c\"", xlabel: "x", ylabel: "y")

    /// The exact document for `small`: checked by eye (rendered with cairosvg) and by hand:
    /// plot area x ∈ [78, 620], y ∈ [40, 346]; y range [0, 4] padded by 5% to [-0.2, 4.2], so
    /// y = 1 sits at 346 − 1.2/4.4·306 = 262.545… → "262.55"; x = 1 at 78 + 542/2 = 349.
    static let golden = """
<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400" viewBox="0 0 640 400" font-family="Helvetica, Arial, sans-serif" font-size="12">
<rect width="640" height="400" fill="#ffffff"/>
<g stroke="#e6e6e6" stroke-width="1">
<line x1="78" y1="40" x2="78" y2="346"/>
<line x1="213.5" y1="40" x2="213.5" y2="346"/>
<line x1="349" y1="40" x2="349" y2="346"/>
<line x1="484.5" y1="40" x2="484.5" y2="346"/>
<line x1="620" y1="40" x2="620" y2="346"/>
<line x1="78" y1="332.09" x2="620" y2="332.09"/>
<line x1="78" y1="262.55" x2="620" y2="262.55"/>
<line x1="78" y1="193" x2="620" y2="193"/>
<line x1="78" y1="123.45" x2="620" y2="123.45"/>
<line x1="78" y1="53.91" x2="620" y2="53.91"/>
</g>
<rect x="78" y="40" width="542" height="306" fill="none" stroke="#333333" stroke-width="1"/>
<g fill="#333333">
<text x="78" y="363" text-anchor="middle">0.0</text>
<text x="213.5" y="363" text-anchor="middle">0.5</text>
<text x="349" y="363" text-anchor="middle">1.0</text>
<text x="484.5" y="363" text-anchor="middle">1.5</text>
<text x="620" y="363" text-anchor="middle">2.0</text>
<text x="72" y="336.09" text-anchor="end">0</text>
<text x="72" y="266.55" text-anchor="end">1</text>
<text x="72" y="197" text-anchor="end">2</text>
<text x="72" y="127.45" text-anchor="end">3</text>
<text x="72" y="57.91" text-anchor="end">4</text>
</g>
<g fill="none" stroke="#1f77b4" stroke-width="1.75" stroke-linejoin="round" stroke-linecap="round">
<polyline points="78,332.09 349,262.55 620,53.91"/>
</g>
<g>
<rect x="86" y="48" width="54" height="26" fill="#ffffff" fill-opacity="0.85" stroke="#cccccc"/>
<line x1="94" y1="61" x2="114" y2="61" stroke="#1f77b4" stroke-width="2"/>
<text x="120" y="65" fill="#333333">x²</text>
</g>
<text x="349" y="24" text-anchor="middle" font-size="15" font-weight="bold" fill="#222222">a &lt;b&gt; &amp; &quot;c&quot;</text>
<text x="349" y="386" text-anchor="middle" font-size="13" fill="#222222">x</text>
<text x="18" y="193" text-anchor="middle" font-size="13" fill="#222222" transform="rotate(-90 18 193)">y</text>
</svg>
"""

    func testGoldenSmallSVG() {
        XCTAssertEqual(SVGRenderer.render(SVGTests.small), SVGTests.golden + "\n")
    }

    func testSameInputSameBytes() {
        let xs = (0..<200).map { Double($0) / 199 }
        let p = Plot(series: [PlotSeries(label: "γ=0", xs: xs, ys: xs.map { -log(Swift.max($0, 1e-12)) }),
                              PlotSeries(label: "γ=2", xs: xs, ys: xs.map { -pow(1 - $0, 2) * log(Swift.max($0, 1e-12)) })],
                     title: "focal")
        let a = SVGRenderer.render(p), b = SVGRenderer.render(p)
        XCTAssertEqual(a, b)
        XCTAssertFalse(a.contains(" id="))
        XCTAssertEqual(a.components(separatedBy: "<polyline").count - 1, 2)
    }

    func testWellFormedXML() {
        let p = Plot(series: [PlotSeries(label: "<&>\u{1}", xs: [0, 1, 2, 3], ys: [1, .nan, 2, 3]),
                              PlotSeries(label: nil, xs: [0, 1], ys: [.infinity, 5])],
                     title: "'quotes' & \"more\"", xlabel: "<x>", ylabel: "ü")
        let svg = SVGRenderer.render(p)
        let parser = XMLParser(data: Data(svg.utf8))
        XCTAssertTrue(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        // nan splits the first series: an isolated point becomes a dot, the rest a polyline
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 2)   // (0, 1) and the lone (1, 5)
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 1)
    }

    func testEscape() {
        XCTAssertEqual(HTMLRenderer.escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;")
    }

    func testNiceTicks() {
        let t = PlotGeometry.ticks(-0.2, 4.2, target: 6)
        XCTAssertEqual(t?.values, [0, 1, 2, 3, 4])
        XCTAssertEqual(t?.step, 1)
        let u = PlotGeometry.ticks(0, 1, target: 7)
        XCTAssertEqual(u?.step, 0.2)
        XCTAssertEqual(u.map { v in v.values.map { PlotGeometry.tickLabel($0, step: v.step) } }, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        XCTAssertEqual(PlotGeometry.ticks(0, 1000, target: 6)?.step, 200)
        XCTAssertEqual(PlotGeometry.ticks(-3e-5, 5e-5, target: 6)?.step, 2e-5)
        XCTAssertEqual(PlotGeometry.tickLabel(-0.0000001, step: 0.5), "0.0")
        XCTAssertNil(PlotGeometry.ticks(1, 1))
        XCTAssertNil(PlotGeometry.ticks(0, .infinity))
        XCTAssertEqual(PlotGeometry.coord(262.54545), "262.55")
        XCTAssertEqual(PlotGeometry.coord(300), "300")
        XCTAssertEqual(PlotGeometry.coord(-0.001), "0")
        XCTAssertEqual(PlotGeometry.fixed(0.05, decimals: 2), "0.05")
        XCTAssertEqual(PlotGeometry.fixed(-1.25, decimals: 1), "-1.3")
    }

    func testEmptyPlotRenders() {
        let svg = SVGRenderer.render(Plot(series: []))
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.hasSuffix("</svg>\n"))
        XCTAssertTrue(svg.contains("viewBox=\"0 0 640 400\""))
    }
}

extension SVGTests {
    func testLongSeriesAreThinnedToThePixel() {
        let n = 100_000
        let xs = (0..<n).map { Double($0) / Double(n - 1) }
        let p = Plot(series: [PlotSeries(label: nil, xs: xs, ys: xs.map { sin(40 * $0) })])
        let svg = SVGRenderer.render(p)
        XCTAssertLessThan(svg.utf8.count, 100_000)
        let points = svg.components(separatedBy: "points=\"")[1].prefix { $0 != "\"" }.split(separator: " ")
        XCTAssertLessThanOrEqual(points.count, 4 * 2 * 542 + 8)
        XCTAssertEqual(points.first, "62,193")      // first and last points kept exactly
        XCTAssertEqual(SVGRenderer.decimate([(0.1, 5), (0.2, 1), (0.3, 9), (0.4, 4), (0.6, 3)]).map(\.1), [5, 1, 9, 4, 3])
        XCTAssertEqual(SVGRenderer.decimate([(0.1, 5), (0.15, 1), (0.2, 3), (0.25, 9), (0.3, 4), (0.45, 2)]).map(\.1), [5, 1, 9, 2])
    }
}
