import XCTest
import LossCore
@testable import LossLang
import LossNotebook

/// Every built-in's help example, run through a fresh session exactly as a user would type it,
/// displays exactly the output its registry entry documents. (Here rather than in LossLangTests
/// so that plots render through LossNotebook as they do in the REPL.)
final class HelpExamplesTests: XCTestCase {
    override func setUp() { LossNotebook.install(color: false) }

    func testEveryHelpExampleDisplaysItsDocumentedOutput() {
        var checked = 0
        for b in Registry.standard.all {
            let s = Session()
            var lines: [String] = []
            s.onOutput = { ev in
                switch ev {
                case .value(let v, _): lines.append(s.format(v))
                case .print(let t, _): lines.append(t)
                case .warning: break
                }
            }
            if let e = s.run(b.example, file: "help(\(b.name))") {
                XCTFail("\(b.name): its example `\(b.example)` fails: \(e.message)")
                continue
            }
            XCTAssertEqual(lines.joined(separator: "\n"), b.exampleOutput, "\(b.name): example `\(b.example)`")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 100)
    }

    func testEveryLossIsDocumented() {
        for b in Registry.standard.all where b.group.isLoss {
            XCTAssertFalse(b.summary.isEmpty, b.name)
            XCTAssertFalse((b.formula ?? "").isEmpty, "\(b.name) has no formula")
            XCTAssertFalse((b.reference ?? "").isEmpty, "\(b.name) has no reference")
            XCTAssertTrue(b.params.allSatisfy { !$0.doc.isEmpty }, "\(b.name): every parameter is documented")
            XCTAssertFalse(b.exampleOutput.isEmpty, "\(b.name): the example displays something")
            let help = Help.text(for: b)
            XCTAssertTrue(help.contains(b.signature) && help.contains("Reference:") && help.contains("Example:"), b.name)
        }
    }

    func testEveryLossIsDifferentiable() {
        let missing = Registry.standard.all.filter { $0.group.isLoss && $0.backward == nil }.map(\.name)
        XCTAssertEqual(missing, [], "losses without a gradient rule")
    }

    func testSpecLossesExist() {
        let spec = ["sigmoid", "softmax", "log_softmax", "entropy", "kl", "bce", "binary_cross_entropy", "cross_entropy", "ce", "nll",
                    "hinge", "squared_hinge", "multiclass_hinge", "svm", "focal", "poly1", "poly", "triplet", "contrastive",
                    "margin_ranking", "cosine_embedding", "infonce", "ntxent", "mnr", "multiple_negatives_ranking", "ge2e", "arcface",
                    "cosface", "sphereface", "center_loss", "dice", "dice_score", "tversky", "mae", "l1", "mse", "l2", "rmse", "huber",
                    "smooth_l1", "log_cosh", "poisson_nll", "gaussian_nll"]
        for n in spec { XCTAssertNotNil(Registry.standard[n], "\(n) is missing") }
    }
}
