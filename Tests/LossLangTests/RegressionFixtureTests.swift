import Foundation
import XCTest
import LossCore
@testable import LossLang

/// Registry details of the regression and segmentation losses. Their values and gradients are
/// checked against Fixtures/regression.json by LossFixtureTests and GradFixtureTests, and their
/// help examples by HelpExamplesTests.
final class RegressionFixtureTests: XCTestCase {
    let caller = NoCaller()

    func testEntriesAndAliases() throws {
        for name in ["mae", "mse", "rmse", "huber", "smooth_l1", "log_cosh", "poisson_nll", "gaussian_nll", "dice", "dice_score", "tversky"] {
            let b = try XCTUnwrap(Registry.standard[name], name)
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
