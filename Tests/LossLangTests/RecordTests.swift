import XCTest
import Foundation
@testable import LossLang
import LossCore

/// Records (docs/reference.md §2.8): literals, fields, assignment, arithmetic, display,
/// JSON, grad and value_and_grad, fields/with, completion.
final class RecordTests: XCTestCase {
    private func out(_ src: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let r = runLoss(src)
        if let e = r.error { XCTFail("unexpected error: \(e.message)", file: file, line: line) }
        return r.out
    }

    private func error(_ src: String, file: StaticString = #filePath, line: UInt = #line) -> LangError? {
        let r = runLoss(src)
        XCTAssertNotNil(r.error, "expected an error from \(src)", file: file, line: line)
        return r.error
    }

    func testParsesRecordLiteralsAndFieldAccess() throws {
        let stmts = try Parser.parse("(w: 1, b: [2, 3],)")
        guard case .expr(.record(let fields, _), _, _)? = stmts.first else { return XCTFail("not a record: \(stmts)") }
        XCTAssertEqual(fields.map(\.name), ["w", "b"])
        guard case .expr(.field(.name("r", _), "w", _, _), _, _)? = try Parser.parse("r.w").first else { return XCTFail("not a field access") }
        // (x) stays a parenthesised expression; 1.5 stays a number
        guard case .expr(.name("x", _), _, _)? = try Parser.parse("(x)").first else { return XCTFail("(x) changed meaning") }
        XCTAssertEqual(try Lexer.tokenize("r.w 1.5 .5").map(\.kind), [.ident("r"), .dot, .ident("w"), .number(1.5), .number(0.5), .eof])
    }

    func testDisplayOneLineAndMultiLine() {
        XCTAssertEqual(out("(w: [0.5, -1], b: 0.25)"), "(w: [0.5, -1], b: 0.25)")
        XCTAssertEqual(out("(name: \"adam\", steps: 3)"), "(name: \"adam\", steps: 3)")
        XCTAssertEqual(out("(a: (b: 1, c: none))"), "(a: (b: 1, c: none))")
        XCTAssertEqual(out("(W: [1, 2; 3, 4], b: 0.5)"), "W:\n  2×2 tensor\n   1  2\n   3  4\nb: 0.5")
        let long = out("(first_field: range(0, 10, 1), second_field: range(0, 10, 1))")
        XCTAssertEqual(long, "first_field: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\nsecond_field: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]")
        // vectors longer than 10 show their ends, as NumPy summarises (a fit's history)
        XCTAssertEqual(out("(h: range(0, 12, 1))"), "(h: [0, 1, 2, …, 9, 10, 11])")
        XCTAssertEqual(out("r = (h: range(0, 12, 1)); r.h"), "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]")
        XCTAssertEqual(out("type((a: 1))"), "record")
    }

