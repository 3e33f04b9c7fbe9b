import XCTest
@testable import LossLang
import LossCore

/// Runs source in a fresh session; returns the displayed text (values and prints) and the error.
func runLoss(_ source: String, session: Session = Session(), json: Bool = false) -> (out: String, error: LangError?) {
    var lines: [String] = []
    session.onOutput = { ev in
        switch ev {
        case .value(let v, _): lines.append(json ? Display.json(v) : session.format(v))
        case .print(let t, _): lines.append(t)
        case .warning: break
        }
    }
    let e = session.run(source, file: "test.loss")
    return (lines.joined(separator: "\n"), e)
}

final class LexerTests: XCTestCase {
    func kinds(_ s: String) throws -> [TokenKind] { try Lexer.tokenize(s).map(\.kind) }

    func testNumbers() throws {
        XCTAssertEqual(try kinds("3 0.25 .5 1e-3 2.5E+4"), [.number(3), .number(0.25), .number(0.5), .number(0.001), .number(25000), .eof])
    }
    func testStringsAndEscapes() throws {
        XCTAssertEqual(try kinds(#""a\"b\\c\nd\te""#), [.string("a\"b\\c\nd\te"), .eof])
    }
    func testUnicodeIdentifiersAndKeywords() throws {
        XCTAssertEqual(try kinds("γ = 2; fn if then else true none"),
                       [.ident("γ"), .assign, .number(2), .semicolon, .kwFn, .kwIf, .kwThen, .kwElse, .kwTrue, .kwNone, .eof])
    }
    func testOperators() throws {
        XCTAssertEqual(try kinds("a |> f -> x' @ b <= c != d && !e || g ^ 2 % 3"),
                       [.ident("a"), .pipe, .ident("f"), .arrow, .ident("x"), .quote, .at, .ident("b"), .le, .ident("c"), .ne, .ident("d"),
                        .and, .not, .ident("e"), .or, .ident("g"), .caret, .number(2), .percent, .number(3), .eof])
    }
    func testNewlinesInsideBracketsAndAfterOperators() throws {
        XCTAssertEqual(try kinds("f(1,\n2)\nx = 1 +\n 2"), [.ident("f"), .lparen, .number(1), .comma, .number(2), .rparen, .newline,
                                                             .ident("x"), .assign, .number(1), .plus, .number(2), .eof])
    }
    func testCommentsShebangAndCells() throws {
        XCTAssertEqual(try kinds("#!/usr/bin/env loss\n# %% cell\nx #> 3\n"), [.ident("x"), .newline, .eof])
    }
    func testBadCharacterHasSpan() {
        XCTAssertThrowsError(try Lexer.tokenize("x = 1 $ 2")) { e in
            let le = e as! LangError
            XCTAssertEqual(le.span.col, 7)
            XCTAssertEqual(le.span.line, 1)
        }
    }
    func testUnterminatedString() {
        XCTAssertThrowsError(try Lexer.tokenize("\"abc")) { e in XCTAssertTrue((e as! LangError).message.contains("unterminated")) }
    }
}

/// S-expression of a parsed expression, for precedence tests.
func sexpr(_ e: Expr) -> String {
    switch e {
    case .number(let x, _): return Display.number(x)
    case .string(let s, _): return Display.quote(s)
    case .bool(let b, _): return b ? "true" : "false"
    case .none: return "none"
    case .name(let n, _): return n
    case .tensorLit(let xs, _, _): return "[" + xs.map(sexpr).joined(separator: " ") + "]"
    case .unary(let op, let x, _): return "(\(op.rawValue) \(sexpr(x)))"
    case .binary(let op, let a, let b, _): return "(\(op.rawValue) \(sexpr(a)) \(sexpr(b)))"
    case .logical(let isAnd, let a, let b, _): return "(\(isAnd ? "&&" : "||") \(sexpr(a)) \(sexpr(b)))"
    case .call(let f, let args, _): return "(call \(sexpr(f))" + args.map { " " + ($0.name.map { "\($0):" } ?? "") + sexpr($0.value) }.joined() + ")"
    case .index(let b, let items, _): return "(idx \(sexpr(b)) \(items.count))"
    case .transpose(let x, _): return "(' \(sexpr(x)))"
    case .lambda(let ps, let body, _):
        if case .expr(let b) = body { return "(-> (\(ps.map(\.name).joined(separator: " "))) \(sexpr(b)))" }
        return "(-> block)"
    case .ifExpr(let c, let a, let b, _): return "(if \(sexpr(c)) \(sexpr(a)) \(sexpr(b)))"
    case .record(let fs, _): return "(record" + fs.map { " \($0.name):" + sexpr($0.value) }.joined() + ")"
    case .field(let b, let n, _, _): return "(. \(sexpr(b)) \(n))"
    }
}

final class ParserTests: XCTestCase {
    func p(_ s: String) throws -> String {
        let stmts = try Parser.parse(s)
        guard case .expr(let e, _, _)? = stmts.first else { return "stmt" }
        return sexpr(e)
    }

    func testPrecedence() throws {
        XCTAssertEqual(try p("-2^2"), "(- (^ 2 2))")
        XCTAssertEqual(try p("2^3^2"), "(^ 2 (^ 3 2))")
        XCTAssertEqual(try p("2^-1"), "(^ 2 -1)")
        XCTAssertEqual(try p("1 + 2 * 3"), "(+ 1 (* 2 3))")
        XCTAssertEqual(try p("a @ b + c"), "(+ (@ a b) c)")
        XCTAssertEqual(try p("1 < 2 && 3 > 2 || !x"), "(|| (&& (< 1 2) (> 3 2)) (! x))")
        XCTAssertEqual(try p("x |> f(2) |> g"), "(call g (call f x 2))")
        XCTAssertEqual(try p("a - b - c"), "(- (- a b) c)")
        XCTAssertEqual(try p("x' @ y"), "(@ (' x) y)")
        XCTAssertEqual(try p("-x[0]"), "(- (idx x 1))")
    }
    func testLambdasAndIf() throws {
        XCTAssertEqual(try p("p -> focal(p, 1, gamma: 2)"), "(-> (p) (call focal p 1 gamma:2))")
        XCTAssertEqual(try p("(a, b) -> a + b"), "(-> (a b) (+ a b))")
        XCTAssertEqual(try p("() -> 42"), "(-> () 42)")
        XCTAssertEqual(try p("if a then 1 else 2 + 3"), "(if a 1 (+ 2 3))")
        XCTAssertEqual(try p("(1 + 2) * 3"), "(* (+ 1 2) 3)")
    }
    func testTensorLiterals() throws {
        XCTAssertEqual(try p("[1, 2; 3, 4]"), "[[1 2] [3 4]]")
        XCTAssertEqual(try p("[[1, 2], [3, 4]]"), "[[1 2] [3 4]]")
        XCTAssertEqual(try p("[]"), "[]")
    }
    func testStatements() throws {
        let s = try Parser.parse("fn f(a, b: 2) = a + b\nx[1] = 3\nfor i in xs { break }\nwhile c { continue }\nif a { 1 } else if b { 2 } else { 3 }")
        XCTAssertEqual(s.count, 5)
        if case .fnDef(let n, _, let ps, _, _) = s[0] { XCTAssertEqual(n, "f"); XCTAssertEqual(ps.count, 2) } else { XCTFail() }
        if case .indexAssign = s[1] {} else { XCTFail() }
        if case .ifStmt(let br, let e, _) = s[4] { XCTAssertEqual(br.count, 2); XCTAssertNotNil(e) } else { XCTFail() }
    }
    func testErrorSpans() {
        func err(_ s: String) -> LangError? {
            do { _ = try Parser.parse(s); return nil } catch { return error as? LangError }
        }
        let e1 = err("x = (1 + 2")
        XCTAssertEqual(e1?.isIncomplete, true)
        let e2 = err("x = 1 +* 2")
        XCTAssertEqual(e2?.span.col, 8)
        XCTAssertEqual(err("f(a: 1, 2)")?.message, "positional argument after keyword arguments")
        XCTAssertEqual(err("1 = 2")?.message, "cannot assign to this expression")
        XCTAssertEqual(err("x = [1, 2")?.isIncomplete, true)
        XCTAssertEqual(err("fn f(x) {")?.isIncomplete, true)
    }
    func testDeepNestingIsAnError() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertThrowsError(try Parser.parse(deep)) { e in
            XCTAssertTrue((e as! LangError).message.contains("nested too deeply"))
        }
        let parens = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        XCTAssertThrowsError(try Parser.parse(parens))
    }
}

final class InterpreterTests: XCTestCase {
    func check(_ src: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        let (out, e) = runLoss(src)
        XCTAssertNil(e, "unexpected error: \(e?.message ?? "")", file: file, line: line)
        XCTAssertEqual(out, expected, file: file, line: line)
    }
    func checkError(_ src: String, _ contains: String, line l: Int? = nil, col: Int? = nil, file: StaticString = #filePath, line: UInt = #line) {
        let (_, e) = runLoss(src)
        guard let e = e else { return XCTFail("expected an error", file: file, line: line) }
        XCTAssertTrue(e.message.contains(contains), "message: \(e.message)", file: file, line: line)
        if let l = l { XCTAssertEqual(e.span.line, l, file: file, line: line) }
        if let c = col { XCTAssertEqual(e.span.col, c, file: file, line: line) }
    }

