import Foundation
import XCTest
import LossCore
@testable import LossLang

/// `axis:` on cross_entropy, nll, focal, poly1, poly and the channel axis of dice, dice_score and
/// tversky (docs/reference.md §4.6), beyond what the shared fixture runners check in
/// Fixtures/axis.json (values at 1e-10 by LossFixtureTests, gradients of sum(out) by
/// GradFixtureTests; references: torch, torchvision and MONAI, Scripts/gen_fixtures_axis.py):
/// the vector–Jacobian products of "none" with other upstream gradients ("vjp"), that the
/// fixture covers every built-in with the option, and that the default and a last axis
/// leave today's results untouched, bit for bit.
final class AxisOptionTests: XCTestCase {
    typealias F = LossFixtureTests

    static func axisFixture() throws -> (cases: [F.Case], root: F.JSON) {
        guard let url = try F.fixtureFiles().first(where: { $0.lastPathComponent == "axis.json" }) else {
            throw F.FixtureError.malformed("no axis.json fixture")
        }
        return (try F.loadCases(url), try JSONDecoder().decode(F.JSON.self, from: Data(contentsOf: url)))
    }

    func testVectorJacobianProductsOfNoneMatchTorchAndMONAI() throws {
        let root = try Self.axisFixture().root
        guard case .array(let items)? = root["vjp"], !items.isEmpty else { return XCTFail("no vjp entries in axis.json") }
        var fns = Set<String>()
        for (i, c) in items.enumerated() {
            guard case .string(let fn)? = c["fn"], case .array(let argsJ)? = c["args"], case .object(let kwJ)? = c["kwargs"],
                  let uJ = c["upstream"], let gJ = c["grad"], let wrt = c["wrt"]?.number, let b = Registry.standard[fn] else {
                return XCTFail("vjp #\(i): malformed")
            }
            fns.insert(fn)
            let args = try argsJ.map { try F.value($0, "vjp #\(i)") }
            let kwargs = try kwJ.sorted { $0.key < $1.key }.map { (name: $0.key, value: try F.value($0.value, "vjp #\(i)")) }
            let g = try GradFixtureTests.gradient(b, args, kwargs, wrt: Int(wrt), upstream: try F.tensor(uJ, "upstream"))
            if let why = F.compare(.tensor(g), gJ, 1e-9) { XCTFail("vjp #\(i) (\(fn) d/d arg \(Int(wrt))): \(why)") }
        }
        XCTAssertEqual(fns, ["cross_entropy", "nll", "focal", "poly1", "poly", "dice", "dice_score", "tversky"])
    }

    /// Every built-in with the option has value, gradient and error cases in axis.json.
    func testFixtureCoversEveryBuiltinWithTheOption() throws {
        let (cases, root) = try Self.axisFixture()
        guard case .array(let raw)? = root["cases"] else { return XCTFail("no cases") }
        XCTAssertEqual(cases.count, raw.count)
        for fn in ["cross_entropy", "nll", "focal", "poly1", "poly", "dice", "dice_score", "tversky", "onehot"] {
            let mine = zip(cases, raw).filter { $0.0.fn == fn }
            XCTAssertTrue(mine.contains { $0.0.error == nil && $0.0.kwargs.contains { $0.name == "axis" } }, "\(fn): no value case with axis:")
            XCTAssertTrue(mine.contains { $0.0.error != nil }, "\(fn): no error case")
            if fn != "onehot" {
                XCTAssertTrue(mine.contains { $0.1["grads"] != nil }, "\(fn): no gradient case")
            }
        }
        for fn in ["dice", "dice_score", "tversky"] {
            XCTAssertTrue(cases.contains { $0.fn == fn && $0.kwargs.contains { $0.name == "include_background" } },
                          "\(fn): no include_background case")
        }
    }

    /// axis: −1 (the default) and an axis naming the last one move nothing: the results and
    /// gradients are those of the call without the option, bit for bit.
    func testLastAxisIsTodaysBehaviour() throws {
        var rng = SplitMix(seed: 7)
        let x = Tensor(shape: [3, 4, 5], data: (0..<60).map { _ in rng.next() * 4 - 2 })
        let y = Tensor(shape: [3, 4], data: (0..<12).map { _ in Double(Int(rng.next() * 5) % 5) })
        for red in [Reduction.mean, .sum, .none] {
            let base = try Losses.crossEntropy(x, y, labelSmoothing: 0.1, logits: true, reduction: red)
            for axis in [-1, 2] {
                XCTAssertEqual(try Losses.crossEntropy(x, y, labelSmoothing: 0.1, logits: true, axis: axis, reduction: red), base)
                XCTAssertEqual(try Losses.focal(x, y, logits: true, axis: axis, reduction: red),
                               try Losses.focal(x, y, logits: true, reduction: red))
                XCTAssertEqual(try Losses.nll(x, y, axis: axis, reduction: red), try Losses.nll(x, y, reduction: red))
            }
            let up = red == .none ? Tensor(shape: [3, 4], data: (0..<12).map(Double.init)) : Tensor(scalar: 1.5)
            XCTAssertEqual(try Losses.crossEntropyBackward(x, y, logits: true, axis: 2, reduction: red, upstream: up)["p"],
                           try Losses.crossEntropyBackward(x, y, logits: true, reduction: red, upstream: up)["p"])
        }
        // binary labels of p's shape are element-wise whatever the (valid) axis
        let p = Tensor(shape: [2, 3, 2], data: (0..<12).map { _ in rng.next() * 0.9 + 0.05 })
        let b = Tensor(shape: [2, 3, 2], data: (0..<12).map { _ in rng.next() < 0.5 ? 0 : 1 })
        XCTAssertEqual(try Losses.poly1(p, b, axis: 1, reduction: .none), try Losses.poly1(p, b, reduction: .none))
        // dice without axis: one value per sample, channels summed (the existing behaviour)
        XCTAssertEqual(try Losses.dice(p, b, reduction: .none).shape, [2])
        XCTAssertEqual(try Losses.dice(p, b, axis: 1, reduction: .none).shape, [2, 3])
        XCTAssertEqual(try Losses.dice(p, b, axis: 1, includeBackground: false, reduction: .none).shape, [2, 2])
    }

    /// A deterministic generator for the property tests.
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Double(z >> 11) / Double(1 << 53)
        }
    }
}