    func testJSONIsAnObjectInFieldOrder() {
        let r = runLoss("(w: [1, 2], b: 0.5, s: \"x\", n: none, inner: (k: nan))", json: true)
        XCTAssertNil(r.error)
        XCTAssertEqual(r.out, #"{"w":{"shape":[2],"data":[1,2]},"b":0.5,"s":"x","n":null,"inner":{"k":"nan"}}"#)
    }

    func testFieldAssignmentIsByValue() {
        XCTAssertEqual(out("r = (w: [1, 2], b: 0); q = r; r.w[0] = 7; r.b = 3\nr\nq"), "(w: [7, 2], b: 3)\n(w: [1, 2], b: 0)")
        XCTAssertEqual(out("r = (a: (b: [1, 2])); r.a.b[1] = 5; r.a.b += 1; r"), "(a: (b: [2, 6]))")
        XCTAssertEqual(out("rs = [(w: 1), (w: 2)]; rs[1].w = 9; rs[1].w"), "9")
        XCTAssertEqual(out("fn f(p) { p.w = p.w * 2; p }\nr = (w: 3)\nf(r).w\nr.w"), "6\n3")
    }

    func testUnknownFieldsListTheFieldsWithDidYouMean() throws {
        let e = try XCTUnwrap(error("r = (weight: 1, bias: 2); r.wieght"))
        XCTAssertEqual(e.message, "the record has no field 'wieght'; its fields are weight, bias")
        XCTAssertEqual(e.hint, "did you mean 'weight'?")
        XCTAssertEqual(e.span.col, 29)
        let set = try XCTUnwrap(error("r = (w: 1); r.zz = 2"))
        XCTAssertEqual(set.message, "the record has no field 'zz'; its fields are w")
        XCTAssertEqual(set.hint, "add a field with with(r, zz: value)")
        XCTAssertEqual(error("x = 3; x.w")?.message, "cannot read field 'w' of a number")
        XCTAssertEqual(error("(a: 1, a: 2)")?.message, "field 'a' appears twice in the record")
        XCTAssertEqual(error("(a: 1, 2)")?.message, "expected a field 'name: value' in the record, found 2")
        XCTAssertEqual(error("r.")?.message, "expected a field name after '.', found end of input")
    }

    func testArithmeticFieldByField() {
        XCTAssertEqual(out("p = (w: [1, 2], b: 0.5); p - 0.1 * p"), "(w: [0.9, 1.8], b: 0.45)")
        XCTAssertEqual(out("p = (w: [1, 2], b: 0.5); p + (b: 1, w: [1, 1])"), "(w: [2, 3], b: 1.5)")
        XCTAssertEqual(out("-(w: [1, 2], b: 0.5)"), "(w: [-1, -2], b: -0.5)")
        XCTAssertEqual(out("2 / (a: 4, b: (c: 8))"), "(a: 0.5, b: (c: 0.25))")
        XCTAssertEqual(out("(a: 1) == (a: 1)"), "true")
        let e = error("(w: 1, b: 2) + (w: 1, c: 2)")
        XCTAssertEqual(e?.message, "'+' needs records with the same fields, got (w, b) and (w, c)")
        XCTAssertEqual(e?.hint, "fields 'b', 'c' are in only one of them")
        XCTAssertEqual(error("(w: 1, s: \"a\") * 2")?.message, "in field 's': '*' needs numbers or tensors, got string")
        XCTAssertEqual(error("(w: 1) ^ 2")?.message, "'^' does not apply to records")
    }

    func testGradOfARecordIsARecordOfGradients() {
        // d/dw Σ (2w + b)² = 4(2w + b); d/db = Σ 2(2w + b)
        XCTAssertEqual(out("grad(q -> sum((q.w * 2 + q.b)^2), (w: [1, 2], b: 0.5, name: \"m\"))"),
                       "(w: [10, 18], b: 14, name: none)")
        XCTAssertEqual(out("grad(q -> q.a.b^2 + sum(q.c), (a: (b: 3), c: [1, 2]))"), "(a: (b: 6), c: [1, 1])")
        // a gradient step on a linear model: mse of [1, 2]·w + b against [0, 1] from w = [1, 1], b = 0
        // residuals e = [1, 1]: ∂/∂w = 2/2·e·x = [1, 2], ∂/∂b = 2/2·Σe = 2
        XCTAssertEqual(out("f = q -> mse([1, 2] * q.w + q.b, [0, 1]); p = (w: [1, 1], b: 0); p - 0.5 * grad(f, p)"),
                       "(w: [0.5, 0], b: -1)")
        XCTAssertEqual(error("grad(q -> 1, (s: \"x\"))")?.message, "grad: the record has no number or tensor field to differentiate")
    }

    func testValueAndGrad() {
        XCTAssertEqual(out("value_and_grad(x -> sum(x^2), [1, 2])"), "(value: 5, grad: [2, 4])")
        XCTAssertEqual(out("v = value_and_grad((x, y) -> x * y^2, 2, 3, wrt: 1)\nv.value\nv.grad"), "18\n12")
        XCTAssertEqual(out("value_and_grad(p -> p.a * p.b, (a: 2, b: 5)).grad"), "(a: 5, b: 2)")
    }

    func testFieldsAndWith() {
        XCTAssertEqual(out("fields((w: [1, 2], b: 0))"), "[\"w\", \"b\"]")
        XCTAssertEqual(out("r = (w: 1, b: 0)\nwith(r, b: 3, c: \"new\")\nr"), "(w: 1, b: 3, c: \"new\")\n(w: 1, b: 0)")
        XCTAssertEqual(error("with(1, b: 2)")?.message, "with: r must be a record, got number")
        XCTAssertEqual(error("fields([1])")?.message, "fields: r must be a record, got tensor of shape [2]".replacingOccurrences(of: "[2]", with: "[1]"))
    }

    func testCompletionOfFields() {
        let s = Session()
        _ = s.run("fit = (x: (w: 1, bias: 2), loss: 0.5, history: [1])", file: "t")
        XCTAssertEqual(s.completions(line: "fit.", cursor: 4), ["x", "loss", "history"])
        XCTAssertEqual(s.completions(line: "fit.l", cursor: 5), ["loss"])
        XCTAssertEqual(s.completions(line: "print(fit.x.b", cursor: 13), ["bias"])
        XCTAssertEqual(s.completions(line: "nothing.", cursor: 8), [])
        XCTAssertEqual(s.completions(line: "1.5", cursor: 3), [])
    }
}

/// `load`/`save` of CSV files with a header as records of columns.
final class CSVRecordTests: XCTestCase {
    func testLoadAndSaveARecordOfColumns() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loss-csv-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("iris.csv").path
        try "sepal_length,sepal width,species\n5.1,3.5,setosa\n4.9,3,setosa\n".write(toFile: path, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out.csv").path
        let r = runLoss("""
            d = load("\(path)")
            d.sepal_length
            d.species
            fields(d)
            save(with(d, ratio: d.sepal_length / d.sepal_width), "\(out)")
            load("\(out)").ratio == d.sepal_length / d.sepal_width
            """)
        XCTAssertNil(r.error)
        XCTAssertEqual(r.out, "[5.1, 4.9]\n[\"setosa\", \"setosa\"]\n[\"sepal_length\", \"sepal_width\", \"species\"]\n[1, 1]")
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8),
                       "sepal_length,sepal_width,species,ratio\n5.1,3.5,setosa,1.457142857142857\n4.9,3,setosa,1.6333333333333335\n")
        // a headerless file is still a matrix
        try "1,2\n3,4\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(runLoss("load(\"\(path)\")").out, "2×2 tensor\n 1  2\n 3  4")
        XCTAssertEqual(runLoss("save((a: [1, 2]), \"\(dir.path)/x.npy\")").error?.message,
                       "save: a record is saved as a .csv of named columns; use a path ending in .csv")
    }
}
