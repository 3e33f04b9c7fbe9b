import XCTest
import LossCore
@testable import LossLang

/// How gradient rules are attached (CoreGradients.swift) and how a loss's rule is told what to
/// differentiate (LossParams.swift `trackedParams`): one way for every family.
final class LossWiringTests: XCTestCase {
    /// Every rule of CoreGradients.swift names a built-in the other installers define (a
    /// misspelled name would otherwise leave its built-in without a gradient).
    func testEveryCoreGradientRuleNamesABuiltin() {
        let r = Registry()
        for install in Registry.installers { install(r) }
        let rules = coreGradientRules()
        XCTAssertGreaterThan(rules.count, 50)
        XCTAssertEqual(Set(rules.map(\.name)).count, rules.count, "a built-in with two rules")
        for (name, _) in rules {
            XCTAssertNotNil(r[name], "CoreGradients.swift has a rule for \(name), which is not a built-in")
            XCTAssertNotNil(r[name]?.backward, name)
        }
    }

    /// The message of the error `source` stops with (nil when it runs).
    func error(_ source: String) -> String? { runLoss(source).error?.message }

    /// Asking for the gradient of a constant of a loss (a weight, a hyperparameter) is an error
    /// in every family, with the same message: a zero would be a wrong answer.
    func testTrackedConstantIsAnError() {
        let cases: [(String, String)] = [
            ("grad(w -> bce([0.9, 0.2], [1, 0], weight: w), [1, 2])", "bce: weight"),
            ("grad(w -> mse([1, 2], [1, 3], weight: w), [1, 2])", "mse: weight"),
            ("grad(d -> huber([1, 2], [1, 3], delta: d), 1)", "huber: delta"),
            ("grad(e -> poisson_nll([0.5, 1], [1, 2], eps: e), 0.1)", "poisson_nll: eps"),
            ("grad(s -> dice([0.9, 0.2], [1, 0], smooth: s), 1)", "dice: smooth"),
            ("grad(b -> tversky([0.9, 0.2], [1, 0], beta: b), 0.5)", "tversky: beta"),
            ("grad(k -> triplet([[0, 0]], [[0, 1]], [[1, 0]], norm: k), 2)", "triplet: norm"),
            ("grad(m -> sphereface([[2, 0.5]], [[1, 0], [0, 1]], [0], m: m), 2)", "sphereface: m"),
            ("grad(a -> entropy([0.5, 0.5], axis: a), 0)", "entropy: axis"),
        ]
        for (source, what) in cases {
            XCTAssertEqual(error(source), "\(what) is a constant of the loss and has no gradient", source)
        }
    }

    /// Labels have no gradient either; the loss says what they hold (as classification does).
    func testTrackedLabelsAreAnError() {
        let cases: [(String, String)] = [
            ("grad(t -> hinge([0.5, 0.2], t), [1, -1])", "hinge: t holds labels -1 or +1"),
            ("grad(y -> cross_entropy([[0.7, 0.3]], y), [0])", "cross_entropy: y holds class indices"),
            ("grad(y -> contrastive([[1, 2]], [[1, 3]], y), [0])", "contrastive: y holds labels 0 or 1"),
            ("grad(y -> margin_ranking([1, 2], [2, 1], y), [1, -1])", "margin_ranking: y holds labels -1 or +1"),
            ("grad(y -> cosine_embedding([[1, 0]], [[1, 1]], y), [1])", "cosine_embedding: y holds labels -1 or +1"),
            ("grad(y -> arcface([[1, 0.2]], [[1, 0], [0, 1]], y, s: 8), [0])", "arcface: y holds class indices"),
            ("grad(y -> center_loss([[1, 2]], [[1, 1]], y), [0])", "center_loss: y holds class indices"),
        ]
        for (source, what) in cases {
            XCTAssertEqual(error(source), "\(what), which have no gradient", source)
        }
    }

    /// The differentiable arguments still differentiate (torch.autograd values:
    /// F.mse_loss(pred, y) wrt y at pred [1, 2], y [1, 3]: [0, 1]; 1 − dice wrt p, see the
    /// segmentation tests; triplet wrt margin: 1 for an active hinge).
    func testDifferentiableArgumentsStillDifferentiate() {
        XCTAssertEqual(runLoss("grad(y -> mse([1, 2], y), [1, 3])").out, "[0, 1]")
        XCTAssertEqual(runLoss("grad(m -> triplet([[0, 0]], [[0, 1]], [[1, 0]], margin: m), 1)").out, "1")
        XCTAssertEqual(runLoss("grad(p -> kl([0.5, 0.5], p), [0.5, 0.5])").out, "[-1, -1]")
    }
}
