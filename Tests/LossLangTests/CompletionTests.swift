import XCTest
@testable import LossLang

/// The pure completion logic behind the REPL's Tab key (docs/reference.md §1).
final class CompletionTests: XCTestCase {
    private let names = ["focal", "fn_user", "gamma_table", "gaussian_nll", "mse", "mean", "max", "map", "x", "xs", "γ", "γ2"]
    private let params: [String: [String]] = [
        "focal": ["p", "y", "gamma", "alpha", "logits"],
        "gaussian_nll": ["input", "y", "var", "full", "eps"],
        "mse": ["pred", "y", "weight", "reduction"],
        "map": ["f", "xs"],
    ]

    private func complete(_ line: String, cursor: Int? = nil) -> [String] {
        completionCandidates(line: line, cursor: cursor ?? line.utf8.count, names: names,
                             parameters: { self.params[$0] })
    }

    func testNamePrefix() {
        XCTAssertEqual(complete("foc"), ["focal"])
        XCTAssertEqual(complete("m"), ["map", "max", "mean", "mse"])
        XCTAssertEqual(complete("x = ma"), ["map", "max"])
        XCTAssertEqual(complete("1 + gau"), ["gaussian_nll"])
    }

    func testUnderscoreIsPartOfTheWord() {
        XCTAssertEqual(complete("gamma_"), ["gamma_table"])
        XCTAssertEqual(complete("gaussian_n"), ["gaussian_nll"])
    }

    func testKeywordsAreOffered() {
        XCTAssertEqual(complete("whi"), ["while"])
        XCTAssertEqual(complete("f"), ["false", "fn", "fn_user", "focal", "for"])
    }

    func testKeywordParameterInsideCall() {
        // docs/reference.md §1: focal(p, y, ga⇥ → gamma:
        XCTAssertEqual(complete("focal(p, y, ga"), ["gamma:"])
        XCTAssertEqual(complete("l = focal([0.9, 0.2], [1, 0], ga"), ["gamma:"])
        XCTAssertEqual(complete("focal(p, y, al"), ["alpha:"])
        XCTAssertEqual(complete("focal(p, y, gamma"), ["gamma:"])
    }

    func testNamesWhenNoParameterMatches() {
        // passing a function or a variable as an argument still completes
        XCTAssertEqual(complete("focal(p, y, gau"), ["gaussian_nll"])
        XCTAssertEqual(complete("focal(x"), ["x", "xs"])
        XCTAssertEqual(complete("map(ma"), ["map", "max"])
    }

    func testEmptyWordInCallOffersOnlyParametersNotYetGiven() {
        XCTAssertEqual(complete("focal(p, y, "), ["gamma:", "alpha:", "logits:"])
        XCTAssertEqual(complete("focal(p, y, gamma: 2, "), ["alpha:", "logits:"])
        XCTAssertEqual(complete("focal("), ["p:", "y:", "gamma:", "alpha:", "logits:"])
        XCTAssertEqual(complete("focal(p, y, alpha: [1, 2], logits: true,\n  "), ["gamma:"])
    }

    func testPositionalArgumentsWithNestedBracketsAndStrings() {
        // commas inside [...] and strings do not separate arguments
        XCTAssertEqual(complete("mse([1, 2, 3], [1, \"a,b\", 2], "), ["weight:", "reduction:"])
        XCTAssertEqual(complete("mse(map(x -> x, xs), "), ["y:", "weight:", "reduction:"])
    }

    func testPipeSuppliesTheFirstArgument() {
        XCTAssertEqual(complete("p |> focal(y, "), ["gamma:", "alpha:", "logits:"])
    }

    func testParametersOnlyAtTheStartOfAnArgument() {
        // `gamma:` makes no sense in the middle of an expression
        XCTAssertEqual(complete("focal(p, y + ga"), ["gamma_table", "gaussian_nll"])
        XCTAssertEqual(complete("focal(p, y, gamma: ga"), ["gamma_table", "gaussian_nll"])
    }

    func testInnermostBracketDecides() {
        XCTAssertEqual(complete("focal([0.9, ga"), ["gamma_table", "gaussian_nll"])
        XCTAssertEqual(complete("focal(mse(x, "), ["y:", "weight:", "reduction:"])
        XCTAssertEqual(complete("focal(mse(x, y), "), ["y:", "gamma:", "alpha:", "logits:"])
    }

    func testUnknownCalleeOrNoCallee() {
        XCTAssertEqual(complete("nosuch(a, ma"), ["map", "max"])
        XCTAssertEqual(complete("(a, ma"), ["map", "max"])
        XCTAssertEqual(complete("f(1)(ma"), ["map", "max"])
        XCTAssertEqual(complete("if (ma"), ["map", "max"])
        XCTAssertEqual(complete("nosuch(").count, Set(names + completionKeywords).count)
    }

    func testNoCompletionInStringsCommentsAndNumbers() {
        XCTAssertEqual(complete("load(\"fo"), [])
        XCTAssertEqual(complete("x = 1 # fo"), [])
        XCTAssertEqual(complete("x = 12"), [])
        XCTAssertEqual(complete("x = 1.5e"), [])
        // a closed string does not hide what follows
        XCTAssertEqual(complete("print(\"# not a comment\", foc"), ["focal"])
    }

    func testNamingSomethingNewOffersNothing() {
        XCTAssertEqual(complete("fn foc"), [])
        XCTAssertEqual(complete("fn f(a, ga"), [])
        XCTAssertEqual(complete("fn f(a, d: ma"), ["map", "max"])
    }

    func testCursorInTheMiddleOfTheLine() {
        let line = "focal(p, y, ga) + 1"
        XCTAssertEqual(complete(line, cursor: 14), ["gamma:"])
        XCTAssertEqual(complete(line, cursor: 3), ["focal"])
        // out-of-range cursors are clamped, never trap
        XCTAssertEqual(complete("foc", cursor: 99), ["focal"])
        XCTAssertEqual(complete("foc", cursor: -5), complete("", cursor: 0))
    }

    func testUnicodeIdentifiersAndUTF8Cursor() {
        XCTAssertEqual(complete("γ"), ["γ", "γ2"])
        // cursor given in UTF-8 bytes: "y = γ" is 6 bytes
        XCTAssertEqual(complete("y = γ + 1", cursor: 6), ["γ", "γ2"])
        // a cursor in the middle of a multi-byte scalar moves back to its start
        XCTAssertEqual(complete("y = γ", cursor: 5), complete("y = ", cursor: 4))
    }

    func testEmptyWordOutsideACallOffersEverything() {
        let all = complete("")
        XCTAssertEqual(all.count, Set(names + completionKeywords).count)
        XCTAssertEqual(all, all.sorted())
    }

    func testMultiLineBuffer() {
        XCTAssertEqual(complete("l = focal(p,\n  y,\n  ga"), ["gamma:"])
        XCTAssertEqual(complete("x = [1,\n 2] # ga\nga"), ["gamma_table", "gaussian_nll"])
    }
}
