import Foundation
import XCTest
import LossCore
@testable import LossLang

/// The options of docs/reference.md §4.6 beyond what the shared fixture runners check: the
/// values and gradients of Fixtures/options.json (Scripts/gen_fixtures_options.py: Keras 3 through
/// a float64 port checked against Keras itself, pytorch-metric-learning SupConLoss, torch) run in
/// LossFixtureTests and GradFixtureTests like every fixture file; here, that the file covers every
/// loss with `sample_weight:`, the losses no library serves as a reference for, and the rules
/// the options promise (alignment from axis 0, no gradient for weights, ntxent's labels).
final class OptionFixtureTests: XCTestCase {
    typealias F = LossFixtureTests

    /// Losses with sample_weight: and no case in options.json (sparsemax_loss: its reference is a
    /// torch port of optax in gen_fixtures_ported.py, which runs on import); checked below as
    /// Σ w·(their "none", itself checked by ported.json) ÷ N, with four losses that have cases.
    static let definitionOnly: Set<String> = ["sparsemax_loss"]

    func optionCases() throws -> [F.Case] {
        guard let url = try F.fixtureFiles().first(where: { $0.lastPathComponent == "options.json" }) else {
            XCTFail("no options.json fixture")
            return []
        }
        return try F.loadCases(url)
    }

    func testFixturesCoverEveryOption() throws {
        let cases = try optionCases()
        XCTAssertGreaterThanOrEqual(cases.count, 250)
        let weighted = Set(cases.filter { $0.kwargs.contains { $0.name == "sample_weight" } }.map(\.fn))
        let withParam = Registry.standard.all.filter { $0.params.contains { $0.name == "sample_weight" } }.map(\.name)
        XCTAssertGreaterThanOrEqual(withParam.count, 40)
        for name in withParam where !Self.definitionOnly.contains(name) {
            XCTAssertTrue(weighted.contains(name), "\(name) has sample_weight: but no case in options.json")
        }
        XCTAssertGreaterThanOrEqual(cases.filter { $0.fn == "focal" && $0.kwargs.contains { $0.name == "label_smoothing" } }.count, 40)
        XCTAssertGreaterThanOrEqual(cases.filter { $0.fn == "ntxent" && $0.kwargs.contains { $0.name == "labels" } }.count, 10)
    }

