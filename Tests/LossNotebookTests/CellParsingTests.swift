import XCTest
@testable import LossNotebook
import LossLang

final class CellParsingTests: XCTestCase {
    func testScriptWithoutMarkersIsOneCodeCell() {
        let s = PercentScript("x = 1\nx\n")
        XCTAssertEqual(s.cells.count, 1)
        XCTAssertEqual(s.cells[0].kind, .code)
        XCTAssertNil(s.cells[0].markerLine)
        XCTAssertEqual(s.cells[0].lines, 0..<3)
        XCTAssertEqual(s.displaySource(s.cells[0]), "x = 1\nx")
    }

    func testMarkersKindsAndTitles() {
        let text = """
        #!/usr/bin/env loss
        # %% [markdown]
        # # Focal loss
        #
        # Down-weights *easy* examples.

        # %% Setup
        p = [0.9, 0.2]
        #%%
        p
        # %% Notes [md]
        # text
        # %%%not a marker
        # %% [markdown] Intro
        """
        let s = PercentScript(text)
        // the shebang alone before the first marker is not a cell
        XCTAssertEqual(s.cells.map(\.kind), [.markdown, .code, .code, .markdown, .markdown])
        XCTAssertEqual(s.cells.map(\.title), [nil, "Setup", nil, "Notes", "Intro"])
        XCTAssertEqual(s.cells.map(\.markerLine), [1, 6, 8, 10, 13])
        XCTAssertEqual(s.markdown(s.cells[0]), "# Focal loss\n\nDown-weights *easy* examples.")
        XCTAssertEqual(s.markdown(s.cells[3]), "text\n%%%not a marker")
        XCTAssertEqual(s.displaySource(s.cells[1]), "p = [0.9, 0.2]")
    }

    func testContentBeforeTheFirstMarkerIsACell() {
        let s = PercentScript("a = 1\n# %%\nb = 2\n")
        XCTAssertEqual(s.cells.count, 2)
        XCTAssertEqual(s.cells[0].lines, 0..<1)
        XCTAssertEqual(s.cells[1].lines, 2..<4)
    }

    func testLinesRoundTripByteForByte() {
        let text = "a = 1\r\n# %%\r\nb\r\n#> 2\r\n"
        let s = PercentScript(text)
        XCTAssertEqual(s.lines.joined(separator: "\n"), text)
        XCTAssertEqual(s.cells.count, 2)
        XCTAssertEqual(PercentScript.expectation(s.lines[3]), "2")
    }

    func testExpectationLines() {
        XCTAssertEqual(PercentScript.expectation("#> 0.5"), "0.5")
        XCTAssertEqual(PercentScript.expectation("#>"), "")
        XCTAssertEqual(PercentScript.expectation("#>  1  2"), " 1  2")
        XCTAssertEqual(PercentScript.expectation("  #> x"), "x")
        XCTAssertNil(PercentScript.expectation("# > x"))
        XCTAssertNil(PercentScript.expectation("x #> 1"))
    }

    func testStatementsAndTheirExpectations() {
        let text = """
        x = 1   # one
        x
        #> 1

        # a comment
        y = [1,
             2]
        #> stray
        #> lines
        z
        """
        let s = PercentScript(text)
        let session = Session()
        let st = s.statements(s.cells[0], needsMoreInput: session.needsMoreInput)
        XCTAssertEqual(st.map(\.firstLine), [0, 1, 5, 9])
        XCTAssertEqual(st.map(\.lastLine), [0, 1, 6, 9])
        XCTAssertEqual(st.map(\.expectationLines), [1..<1, 2..<3, 7..<9, 10..<10])
        XCTAssertEqual(s.source(of: st[2]), "\n\n\n\n\ny = [1,\n     2]")
        XCTAssertTrue(s.orphanExpectations(s.cells[0], statements: st).isEmpty)
    }

    func testOrphanExpectations() {
        let s = PercentScript("x\n#> 1\n\n#> 2\n# %%\n#> 3\n")
        let st0 = s.statements(s.cells[0], needsMoreInput: { _ in false })
        XCTAssertEqual(s.orphanExpectations(s.cells[0], statements: st0), [3..<4])
        let st1 = s.statements(s.cells[1], needsMoreInput: { _ in false })
        XCTAssertTrue(st1.isEmpty)
        XCTAssertEqual(s.orphanExpectations(s.cells[1], statements: st1), [5..<6])
    }

    func testMarkdownCellsHaveNoStatements() {
        let s = PercentScript("# %% [markdown]\n# x = 1\n")
        XCTAssertTrue(s.statements(s.cells[0], needsMoreInput: { _ in false }).isEmpty)
    }
}