    func testMission() { check("focal([0.9,0.2],[1,0],gamma:2)", "0.00498967") }
    func testArithmetic() {
        check("1 + 2 * 3", "7")
        check("-2^2", "-4")
        check("-7 % 3", "2")
        check("1 / 0", "inf")
        check("0.1 + 0.2", "0.3")
        check("2^0.5", "1.41421")
        check("[1, 2] + [10; 20]", "2×2 tensor\n 11  12\n 21  22")
        check("[1, 2, 3] * 2", "[2, 4, 6]")
        check("\"a\" + \"b\"", "ab")
    }
    func testComparisonsAndLogic() {
        check("1 < 2", "true")
        check("[1, 2, 3] > 1", "[0, 1, 1]")
        check("true && false || true", "true")
        check("false && undefined_name", "false")
        check("!true", "false")
        check("none == none", "true")
    }
    func testMatmul() {
        check("[1, 2] @ [3, 4]", "11")
        check("[1, 2; 3, 4] @ [1, 1]", "[3, 7]")
        check("x = [1, 2; 3, 4]; x'", "2×2 tensor\n 1  3\n 2  4")
    }
    func testIndexingAndSlicing() {
        check("x = [10, 20, 30, 40]; x[0]; x[-1]", "40")
        check("x = [10, 20, 30, 40]\nx[-1]", "40")
        check("x = [10, 20, 30, 40]\nx[1:3]", "[20, 30]")
        check("x = [10, 20, 30, 40]\nx[::2]", "[10, 30]")
        check("x = [10, 20, 30, 40]\nx[::-1]", "[40, 30, 20, 10]")
        check("x = [10, 20, 30, 40]\nx[[0, 0, 3]]", "[10, 10, 40]")
        check("x = [10, 20, 30, 40]\nx[x > 15]", "[20, 30, 40]")
        check("m = [1, 2, 3; 4, 5, 6]\nm[1, 2]", "6")
        check("m = [1, 2, 3; 4, 5, 6]\nm[:, 0]", "[1, 4]")
        check("m = [1, 2, 3; 4, 5, 6]\nm[1]", "[4, 5, 6]")
        check("p = [0.1, 0.9; 0.8, 0.2]\np[[0, 1], [1, 0]]", "[0.9, 0.8]")
    }
    func testIndexedAssignmentHasValueSemantics() {
        check("x = [1, 2, 3]\ny = x\ny[0] = 100\nx\ny", "[1, 2, 3]\n[100, 2, 3]")
        check("m = zeros([2, 2])\nm[0, :] = [1, 2]\nm", "2×2 tensor\n 1  2\n 0  0")
        check("x = [1, -2, 3]\nx[x < 0] = 0\nx", "[1, 0, 3]")
        check("x = [1, 2]\nx[1] += 5\nx", "[1, 7]")
        check("fn f(v) { v[0] = 9; v }\na = [1, 2]\nf(a)\na", "[9, 2]\n[1, 2]")
    }
    func testFunctionsClosuresRecursion() {
        check("fn huber2(a, delta: 1) = if abs(a) <= delta then 0.5 * a^2 else delta * (abs(a) - 0.5 * delta)\nhuber2(3)\nhuber2(3, delta: 2)", "2.5\n4")
        check("fn fib(n) = if n < 2 then n else fib(n-1) + fib(n-2)\nfib(15)", "610")
        check("fn adder(n) = x -> x + n\nadd3 = adder(3)\nadd3(4)", "7")
        check("f = () -> 42\nf()", "42")
        check("fn f(x) { if x > 0 { return 1 }; -1 }\nf(5); f(-5)", "-1")
        check("fn f(x) { if x > 0 { return 1 }; -1 }\nf(5)\nf(-5)", "1\n-1")
        check("fn outer() { fn inner(n) = if n == 0 then 0 else n + inner(n - 1); inner(4) }\nouter()", "10")
        check("fn s(xs) { t = 0; for x in xs { t += x }; t }\ns([1, 2, 3])", "6")
        check("sq = x -> x^2\n[1, 2, 3] |> sq", "[1, 4, 9]")
        check("[3, 4] |> norm(2)", "5")
    }
    func testControlFlow() {
        check("s = 0\nfor i in [1, 2, 3, 4, 5] { if i == 2 { continue }; if i == 4 { break }; s += i }\ns", "4")
        check("n = 0\nwhile n < 10 { n += 3 }\nn", "12")
        check("x = 5\nif x > 3 { y = 1 } else if x > 1 { y = 2 } else { y = 3 }\ny", "1")
        check("for row in [1, 2; 3, 4] { print(row) }", "[1, 2]\n[3, 4]")
    }
    func testDisplayRuleAndAns() {
        check("1 + 1;", "")
        check("x = 3", "")
        check("2 * 3\nans + 1", "6\n7")
        check("print(\"a\", [1, 2], 3)", "a [1, 2] 3")
    }
    func testErrorsHaveLocations() {
        checkError("x = 1\ny = foo + 1", "unknown name 'foo'", line: 2, col: 5)
        checkError("focal([0.9, 0.2], [1, 0], gama: 2)", "no parameter 'gama'", line: 1, col: 27)
        checkError("[1, 2] + [1, 2, 3]", "cannot be broadcast", line: 1, col: 1)
        checkError("x = [1, 2]\nx[5]", "out of range", line: 2)
        checkError("[[1, 2], [3]]", "ragged")
        checkError("fn f(n) = f(n + 1)\nf(0)", "maximum recursion depth")
        checkError("zeros([1e12])", "too large")
        checkError("mse([1, 2])", "missing argument")
        checkError("x = 3\nx(2)", "not a function")
        checkError("if [1, 2] > 0 { 1 }", "not a single truth value")
        let (_, e) = runLoss("sigmod(1)")
        XCTAssertEqual(e?.hint, "did you mean 'sigmoid'?")
    }
    func testBindingsSurviveErrors() {
        let s = Session()
        _ = runLoss("a = 41", session: s)
        _ = runLoss("b = nope", session: s)
        let (out, e) = runLoss("a + 1", session: s)
        XCTAssertNil(e)
        XCTAssertEqual(out, "42")
    }
    func testInterruptStopsALoopAndKeepsBindings() {
        let s = Session()
        _ = runLoss("keep = 7", session: s)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { Interrupt.requested = true }
        let (_, e) = runLoss("while true { }", session: s)
        XCTAssertEqual(e?.kind, .interrupt)
        XCTAssertEqual(runLoss("keep", session: s).out, "7")
    }
    func testShadowingBuiltinWarnsAndWorks() {
        let s = Session()
        var warned = false
        s.onOutput = { if case .warning = $0 { warned = true } }
        _ = s.run("mse = 3", file: "t")
        XCTAssertTrue(warned)
        XCTAssertEqual(runLoss("mse + 1", session: s).out, "4")
    }
    func testNeedsMoreInput() {
        let s = Session()
        XCTAssertTrue(s.needsMoreInput("f(1,"))
        XCTAssertTrue(s.needsMoreInput("fn f(x) {"))
        XCTAssertTrue(s.needsMoreInput("x = 1 +"))
        XCTAssertFalse(s.needsMoreInput("x = 1"))
        XCTAssertFalse(s.needsMoreInput("x = )"))
    }
}

final class DisplayTests: XCTestCase {
    func testNumbers() {
        XCTAssertEqual(Display.number(0.00498967281), "0.00498967")
        XCTAssertEqual(Display.number(3), "3")
        XCTAssertEqual(Display.number(-.infinity), "-inf")
        XCTAssertEqual(Display.number(.nan), "nan")
        XCTAssertEqual(Display.number(1e-12), "1e-12")
        XCTAssertEqual(Display.number(0.25), "0.25")
        XCTAssertEqual(Display.number(123456789), "1.23457e+08")
        XCTAssertEqual(Display.number(2.0 / 3.0, precision: 3), "0.667")
        XCTAssertEqual(Display.number(-0.0), "0")
    }
    func testTensors() {
        XCTAssertEqual(Display.tensor(Tensor([0.1, 0.2, 0.7])), "[0.1, 0.2, 0.7]")
        XCTAssertEqual(Display.tensor(Tensor(shape: [2, 3], data: [0.1, 0.2, 0.7, 1, 0.05, 0])),
                       "2×3 tensor\n 0.1  0.2   0.7\n 1    0.05  0")
        XCTAssertEqual(Display.tensor(Tensor(shape: [0], data: [])), "[]")
        let long = Tensor((0..<2000).map(Double.init))
        XCTAssertEqual(Display.tensor(long), "[0, 1, 2, …, 1997, 1998, 1999]")
        let cube = Tensor(shape: [2, 1, 2], data: [1, 2, 3, 4])
        XCTAssertEqual(Display.tensor(cube), "2×1×2 tensor\n[0, :, :] =\n 1  2\n\n[1, :, :] =\n 3  4")
    }
    func testMatrixColumnsAlignOnTheDecimalPoint() {
        // as Julia shows [-0.018965 -1.35593; 1.62511 2.0] (docs/reference.md §2.6): the part
        // before the point right-aligned, the rest left-aligned
        XCTAssertEqual(Display.tensor(Tensor(shape: [2, 2], data: [-0.018965, -1.35593, 1.62511, 2])),
                       "2×2 tensor\n -0.018965  -1.35593\n  1.62511    2")
        XCTAssertEqual(Display.tensor(Tensor(shape: [2, 2], data: [1.5, 2, 100, 3.25])), "2×2 tensor\n   1.5  2\n 100    3.25")
        // a column of integers is right-aligned
        XCTAssertEqual(Display.tensor(Tensor(shape: [2, 2], data: [1, 2, 30, 400])), "2×2 tensor\n  1    2\n 30  400")
        // nan and ±inf end where the point would be; an exponent aligns like a point
        XCTAssertEqual(Display.tensor(Tensor(shape: [2, 3], data: [1, -.infinity, .nan, 0.5, 10, 1e-12])),
                       "2×3 tensor\n 1    -inf  nan\n 0.5    10    1e-12")
        // the elision mark of a long column sits with the integer parts
        let long = Tensor(shape: [1001, 1], data: (0...1000).map { Double($0) / 2 })
        XCTAssertEqual(Display.tensor(long), "1001×1 tensor\n   0\n   0.5\n   1\n   ⋮\n 499\n 499.5\n 500")
    }
    func testJSON() {
        XCTAssertEqual(Display.json(.number(0.1)), "0.10000000000000001")
        XCTAssertEqual(Display.json(.number(3)), "3")
        XCTAssertEqual(Display.json(.number(.nan)), "\"nan\"")
        XCTAssertEqual(Display.json(.number(-.infinity)), "\"-inf\"")
        XCTAssertEqual(Display.json(.tensor(Tensor(shape: [2, 2], data: [1, 2, 3, 4]))), "{\"shape\":[2,2],\"data\":[1,2,3,4]}")
        XCTAssertEqual(Display.json(.string("a\"b\n")), "\"a\\\"b\\n\"")
        XCTAssertEqual(Display.json(.bool(true)), "true")
        XCTAssertEqual(Display.json(.none), "null")
        XCTAssertEqual(Display.json(.number(0.0049896736045733263)), "0.0049896736045733263")
        XCTAssertEqual(Double(runLoss("focal([0.9,0.2],[1,0],gamma:2)", json: true).out) ?? 0, 0.0049896736045733263, accuracy: 1e-17)
    }
    func testCaretRendering() {
        let src = "p = [0.9, 0.2]\ny = [1, 0, 1]\nl = focal(p, y, gamma: 2)"
        let (_, e) = runLoss(src)
        guard let err = e else { return XCTFail("expected an error") }
        let text = Diagnostics.render(err, source: src)
        XCTAssertTrue(text.hasPrefix("error: focal:"), text)
        XCTAssertTrue(text.contains("  --> test.loss:3:5\n"), text)
        XCTAssertTrue(text.contains(" 3 | l = focal(p, y, gamma: 2)\n"), text)
        XCTAssertTrue(text.contains("   |     ^^^^^^^^^^^^^^^^^^^^^\n"), text)
    }
}

/// Errors inside functions show the chain of calls (docs/reference.md §6); for loops walk
/// ranges lazily (§2.4).
final class CallChainAndLazyRangeTests: XCTestCase {
    func testErrorInsideFunctionsShowsTheCallChainInnermostFirst() throws {
        let src = "fn inner(p) {\n  focal(p, [1, 0, 1], gamma: 2)\n}\nfn middle(x) = inner(x * 0.5)\nfn top(x) = middle(x)\ntop([0.9, 0.2])"
        let e = try XCTUnwrap(runLoss(src).error)
        XCTAssertEqual(e.span.line, 2)
        XCTAssertEqual(e.callChain.map { "\($0.caller ?? "-") \($0.line):\($0.col)" }, ["middle 4:16", "top 5:13", "- 6:1"])
        let text = Diagnostics.render(e, source: src)
        XCTAssertTrue(text.hasSuffix("""
               = called from middle at test.loss:4:16
               = called from top at test.loss:5:13
               = called from the top level at test.loss:6:1

            """), text)
    }