    /// Every loss that lists sample_weight: gives it a meaning: its help example with weight 0 is 0.
    func testEveryLossWithSampleWeightUsesIt() throws {
        for b in Registry.standard.all where b.params.contains(where: { $0.name == "sample_weight" }) {
            guard b.example.hasSuffix(")"), !b.example.contains("sample_weight") else { continue }
            let src = "out = " + b.example.dropLast() + ", sample_weight: 0)\nsum(abs(out))"
            let (out, err) = runLoss(src)
            XCTAssertNil(err, "\(b.name): \(String(describing: err))")
            XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines), "0", "\(b.name): \(src)")
        }
    }

    /// The losses without a library reference: sample_weight: is Σ w·ℓ ÷ N over their per-sample
    /// losses (reduction "none", checked against references in embedding.json and ported.json),
    /// "sum" Σ w·ℓ, "none" w·ℓ, and the gradients are those of that expression.
    func testSampleWeightsFollowTheDefinition() throws {
        let setups = [
            ("ge2e", "e = [[[1, 0.2], [0.8, 0.1], [0.9, 0.4]], [[0.1, 1], [0.3, 0.7], [-0.2, 0.9]]]\nw = [0.5, 2]\nwr = [[0.5], [2]]",
             "ge2e(e, #)", "e"),
            ("arcface", "e = [[1, 0.2], [0.3, 0.9], [-0.5, 0.4]]\nW = [[1, 0], [0, 1], [-1, 0.5]]\ny = [0, 1, 2]\nw = [0.5, 2, 1.25]",
             "arcface(e, W, y, s: 4, m: 0.3, #)", "e"),
            ("sphereface", "e = [[1, 0.2], [0.3, 0.9], [-0.5, 0.4]]\nW = [[1, 0], [0, 1], [-1, 0.5]]\ny = [0, 1, 2]\nw = [0.5, 2, 1.25]",
             "sphereface(e, W, y, #)", "e"),
            ("listmle", "e = [[3, 1, 2], [0.5, 0.2, 0.1], [1, 2, 0]]\nr = [[2, 0, 1], [0, 1, 2], [1, 1, 0]]\nw = [0.5, 2, 1.25]",
             "listmle(e, r, #)", "e"),
            ("sparsemax_loss", "e = [[0.5, 0.6, 0.2], [2, 0, 0], [0.1, 0.3, 0.2]]\ny = [0, 0, 2]\nw = [0.5, 2, 1.25]",
             "sparsemax_loss(e, y, #)", "e"),
        ]
        for (name, setup0, call, x) in setups {
            func c(_ args: String) -> String { call.replacingOccurrences(of: "#", with: args) }
            // wr: the weights as the per-sample losses' shape needs them for NumPy broadcasting
            let setup = setup0 + (setup0.contains("wr =") ? "" : "\nwr = w") + "\nn = size(\(c("reduction: \"none\"")))"
            let checks = [
                (c("sample_weight: w"), "sum(wr * \(c("reduction: \"none\""))) / n"),
                (c("sample_weight: w, reduction: \"sum\""), "sum(wr * \(c("reduction: \"none\"")))"),
                (c("sample_weight: w, reduction: \"none\""), "wr * \(c("reduction: \"none\""))"),
                ("grad(\(x) -> \(c("sample_weight: w")), \(x))", "grad(\(x) -> sum(wr * \(c("reduction: \"none\""))) / n, \(x))"),
            ]
            for (got, want) in checks {
                let src = setup + "\nd = \(got) - (\(want))\nmax(abs([d]))"
                let (out, err) = runLoss(src)
                XCTAssertNil(err, "\(name): \(String(describing: err)) in\n\(src)")
                guard let dev = Double(out.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                    XCTFail("\(name): \(out) in\n\(src)"); continue
                }
                XCTAssertLessThan(dev, 1e-12, "\(name): \(got) vs \(want)")
            }
        }
    }

    /// A vector of N weights weights the rows of [N, D] (Keras), not the columns (NumPy broadcasting
    /// from the right), even when N == D; a weight of the per-sample losses' shape weights each.
    func testWeightsAlignFromAxisZero() {
        let src = """
            p = [[1, 2], [3, 5]]
            y = [[1, 1], [2, 2]]
            [mse(p, y, sample_weight: [1, 0]), mse(p, y, sample_weight: [[1, 0], [1, 0]]), mse(p, y, sample_weight: [[1], [0]])]
            """
        let (out, err) = runLoss(src)
        XCTAssertNil(err)
        // rows: (0 + 1)/4; columns: (0 + 1)/4 as well here — so compare with the second row weighted
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines), "[0.25, 0.25, 0.25]")
        let (out2, err2) = runLoss("mse([[1, 2], [3, 5]], [[1, 1], [2, 2]], sample_weight: [0, 1])")
        XCTAssertNil(err2)
        XCTAssertEqual(out2.trimmingCharacters(in: .whitespacesAndNewlines), "2.5")   // (1 + 9)/4: the second row
        let (_, bad) = runLoss("mse([[1, 2], [3, 5]], [[1, 1], [2, 2]], sample_weight: [[1, 0, 1]])")
        XCTAssertTrue(bad?.message.contains("sample_weight has shape [1, 3]") ?? false, String(describing: bad))
    }

    func testSampleWeightHasNoGradient() {
        let (_, err) = runLoss("w = [1.0, 2]\ngrad(s -> mse([[1, 2], [3, 5]], [[1, 1], [2, 2]], sample_weight: s), w)")
        XCTAssertTrue(err?.message.contains("sample_weight is a constant of the loss and has no gradient") ?? false,
                      String(describing: err))
    }

    /// ntxent with one label per pair, all distinct, is ntxent itself (each anchor's only positive
    /// is its other view), values and gradients, whenever no anchor's loss is 0.
    func testNtxentWithDistinctLabelsIsNtxent() {
        let setup = "a = [[1, 0.2, -0.3], [0.1, 1, 0.4], [0.6, 0.8, 0], [-0.2, 0.3, 1]]\n"
            + "b = [[0.9, 0.1, -0.2], [0.2, 0.8, 0.5], [0.8, 0.6, 0.1], [0, 0.2, 0.9]]\nl = [3, 1, 0, 2]\n"
        for (got, want) in [
            ("ntxent(a, b, labels: l, temperature: 0.3)", "ntxent(a, b, temperature: 0.3)"),
            ("ntxent(a, b, labels: l, reduction: \"none\")", "ntxent(a, b, reduction: \"none\")"),
            ("grad(z -> ntxent(z, b, labels: l, temperature: 0.3), a)", "grad(z -> ntxent(z, b, temperature: 0.3), a)"),
            ("grad(z -> ntxent(a, z, labels: l, reduction: \"sum\"), b)", "grad(z -> ntxent(a, z, reduction: \"sum\"), b)"),
            ("grad(t -> ntxent(a, b, labels: l, temperature: t), 0.3)", "grad(t -> ntxent(a, b, temperature: t), 0.3)"),
            // and, with any labels, supcon over both views
            ("ntxent(a, b, labels: [0, 1, 0, 1], temperature: 0.5)", "supcon(concat(a, b), concat([0, 1, 0, 1], [0, 1, 0, 1]), temperature: 0.5)"),
            ("grad(z -> ntxent(z, b, labels: [0, 1, 0, 1]), a)", "grad(z -> supcon(concat(z, b), concat([0, 1, 0, 1], [0, 1, 0, 1])), a)"),
        ] {
            let (out, err) = runLoss(setup + "max(abs([\(got) - \(want)]))")
            XCTAssertNil(err, "\(got): \(String(describing: err))")
            XCTAssertLessThan(Double(out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 1, 1e-12, got)
        }
    }

    /// label_smoothing: 0 is focal itself; with class indices, ε = 1 gives the uniform target.
    func testFocalSmoothingEdges() {
        let (out, err) = runLoss("""
            x = [[2, 1, 0.1], [0.5, 2.5, 0.3]]
            a = focal(x, [0, 1], label_smoothing: 0, logits: true) - focal(x, [0, 1], logits: true)
            b = focal(x, [0, 1], label_smoothing: 1, logits: true) - focal(x, [2, 0], label_smoothing: 1, logits: true)
            [a, b]
            """)
        XCTAssertNil(err)
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines), "[0, 0]")
        let (_, bad) = runLoss("focal([[0.2, 0.8]], [1], label_smoothing: -0.1)")
        XCTAssertTrue(bad?.message.contains("label_smoothing must be in [0, 1], got -0.1") ?? false, String(describing: bad))
    }
}
