import XCTest
@testable import LossNotebook
import LossLang

final class ExpectationTests: XCTestCase {
    override func setUp() { LossNotebook.install() }

    func testNumbersMatchAtTheDisplayedPrecision() {
        let m = { (e: String, a: String) in Expectations.numbersMatch(e, a, precision: 6) }
        XCTAssertTrue(m("0.00498967", "0.00498967"))
        XCTAssertTrue(m("4.98967e-3", "0.00498967"))
        XCTAssertTrue(m("1e-3", "0.001"))
        XCTAssertTrue(m("1.0", "1"))
        XCTAssertTrue(m("0.333333", "0.3333333333"))
        XCTAssertTrue(m("nan", "nan"))
        XCTAssertTrue(m("-inf", "-inf"))
        XCTAssertFalse(m("inf", "-inf"))
        XCTAssertFalse(m("nan", "0"))
        XCTAssertFalse(m("0.00498968", "0.00498967"))
        // fewer digits written: the value must round to them (pytest's NUMBER option)
        XCTAssertTrue(m("0.005", "0.00498967"))
        XCTAssertTrue(m("0.0050", "0.00498967"))
        XCTAssertTrue(m("0.00499", "0.00498967"))
        XCTAssertFalse(m("0.0049", "0.00498967"))
        XCTAssertFalse(m("0.00498", "0.00498967"))
        // integers are exact
        XCTAssertFalse(m("3", "3.4"))
        XCTAssertFalse(m("3", "2.99"))
    }

    func testTokens() {
        typealias T = Expectations.Token
        XCTAssertEqual(Expectations.tokens("x1 -2.5e-3 nan, inf]"),
                       [T.text("x1 "), .number("-2.5e-3"), .text(" "), .number("nan"), .text(", "), .number("inf"), .text("]")])
        XCTAssertEqual(Expectations.tokens("2×3 tensor"), [T.number("2"), .text("×"), .number("3"), .text(" tensor")])
        XCTAssertEqual(Expectations.tokens("[.5, -1]"), [T.text("["), .number(".5"), .text(", "), .number("-1"), .text("]")])
        XCTAssertEqual(Expectations.tokens("infinity"), [T.text("infinity")])
    }

    func testLineMatching() {
        XCTAssertTrue(Expectations.lineMatches("[0.1, 0.2]", "[0.1, 0.2]  ", precision: 6))
        XCTAssertTrue(Expectations.lineMatches(" 1    0.050", " 1  0.05", precision: 6))   // alignment spacing
        XCTAssertFalse(Expectations.lineMatches("[1,2]", "[1, 2]", precision: 6))
        XCTAssertFalse(Expectations.lineMatches("[1, 2]", "[1, 2, 3]", precision: 6))
        XCTAssertTrue(Expectations.linesMatch([], [], precision: 6))
        XCTAssertFalse(Expectations.linesMatch(["1"], [], precision: 6))
    }

    func testCheckPassesAndFails() {
        let text = """
        x = 1 / 3
        x
        #> 0.333333
        x * 3
        #> 2
        y = 2
        #> 2
        print("a"); print("b")
        #> a
        #> b
        [1, 2; 3, 4]
        #> 2×2 tensor
        #>  1  2
        #>  3  4
        x
        """
        let r = Expectations.check(text: text, path: "t.loss")
        XCTAssertEqual(r.checks.count, 7)
        XCTAssertEqual(r.checks.map(\.passed), [true, true, false, false, true, true, false])
        XCTAssertEqual(r.checks[2].actual, ["1"])
        XCTAssertEqual(r.checks[3].actual, [])        // an assignment displays nothing
        XCTAssertEqual(r.checks[6].actual, ["0.333333"])
    }

    func testErrorsAreExpectedAsTheirFirstLine() {
        let text = "plot(1, 2, 3)\n#> error: plot: b is only used with a function (plot(f, a, b)); to plot data use plot(xs, ys)\n1 + 1\n#> 2\n"
        let r = Expectations.check(text: text, path: "e.loss")
        XCTAssertEqual(r.failures.count, 0, Expectations.diff(r))
        XCTAssertEqual(r.checks.count, 2)   // the run goes on after the error
    }

