import Foundation
import XCTest
import LossCore
@testable import LossLang

/// Gradients of the loss fixtures: a case may carry
///   "grads": {"0": ARG, "2": ARG}
/// the gradient (torch.autograd, float64) of the case's output — summed over its elements when
/// the output is not a scalar, i.e. the gradient of sum(out) — with respect to positional
/// argument i. Checked through the same tape `grad` uses, with relative tolerance
/// "grad_rtol" (default 1e-9; absolute floor 1e-12). Also "grad_error": "substring" for
/// arguments that have no gradient (class labels).
final class GradFixtureTests: XCTestCase {
    typealias F = LossFixtureTests

    /// ∂ Σ f(args…) / ∂ args[wrt] through the tape that `grad` uses; with `upstream`,
    /// ∂ Σ(upstream · f(args…)) / ∂ args[wrt] (a vector–Jacobian product).
    static func gradient(_ b: Builtin, _ args: [Value], _ kwargs: [(name: String, value: Value)], wrt i: Int,
                         upstream u: Tensor? = nil) throws -> Tensor {
        guard let x = args[i].asTensor else { throw CoreError("argument \(i) is not a tensor") }
        let tape = Tape()
        Tape.current = tape
        defer { Tape.current = nil }
        var a = args
        let leaf = tape.leaf(x)
        a[i] = .tensor(leaf)
        let bound = try b.bind(positional: a, keywords: kwargs, caller: NoCaller())
        let out = try AD.callBuiltin(b, bound)
        guard let y = out.asTensor else { throw CoreError("output is \(out.typeName)") }
        guard let u else { return try tape.gradient(of: y, wrt: leaf) }
        guard y.shape == u.shape else {
            throw CoreError("the output has shape \(formatShape(y.shape)), the upstream \(formatShape(u.shape))")
        }
        let weighted = tape.record(try Tensor.zip(y, u, "vjp") { $0 * $1 }, inputs: [y]) { g in
            [try Tensor.zip(g, u, "vjp") { $0 * $1 }]
        }
        return try tape.gradient(of: weighted, wrt: leaf)
    }

    func testEveryFixtureGradient() throws {
        var total = 0, failed = 0
        for url in try F.fixtureFiles() {
            let root = try JSONDecoder().decode(F.JSON.self, from: Data(contentsOf: url))
            guard case .array(let raw)? = root["cases"] else { continue }
            let cases = try F.loadCases(url)
            for (c, r) in zip(cases, raw) {
                let rtol = r["grad_rtol"]?.number ?? 1e-9
                var checks: [(Int, F.JSON?, String?)] = []
                if case .object(let g)? = r["grads"] { for (k, v) in g { if let i = Int(k) { checks.append((i, v, nil)) } } }
                if case .object(let g)? = r["grad_error"] { for (k, v) in g { if let i = Int(k), case .string(let s) = v { checks.append((i, nil, s)) } } }
                guard let b = Registry.standard[c.fn] else { continue }
                for (i, want, err) in checks.sorted(by: { $0.0 < $1.0 }) {
                    total += 1
                    let what = "\(c.file): \(c.name) (\(c.fn)) d/d arg \(i)"
                    do {
                        let g = try Self.gradient(b, c.args, c.kwargs, wrt: i)
                        if let e = err { failed += 1; XCTFail("\(what): expected an error containing \"\(e)\", got a gradient"); continue }
                        if let want = want, let why = F.compare(Value.tensor(g), want.number != nil ? .object(["shape": .array([]), "data": .array([want])]) : want, rtol) {
                            failed += 1
                            if failed <= 60 { XCTFail("\(what): \(why)") }
                        }
                    } catch {
                        let msg = F.errorMessage(error)
                        if let e = err, msg.contains(e) { continue }
                        failed += 1
                        if failed <= 60 { XCTFail("\(what): threw \"\(msg)\"") }
                    }
                }
            }
        }
        print("GradFixtureTests: \(total - failed)/\(total) gradients passed")
    }
}