    func testDeepRecursionElidesTheChain() throws {
        let e = try XCTUnwrap(runLoss("fn f(n) = if n == 0 then nope else f(n - 1)\nf(30)").error)
        XCTAssertEqual(e.callChain.count, LangError.maxCallChain)
        XCTAssertEqual(e.omittedCalls, 31 - LangError.maxCallChain)
        XCTAssertTrue(Diagnostics.render(e, source: "").contains("= … 21 more calls"))
    }

    func testErrorsAtTheTopLevelHaveNoChain() throws {
        XCTAssertEqual(try XCTUnwrap(runLoss("focal([1], [1, 2])").error).callChain, [])
    }

    func testForWalksARangeLazily() {
        // 10^12 values would pass the 2^28-element cap as a tensor; the loop starts at once
        XCTAssertEqual(runLoss("s = 0\nfor i in range(0, 1e12, 1) { if i >= 1000 { break }; s = s + i }\ns").out, "499500")
        XCTAssertEqual(runLoss("for i in range(1, 2, 0.25) { print(i) }").out, "1\n1.25\n1.5\n1.75")
        XCTAssertEqual(runLoss("for i in range(3) { print(i) }").out, "0\n1\n2")
        XCTAssertEqual(runLoss("for i in range(3, 0, -1) { print(i) }").out, "3\n2\n1")
        XCTAssertEqual(runLoss("for i in range(5, 0) { print(i) }\n1").out, "1")
        XCTAssertEqual(runLoss("for i in range(0, 1, 0) {}").error?.message, "range: step must not be 0")
        // a range used as a value stays a tensor, with its size cap
        XCTAssertEqual(runLoss("type(range(3))").out, "tensor")
        XCTAssertTrue(runLoss("x = range(0, 1e12, 1)").error?.message.contains("more than") ?? false)
        // a user's own range is called as usual
        XCTAssertEqual(runLoss("range = n -> [7, 8]\nfor i in range(1) { print(i) }").out, "7\n8")
    }
}