    func testPlotsWithoutExpectationsAreNotChecked() {
        let r = Expectations.check(text: "plot(x -> x, 0, 1)\n", path: "p.loss")
        XCTAssertEqual(r.checks.count, 1)
        XCTAssertTrue(r.checks[0].skipped)
        XCTAssertTrue(r.checks[0].passed)
        XCTAssertEqual(r.checkedCount, 0)
        // with #> lines the braille chart is compared
        let withLines = Expectations.check(text: "plot(x -> x, 0, 1)\n#> nope\n", path: "p.loss")
        XCTAssertEqual(withLines.failures.count, 1)
        XCTAssertEqual(withLines.failures[0].actual.count, 18)
    }

    func testUnifiedDiff() {
        let text = "a = 2\na\n#> 3\nb = 1\nb\n"
        let r = Expectations.check(text: text, path: "d.loss")
        XCTAssertEqual(Expectations.diff(r), """
        --- d.loss (expected)
        +++ d.loss (actual)
        @@ -1,5 +1,6 @@ d.loss:3
         a = 2
         a
        -#> 3
        +#> 2
         b = 1
         b
        +#> 1

        """)
    }

    func testUpdateRewritesOnlyExpectations() {
        let text = "# %% [markdown]\r\n# keep   me\r\n# %%\r\na = 2\r\na\r\n#> 3\r\n#> stale\r\nb = [1,\r\n  2]  \r\nb\r\n\r\n#> orphan\r\nc = 0\r\n#> nothing\r\nprint(\"\")\r\n#> \r\nb[0]"
        let r = Expectations.check(text: text, path: "u.loss")
        XCTAssertEqual(r.failures.count, 5)   // a, b (missing), orphan, c (displays nothing), b[0] (missing)
        let updated = Expectations.updated(r)
        XCTAssertEqual(updated, "# %% [markdown]\r\n# keep   me\r\n# %%\r\na = 2\r\na\r\n#> 2\r\nb = [1,\r\n  2]  \r\nb\r\n#> [1, 2]\r\n\r\nc = 0\r\nprint(\"\")\r\n#> \r\nb[0]\n#> 1")
        let again = Expectations.check(text: updated, path: "u.loss")
        XCTAssertEqual(again.failures.count, 0, Expectations.diff(again))
        XCTAssertEqual(Expectations.updated(again), updated)
    }

    func testUpdateKeepsMatchingHandWrittenValues() {
        let text = "0.00498967\n#> 0.005\n"
        let r = Expectations.check(text: text, path: "k.loss")
        XCTAssertEqual(r.failures.count, 0)
        XCTAssertEqual(Expectations.updated(r), text)
    }

    func testCLITestAndUpdate() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loss-test-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good.loss"), bad = dir.appendingPathComponent("sub/bad.loss")
        try FileManager.default.createDirectory(at: bad.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "1 + 1\n#> 2\n".write(to: good, atomically: true, encoding: .utf8)
        try "2 + 2\n#> 5\n".write(to: bad, atomically: true, encoding: .utf8)
        XCTAssertEqual(NotebookCLI.test([good.path]), 0)
        XCTAssertEqual(NotebookCLI.test([dir.path]), 1)
        XCTAssertEqual(NotebookCLI.test([dir.path, "--update"]), 0)
        XCTAssertEqual(try String(contentsOf: bad, encoding: .utf8), "2 + 2\n#> 4\n")
        XCTAssertEqual(NotebookCLI.test([dir.path]), 0)
        XCTAssertEqual(NotebookCLI.test([]), 2)
        XCTAssertEqual(NotebookCLI.test(["--bogus", good.path]), 2)
        XCTAssertEqual(NotebookCLI.test([dir.appendingPathComponent("missing.loss").path]), 2)
    }
}
