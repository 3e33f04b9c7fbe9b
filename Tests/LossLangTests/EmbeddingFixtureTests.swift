import Foundation
import XCTest
import LossCore
@testable import LossLang

/// Runs Fixtures/embedding.json (torch float64 references from Scripts/gen_fixtures_embedding.py:
/// torch, info-nce-pytorch, sentence-transformers, pytorch-metric-learning, insightface's formulas)
/// through the registry entries of docs/reference.md §4.3, and checks every help example against the
/// `example/<fn>` cases (same call, display text computed by the script).
final class EmbeddingFixtureTests: XCTestCase {
    let caller = NoCaller()

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

    /// ARG = number | bool | string | null | {"shape", "data"}; "nan", "inf", "-inf" are numbers.
    struct Arg: Decodable {
        let v: Value
        struct TensorArg: Decodable { let shape: [Int]; let data: [Num] }
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { v = .none }
            else if let b = try? c.decode(Bool.self) { v = .bool(b) }
            else if let d = try? c.decode(Double.self) { v = .number(d) }
            else if let s = try? c.decode(String.self) {
                switch s {
                case "nan": v = .number(.nan)
                case "inf": v = .number(.infinity)
                case "-inf": v = .number(-.infinity)
                default: v = .string(s)
                }
            } else {
                let t = try c.decode(TensorArg.self)
                v = .tensor(Tensor(shape: t.shape, data: t.data.map(\.x)))
            }
        }
    }

    struct Case: Decodable {
        let name: String
        let fn: String
        let args: [Arg]
        let kwargs: [String: Arg]
        let expected: Arg?
        let error: String?
        let rtol: Double?
        let example: String?
        let display: String?
    }

    struct File: Decodable { let cases: [Case] }

    static let embeddingLosses = ["triplet", "contrastive", "margin_ranking", "cosine_embedding", "infonce", "ntxent",
                                  "mnr", "ge2e", "arcface", "cosface", "sphereface", "center_loss"]

    func loadCases() throws -> [Case] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "embedding", withExtension: "json", subdirectory: "Fixtures")
            ?? Bundle.module.url(forResource: "embedding", withExtension: "json"))
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }

    func run(_ c: Case) throws -> Value {
        let builtin = try XCTUnwrap(Registry.standard[c.fn], "\(c.name): unknown built-in \(c.fn)")
        let kwargs = c.kwargs.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value.v) }
        return try builtin.impl(builtin.bind(positional: c.args.map(\.v), keywords: kwargs, caller: caller))
    }

    struct GradCase: Decodable {
        let name: String
        let fn: String
        let args: [Arg]
        let kwargs: [String: Arg]
        let upstream: Arg
        let expected: [String: Arg]
    }

    struct GradFile: Decodable { let grad_cases: [GradCase] }

    func loadGradCases() throws -> [GradCase] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "embedding", withExtension: "json", subdirectory: "Fixtures")
            ?? Bundle.module.url(forResource: "embedding", withExtension: "json"))
        return try JSONDecoder().decode(GradFile.self, from: Data(contentsOf: url)).grad_cases
    }

    /// The registry's gradient rules against torch autograd (d(upstream·loss)/d input, hyperparameters included).
    func testGradientRules() throws {
        let cases = try loadGradCases()
        XCTAssertGreaterThan(cases.count, 90)
        var failures = 0
        var seen = Set<String>()
        for c in cases {
            seen.insert(c.fn)
            let b = try XCTUnwrap(Registry.standard[c.fn])
            let rule = try XCTUnwrap(b.backward, "\(c.fn) has no gradient rule")
            let kwargs = c.kwargs.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value.v) }
            let args = try b.bind(positional: c.args.map(\.v), keywords: kwargs, caller: caller)
            let out = try XCTUnwrap(try b.impl(args).asTensor)
            let up = try XCTUnwrap(c.upstream.v.asTensor)
            let grads = try rule(args, out, up)
            for (param, want) in c.expected {
                guard let got = grads[param], let w = want.v.asTensor else {
                    XCTFail("\(c.name): no gradient for \(param)"); failures += 1; continue
                }
                if got.count != w.count || (w.rank > 0 && got.shape != w.shape) {
                    XCTFail("\(c.name): gradient for \(param) has shape \(formatShape(got.shape)), expected \(formatShape(w.shape))")
                    failures += 1; continue
                }
                let scale = w.data.map { Swift.abs($0) }.max() ?? 0
                if let i = got.data.indices.first(where: { Swift.abs(got.data[$0] - w.data[$0]) > Swift.max(1e-9 * Swift.abs(w.data[$0]), 1e-11 * Swift.max(scale, 1)) }) {
                    XCTFail("\(c.name): d/d\(param)[\(i)] is \(got.data[i]), expected \(w.data[i])"); failures += 1
                }
            }
        }
        XCTAssertEqual(seen, Set(Self.embeddingLosses))
        XCTAssertEqual(failures, 0)
    }

    /// `grad` in the language reaches the rules: d triplet / d anchor through the interpreter.
    func testGradThroughTheInterpreter() throws {
        let c = try XCTUnwrap(try loadGradCases().first { $0.name == "grad/triplet/p2/swap1/mean" })
        let kw = c.kwargs.sorted { $0.key < $1.key }.map { "\($0.key): \(literal($0.value.v, precision: 17))" }
        let src = "grad(x -> triplet(x, \(literal(c.args[1].v, precision: 17)), \(literal(c.args[2].v, precision: 17)), "
            + "\(kw.joined(separator: ", "))), \(literal(c.args[0].v, precision: 17)))"
        let session = Session(precision: 17)
        var shown: [Value] = []
        session.onOutput = { if case .value(let v, _) = $0 { shown.append(v) } }
        if let err = session.run(src, file: "<grad>") { XCTFail("\(src): \(err)"); return }
        let got = try XCTUnwrap(shown.first?.asTensor)
        let want = try XCTUnwrap(c.expected["anchor"]?.v.asTensor)
        XCTAssertEqual(got.shape, want.shape)
        for (x, y) in zip(got.data, want.data) { XCTAssertEqual(x, y, accuracy: 1e-9 * Swift.max(1, Swift.abs(y))) }
    }

    /// How a fixture argument is written in an example: `[[1, 0], [0, 1]]`, `0.5`, `"none"`.
    func literal(_ v: Value, precision: Int = 6) -> String {
        if case .number(let x) = v { return Display.number(x, precision: precision) }
        guard case .tensor(let t) = v else { return Display.literal(v) }
        func nest(_ dim: Int, _ offset: Int) -> String {
            let n = t.shape[dim]
            if dim == t.rank - 1 {
                return "[" + (0..<n).map { Display.number(t.data[offset + $0], precision: precision) }.joined(separator: ", ") + "]"
            }
            let stride = t.shape[(dim + 1)...].reduce(1, *)
            return "[" + (0..<n).map { nest(dim + 1, offset + $0 * stride) }.joined(separator: ", ") + "]"
        }
        return nest(0, 0)
    }

    func testHelpExamples() throws {
        let cases = try loadCases().filter { $0.name.hasPrefix("example/") }
        XCTAssertEqual(Set(cases.map(\.fn)), Set(Self.embeddingLosses))
        for c in cases {
            let b = try XCTUnwrap(Registry.standard[c.fn])
            let src = try XCTUnwrap(c.example)
            // the case is the example's call: same source text
            let kwOrder = b.params.map(\.name)
            let kw = c.kwargs.sorted { (kwOrder.firstIndex(of: $0.key) ?? 0) < (kwOrder.firstIndex(of: $1.key) ?? 0) }
            let text = c.args.map { literal($0.v) } + kw.map { "\($0.key): \(literal($0.value.v))" }
            XCTAssertEqual(src, "\(c.fn)(\(text.joined(separator: ", ")))", c.name)
            XCTAssertEqual(b.example, src, c.name)
            XCTAssertEqual(b.exampleOutput, c.display, c.name)
            XCTAssertEqual(Display.text(try run(c)), b.exampleOutput, c.name)
        }
    }

    func testRegistryEntries() throws {
        for name in Self.embeddingLosses {
            let b = try XCTUnwrap(Registry.standard[name], name)
            XCTAssertEqual(b.group, .embedding, name)
            XCTAssertNotNil(b.formula, name)
            XCTAssertNotNil(b.reference, name)
            XCTAssertNotNil(b.notes, name)
            XCTAssertFalse(b.summary.isEmpty, name)
            let year = (b.reference ?? "").range(of: #"(19|20)[0-9]{2}"#, options: .regularExpression)
            XCTAssertNotNil(year, "\(name): reference should name the paper's year")
            let red = try XCTUnwrap(b.params.first { $0.name == "reduction" }, name)
            XCTAssertEqual(Display.literal(red.defaultValue ?? .none), "\"mean\"", name)
            for p in b.params { XCTAssertFalse(p.doc.isEmpty, "\(name).\(p.name) has no doc") }
        }
        XCTAssertTrue(Registry.standard["multiple_negatives_ranking"] === Registry.standard["mnr"])
        // docs/reference.md §4.3 signatures and defaults
        let sigs = [
            "triplet": "triplet(anchor, positive, negative, margin: 1, norm: 2, swap: false, squared: false, distance: \"euclidean\", sample_weight: none, reduction: \"mean\")",
            "contrastive": "contrastive(x1, x2, y, margin: 1, similar: 0, distance: \"euclidean\", sample_weight: none, reduction: \"mean\")",
            "margin_ranking": "margin_ranking(x1, x2, y, margin: 0, sample_weight: none, reduction: \"mean\")",
            "cosine_embedding": "cosine_embedding(x1, x2, y, margin: 0, sample_weight: none, reduction: \"mean\")",
            "infonce": "infonce(query, positive, negatives: none, temperature: 0.1, negative_mode: \"unpaired\", sample_weight: none, reduction: \"mean\")",
            "ntxent": "ntxent(z1, z2, temperature: 0.1, labels: none, reduction: \"mean\")",
            "mnr": "mnr(anchor, positive, negatives: none, scale: 20, symmetric: false, sample_weight: none, reduction: \"mean\")",
            "ge2e": "ge2e(e, speakers: none, method: \"softmax\", w: 10, b: -5, sample_weight: none, reduction: \"mean\")",
            "arcface": "arcface(x, W, y, s: 64, m: 0.5, easy_margin: false, sample_weight: none, reduction: \"mean\")",
            "cosface": "cosface(x, W, y, s: 64, m: 0.35, sample_weight: none, reduction: \"mean\")",
            "sphereface": "sphereface(x, W, y, m: 4, sample_weight: none, reduction: \"mean\")",
            "center_loss": "center_loss(x, centers, y, sample_weight: none, reduction: \"mean\")",
        ]
        for (name, sig) in sigs { XCTAssertEqual(Registry.standard[name]?.signature, sig) }
    }

    func testErrorsCarryHints() throws {
        let mr = try XCTUnwrap(Registry.standard["margin_ranking"])
        let args = try mr.bind(positional: [.tensor(Tensor([1, 2])), .tensor(Tensor([2, 1])), .tensor(Tensor([1, 0]))],
                               keywords: [], caller: caller)
        XCTAssertThrowsError(try mr.impl(args)) { e in
            let ce = e as? CoreError
            XCTAssertEqual(ce?.message, "margin_ranking: y must hold labels -1 or +1, got 0 at position 1")
            XCTAssertTrue(ce?.hint?.contains("2*y - 1") ?? false)
        }
        let inf = try XCTUnwrap(Registry.standard["infonce"])
        let q = Value.tensor(Tensor(shape: [2, 3], data: [1, 0, 0, 0, 1, 0]))
        let neg = Value.tensor(Tensor(shape: [2, 4, 3], data: [Double](repeating: 0.5, count: 24)))
        let a2 = try inf.bind(positional: [q, q, neg], keywords: [], caller: caller)
        XCTAssertThrowsError(try inf.impl(a2)) { e in
            XCTAssertTrue((e as? CoreError)?.hint?.contains("negative_mode: \"paired\"") ?? false)
        }
    }
}
