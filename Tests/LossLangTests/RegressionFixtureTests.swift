import Foundation
import XCTest
import LossCore
@testable import LossLang

/// Runs Fixtures/regression.json (torch float64 references, Scripts/gen_fixtures_regression.py)
/// through the registry entries of the regression and segmentation losses, and checks
/// their help examples. The generic LossFixtureTests runs the same file with every other family.
final class RegressionFixtureTests: XCTestCase {
    final class NoCaller: FunctionCaller {
        func call(_ f: Function, _ args: [Value]) throws -> Value {
            throw CoreError("no interpreter in RegressionFixtureTests")
        }
    }

    let caller = NoCaller()

    /// A fixture ARG: number | bool | string | null | {"shape", "data"}; "nan", "inf", "-inf" are numbers.
    enum Arg: Decodable {
        case value(Value)

        struct TensorArg: Decodable { let shape: [Int]; let data: [Num] }
        struct Num: Decodable {
            let x: Double
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let d = try? c.decode(Double.self) { x = d; return }
                switch try c.decode(String.self) {
                case "nan": x = .nan
                case "inf": x = .infinity
                case "-inf": x = -.infinity
                case let s: throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a number: \(s)")
                }
            }
        }

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .value(.none) }
            else if let b = try? c.decode(Bool.self) { self = .value(.bool(b)) }
            else if let d = try? c.decode(Double.self) { self = .value(.number(d)) }
            else if let s = try? c.decode(String.self) {
                switch s {
                case "nan": self = .value(.number(.nan))
                case "inf": self = .value(.number(.infinity))
                case "-inf": self = .value(.number(-.infinity))
                default: self = .value(.string(s))
                }
            } else {
                let t = try c.decode(TensorArg.self)
                self = .value(.tensor(Tensor(shape: t.shape, data: t.data.map(\.x))))
            }
        }

        var v: Value { if case .value(let x) = self { return x }; return .none }
    }

    struct Case: Decodable {
        let name: String
        let fn: String
        let args: [Arg]
        let kwargs: [String: Arg]
        let expected: Arg?
        let error: String?
        let rtol: Double?
    }

    struct File: Decodable { let cases: [Case] }

    func loadCases() throws -> [Case] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "regression", withExtension: "json", subdirectory: "Fixtures")
            ?? Bundle.module.url(forResource: "regression", withExtension: "json"))
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }

    func close(_ a: Double, _ e: Double, _ rtol: Double) -> Bool {
        if e.isNaN { return a.isNaN }
        if e.isInfinite { return a == e }
        return Swift.abs(a - e) <= Swift.max(rtol * Swift.abs(e), 1e-12)
    }

    func testFixtures() throws {
        let cases = try loadCases()
        XCTAssertGreaterThan(cases.count, 500)
        var failures = 0
        for c in cases {
            let name = c.name
            guard let builtin = Registry.standard[c.fn] else {
                XCTFail("\(name): unknown built-in \(c.fn)"); failures += 1; continue
            }
            let args = c.args.map(\.v)
            let kwargs = c.kwargs.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value.v) }
            let rtol = c.rtol ?? 1e-10
            if let fragment = c.error {
                do {
                    let r = try builtin.impl(builtin.bind(positional: args, keywords: kwargs, caller: caller))
                    XCTFail("\(name): expected an error containing \"\(fragment)\", got \(Display.text(r))"); failures += 1
                } catch let e as CoreError {
                    if !e.message.contains(fragment) {
                        XCTFail("\(name): error \"\(e.message)\" does not contain \"\(fragment)\""); failures += 1
                    }
                } catch {
                    XCTFail("\(name): unexpected error \(error)"); failures += 1
                }
                continue
            }
            let got: Value
            do {
                got = try builtin.impl(builtin.bind(positional: args, keywords: kwargs, caller: caller))
            } catch {
                XCTFail("\(name): threw \(error)"); failures += 1; continue
            }
            guard let want = c.expected?.v else { XCTFail("\(name): no expected value"); failures += 1; continue }
            switch (got, want) {
            case (.number(let a), .number(let e)):
                if !close(a, e, rtol) { XCTFail("\(name): got \(a), expected \(e)"); failures += 1 }
            case (.tensor(let a), .tensor(let e)):
                if a.shape != e.shape {
                    XCTFail("\(name): shape \(formatShape(a.shape)), expected \(formatShape(e.shape))"); failures += 1
                } else if let i = a.data.indices.first(where: { !close(a.data[$0], e.data[$0], rtol) }) {
                    XCTFail("\(name): element \(i) is \(a.data[i]), expected \(e.data[i])"); failures += 1
                }
            default:
                XCTFail("\(name): got \(got.typeName), expected \(want.typeName)"); failures += 1
            }
        }
        XCTAssertEqual(failures, 0)
    }

    /// The examples of the help, as calls (the source text of each example is the call below).
    func testHelpExamples() throws {
        let t = { (xs: [Double]) in Value.tensor(Tensor(xs)) }
        let m = { (rows: [[Double]]) in Value.tensor(Tensor(shape: [rows.count, rows[0].count], data: rows.flatMap { $0 })) }
        let calls: [(String, [Value], [(name: String, value: Value)])] = [
            ("mae", [t([2.5, 0, 2, 8]), t([3, -0.5, 2, 7])], []),
            ("mse", [t([2.5, 0, 2, 8]), t([3, -0.5, 2, 7])], []),
            ("rmse", [t([2.5, 0, 2, 8]), t([3, -0.5, 2, 7])], []),
            ("huber", [t([0.5, 2, -3]), t([0, 0, 0])], [("delta", .number(1)), ("reduction", .string("none"))]),
            ("smooth_l1", [t([0.5, 2, -3]), t([0, 0, 0])], [("beta", .number(2)), ("reduction", .string("none"))]),
            ("log_cosh", [t([0, 1, 1000]), t([0, 0, 0])], [("reduction", .string("none"))]),
            ("poisson_nll", [t([0.5, 1, 2]), t([1, 2, 5])], []),
            ("gaussian_nll", [t([1, 2, 3]), t([1.5, 2, 2]), t([0.5, 1, 2])], []),
            ("dice", [m([[0.9, 0.8, 0.1], [0.2, 0.1, 0.9]]), m([[1, 1, 0], [0, 0, 1]])], [("reduction", .string("none"))]),
            ("dice_score", [t([0.9, 0.8, 0.1, 0.2]), t([1, 1, 0, 0])], []),
            ("tversky", [t([0.9, 0.8, 0.1, 0.2]), t([1, 1, 0, 0])], [("alpha", .number(0.3)), ("beta", .number(0.7))]),
        ]
        for (name, pos, kw) in calls {
            let b = try XCTUnwrap(Registry.standard[name], name)
            // the example's text is this call
            let kwText = kw.map { "\($0.name): \(Display.literal($0.value))" }
            let posText = pos.map { v -> String in
                if case .tensor(let x) = v, x.rank == 2 {
                    return "[" + (0..<x.shape[0]).map { r in
                        "[" + (0..<x.shape[1]).map { Display.number(x.data[r * x.shape[1] + $0]) }.joined(separator: ", ") + "]"
                    }.joined(separator: ", ") + "]"
                }
                return Display.text(v)
            }
            XCTAssertEqual(b.example, "\(name)(\((posText + kwText).joined(separator: ", ")))")
            let out = try b.impl(b.bind(positional: pos, keywords: kw, caller: caller))
            XCTAssertEqual(Display.text(out), b.exampleOutput, name)
            XCTAssertEqual(b.group, ["dice", "dice_score", "tversky"].contains(name) ? .segmentation : .regression)
            XCTAssertNotNil(b.formula); XCTAssertNotNil(b.reference); XCTAssertNotNil(b.notes)
            XCTAssertTrue(b.params.contains { $0.name == "reduction" }, name)
        }
        XCTAssertTrue(Registry.standard["l1"] === Registry.standard["mae"])
        XCTAssertTrue(Registry.standard["l2"] === Registry.standard["mse"])
    }

    func testErrorsAreInUserTerms() throws {
        let b = try XCTUnwrap(Registry.standard["mse"])
        let args = try b.bind(positional: [.tensor(Tensor([1, 2])), .tensor(Tensor([1, 2, 3]))], keywords: [], caller: caller)
        XCTAssertThrowsError(try b.impl(args)) { e in
            XCTAssertEqual((e as? CoreError)?.message, "mse: pred and y must have the same shape (or shapes that broadcast), got [2] and [3]")
        }
        let h = try XCTUnwrap(Registry.standard["huber"])
        let bad = try h.bind(positional: [.number(1), .number(0)], keywords: [(name: "reduction", value: .string("avg"))], caller: caller)
        XCTAssertThrowsError(try h.impl(bad)) { e in
            XCTAssertEqual((e as? CoreError)?.message, "huber: reduction must be one of \"mean\", \"sum\", \"none\", got \"avg\"")
        }
    }
}
