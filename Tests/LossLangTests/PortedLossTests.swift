import Foundation
import XCTest
import LossCore
@testable import LossLang

/// The ported losses (docs/reference.md §4.6) beyond what the shared fixture runners check:
/// sparsemax's vector–Jacobian products with general upstream gradients (the fixtures' "grads" are
/// of sum(out), which is 1 along the axis for sparsemax, so they are 0). Reference values:
/// "sparsemax_vjp" in Fixtures/ported.json, torch.autograd through a float64 port of optax's
/// projection_simplex (Scripts/gen_fixtures_ported.py).
final class PortedLossTests: XCTestCase {
    typealias F = LossFixtureTests

    func testSparsemaxVectorJacobianProducts() throws {
        guard let url = try F.fixtureFiles().first(where: { $0.lastPathComponent == "ported.json" }) else {
            return XCTFail("no ported.json fixture")
        }
        let root = try JSONDecoder().decode(F.JSON.self, from: Data(contentsOf: url))
        guard case .array(let cases)? = root["sparsemax_vjp"], !cases.isEmpty else { return XCTFail("no sparsemax_vjp cases") }
        for (i, c) in cases.enumerated() {
            guard let xj = c["x"], let uj = c["upstream"], let gj = c["grad"], let axis = c["axis"]?.number else {
                return XCTFail("sparsemax_vjp #\(i): malformed")
            }
            let x = try F.tensor(xj, "x"), u = try F.tensor(uj, "upstream")
            let g = try Losses.sparsemaxBackward(x, axis: Int(axis), upstream: u)
            if let why = F.compare(.tensor(g), gj, 1e-9) { XCTFail("sparsemax_vjp #\(i): \(why)") }
            // the same through the language's `grad`: the largest deviation from torch's gradient
            let src = "x = \(Self.literal(x))\nu = \(Self.literal(u))\nwant = \(Self.literal(try F.tensor(gj, "grad")))\n"
                + "max(abs(grad(x -> sum(u * sparsemax(x, axis: \(Int(axis)))), x) - want))"
            let (out, err) = runLoss(src)
            XCTAssertNil(err, "sparsemax_vjp #\(i): \(String(describing: err))")
            guard let dev = Double(out.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                return XCTFail("sparsemax_vjp #\(i): the language gave \(out)")
            }
            XCTAssertLessThan(dev, 1e-9, "sparsemax_vjp #\(i): grad through the language")
        }
    }

    /// A tensor as a language literal, every digit kept.
    static func literal(_ t: Tensor) -> String {
        func go(_ dim: Int, _ offset: Int) -> String {
            if dim == t.rank { return String(format: "%.17g", t.data[offset]) }
            let stride = t.shape[(dim + 1)...].reduce(1, *)
            return "[" + (0..<t.shape[dim]).map { go(dim + 1, offset + $0 * stride) }.joined(separator: ", ") + "]"
        }
        return go(0, 0)
    }
}
