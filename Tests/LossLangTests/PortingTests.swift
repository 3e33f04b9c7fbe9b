import Foundation
import XCTest
import LossCore
@testable import LossLang

/// The porting table (Sources/LossLang/Porting.swift, docs/coming-from.md): each row's `loss`
/// expression, evaluated on the inputs of Fixtures/porting/rows.json, must give the number the
/// other library computed on them (Scripts/gen_fixtures_porting.py runs torch, Keras, optax,
/// sentence-transformers, pytorch-metric-learning, MONAI, smp, SciPy and scikit-learn).
final class PortingTests: XCTestCase {
    typealias F = LossFixtureTests

    struct Case { let id: String; let inputs: [String: F.JSON]; let expected: F.JSON }

    static func cases() throws -> [Case] {
        guard let dir = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else { throw F.FixtureError.malformed("no Fixtures") }
        let url = dir.appendingPathComponent("porting").appendingPathComponent("rows.json")
        let root = try JSONDecoder().decode(F.JSON.self, from: Data(contentsOf: url))
        guard case .array(let raw)? = root["rows"] else { throw F.FixtureError.malformed("rows.json: no \"rows\"") }
        return try raw.enumerated().map { i, r in
            guard case .string(let id)? = r["id"], case .object(let inputs)? = r["inputs"], let expected = r["expected"] else {
                throw F.FixtureError.malformed("rows.json #\(i): needs id, inputs, expected")
            }
            return Case(id: id, inputs: inputs, expected: expected)
        }
    }

    func testEveryRowGivesTheLibrarysNumber() throws {
        let cases = try Self.cases()
        let rows = Dictionary(uniqueKeysWithValues: Porting.rows.map { ($0.id, $0) })
        XCTAssertEqual(rows.count, Porting.rows.count, "duplicate row ids")
        for row in Porting.rows {
            XCTAssertTrue(cases.contains { $0.id == row.id }, "\(row.id): no fixture case (run Scripts/gen_fixtures_porting.py)")
            XCTAssertTrue(Porting.libraries.contains(row.library), "\(row.id): unknown library \(row.library)")
            XCTAssertFalse(row.calledNames(Registry.standard).isEmpty, "\(row.id): calls no built-in")
        }
        XCTAssertGreaterThanOrEqual(cases.count, 80)
        for (i, c) in cases.enumerated() {
            guard let row = rows[c.id] else { XCTFail("fixture case #\(i) \(c.id) has no row in Porting.rows"); continue }
            let session = Session(precision: 17)
            for (name, json) in c.inputs {
                session.interp.globals[session.interp.globalSlot(name)] = try F.value(json, "\(c.id).\(name)")
            }
            var result: Value? = nil
            session.onOutput = { if case .value(let v, _) = $0 { result = v } }
            if let err = session.run(row.ours, file: "<\(row.id)>") {
                XCTFail("\(row.id): \(row.ours) failed: \(err.message)"); continue
            }
            guard let v = result else { XCTFail("\(row.id): \(row.ours) displayed nothing"); continue }
            if let why = F.compare(v, c.expected, 1e-10) { XCTFail("\(row.id) (\(row.library) \(row.theirs)) → \(row.ours): \(why)") }
        }
    }

    /// docs/coming-from.md is generated from the rows (`python3 Scripts/update_readme.py`).
    func testComingFromPageIsCurrent() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let page = try String(contentsOf: root.appendingPathComponent("docs/coming-from.md"), encoding: .utf8)
        XCTAssertEqual(page, Porting.markdown(Registry.standard), "docs/coming-from.md is stale: run python3 Scripts/update_readme.py")
    }

    /// `help` of a loss lists the rows that use it.
    func testHelpListsTheRows() throws {
        guard let ce = Registry.standard["cross_entropy"] else { return XCTFail("no cross_entropy") }
        let text = Help.text(for: ce)
        XCTAssertTrue(text.contains("Coming from other libraries"), text)
        XCTAssertTrue(text.contains("F.cross_entropy(x, t)\n    → cross_entropy(x, t, logits: true)"), text)
        XCTAssertTrue(text.contains("Keras: CategoricalCrossentropy()(Y, P)"), text)
    }
}
