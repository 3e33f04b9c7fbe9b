import XCTest
@testable import LossNotebook
import LossLang

final class BrailleTests: XCTestCase {
    func testDotBitsFollowTheBrailleLayout() {
        // dots 1-8 of a braille cell: (0,0)=⠁ (0,1)=⠂ (0,2)=⠄ (1,0)=⠈ (1,1)=⠐ (1,2)=⠠ (0,3)=⡀ (1,3)=⢀
        let expected: [(Int, Int, Character)] = [(0, 0, "⠁"), (0, 1, "⠂"), (0, 2, "⠄"), (1, 0, "⠈"),
                                                 (1, 1, "⠐"), (1, 2, "⠠"), (0, 3, "⡀"), (1, 3, "⢀")]
        for (x, y, c) in expected {
            var canvas = BrailleCanvas(width: 1, height: 1)
            canvas.set(x, y)
            XCTAssertEqual(canvas.character(row: 0, col: 0), c, "dot (\(x), \(y))")
        }
        var full = BrailleCanvas(width: 1, height: 1)
        for x in 0..<2 { for y in 0..<4 { full.set(x, y) } }
        XCTAssertEqual(full.row(0), "⣿")
        XCTAssertEqual(BrailleCanvas(width: 3, height: 1).row(0), "⠀⠀⠀")
    }

    func testDotsOutsideTheCanvasAreIgnored() {
        var c = BrailleCanvas(width: 2, height: 2)
        c.set(-1, 0); c.set(4, 0); c.set(0, 8); c.set(Int.min, Int.max)
        XCTAssertEqual(c.bits, [0, 0, 0, 0])
        c.set(3, 7)
        XCTAssertEqual(c.bits, [0, 0, 0, 0x80])
    }

    func testBresenhamLines() {
        var c = BrailleCanvas(width: 2, height: 1)   // 4×4 dots
        c.line(0, 0, 3, 3)
        for i in 0..<4 { XCTAssertTrue(c.isSet(i, i)) }
        XCTAssertEqual(c.bits.map { $0.nonzeroBitCount }.reduce(0, +), 4)
        var h = BrailleCanvas(width: 2, height: 1)
        h.line(3, 2, 0, 2)   // right to left
        XCTAssertEqual(h.row(0), "⠤⠤")
        var v = BrailleCanvas(width: 1, height: 2)
        v.line(0, 0, 0, 7)
        XCTAssertEqual([v.row(0), v.row(1)], ["⡇", "⡇"])
        var steep = BrailleCanvas(width: 1, height: 1)
        steep.line(0, 0, 1, 3)   // every row gets exactly one dot
        XCTAssertEqual((0..<4).map { y in (0..<2).filter { steep.isSet($0, y) }.count }, [1, 1, 1, 1])
    }

    func testChartLayout() {
        let p = Plot(series: [PlotSeries(label: "up", xs: [0, 1], ys: [0, 1]),
                              PlotSeries(label: "down", xs: [0, 1], ys: [1, 0])],
                     title: "T", xlabel: "x", ylabel: "y")
        let text = BrailleChart.render(p, width: 4, height: 2)
        XCTAssertEqual(text, """
              T
            ┌────┐
          1 │⠑⢄⡠⠊│ up
        y 0 │⡠⠊⠑⢄│ down
            └────┘
             0  1
              x
        """)
    }

    func testChartDefaultSizeAndTickLabels() {
        let xs = (0..<11).map { Double($0) / 10 }
        let p = Plot(series: [PlotSeries(label: nil, xs: xs, ys: xs.map { $0 * 4.6 + 0.00498967 })])
        let lines = BrailleChart.render(p).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 15 + 3)
        XCTAssertEqual(lines[0], "    ┌" + String(repeating: "─", count: 60) + "┐")
        XCTAssertTrue(lines[1].hasPrefix("4.7 │"))       // top rounded up to 2 significant digits of the range
        XCTAssertTrue(lines[15].hasPrefix("  0 │"))       // bottom rounded down
        XCTAssertEqual(lines[17], "     0" + String(repeating: " ", count: 58) + "1")
        for l in lines { XCTAssertFalse(l.hasSuffix(" "), "no trailing whitespace: \(l)") }
        XCTAssertEqual(lines[1].count, 4 + 62)
    }

    func testNonFiniteValuesLeaveGaps() {
        let p = Plot(series: [PlotSeries(label: nil, xs: [0, 1, 2, 3], ys: [0, .nan, .infinity, 0])])
        let text = BrailleChart.render(p, width: 2, height: 1)
        // only the two end points are drawn (no line through the gap), on the middle row of y ∈ [-1, 1]; x spans [0, 3]
        let row = text.split(separator: "\n")[1]
        XCTAssertTrue(row.hasSuffix("│⠄⠠│"), String(row))
        XCTAssertTrue(text.hasSuffix("0 3"), text)
    }

    func testEmptyAndConstantPlots() {
        let empty = BrailleChart.render(Plot(series: []), width: 3, height: 2)
        XCTAssertTrue(empty.contains("│⠀⠀⠀│"))
        let constant = BrailleChart.render(Plot(series: [PlotSeries(label: nil, xs: [0, 1], ys: [2, 2])]), width: 3, height: 2)
        XCTAssertTrue(constant.contains("3 │"), constant)   // widened to [1, 3]
        XCTAssertTrue(constant.contains("1 │"), constant)
    }

    func testColoursOnlyWhenAsked() {
        let p = Plot(series: [PlotSeries(label: "a", xs: [0, 1], ys: [0, 1]), PlotSeries(label: "b", xs: [0, 1], ys: [1, 0])])
        XCTAssertFalse(BrailleChart.render(p).contains("\u{1B}"))
        let colored = BrailleChart.render(p, color: true)
        XCTAssertTrue(colored.contains("\u{1B}[34m"))   // first series blue
        XCTAssertTrue(colored.contains("\u{1B}[33ma\u{1B}[0m") == false)
        XCTAssertTrue(colored.contains("\u{1B}[34ma\u{1B}[0m"))
        XCTAssertTrue(colored.contains("\u{1B}[33mb\u{1B}[0m"))
    }

    func testHugeValuesDoNotTrap() {
        let p = Plot(series: [PlotSeries(label: nil, xs: [-Double.greatestFiniteMagnitude, Double.greatestFiniteMagnitude],
                                         ys: [Double.greatestFiniteMagnitude, -Double.greatestFiniteMagnitude])])
        let text = BrailleChart.render(p, width: 4, height: 2)
        XCTAssertTrue(text.contains("1.798e+308"), text)
        _ = SVGRenderer.render(p)
        let tiny = Plot(series: [PlotSeries(label: nil, xs: [0, 4.9406564584124654e-324], ys: [4.9406564584124654e-324, 0])])
        _ = BrailleChart.render(tiny)
        _ = SVGRenderer.render(tiny)
    }
}
