import Foundation
import XCTest
import LossCore
@testable import LossLang

/// Every differentiable built-in besides the losses (whose gradients are checked against
/// torch.autograd fixtures): the tape's gradient of Σ w·f(x) equals central finite differences,
/// over random inputs in the function's domain.
final class GradPropertyTests: XCTestCase {
    struct Rng {
        var s: UInt64
        mutating func next() -> Double {
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return Double(s >> 11) / Double(1 << 53)
        }
        mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * next() }
        mutating func tensor(_ shape: [Int], _ lo: Double, _ hi: Double) -> Tensor {
            Tensor(shape: shape, data: (0..<Tensor.count(of: shape)).map { _ in uniform(lo, hi) })
        }
    }

    struct Case {
        let fn: String
        let args: [Value]
        var kwargs: [(name: String, value: Value)] = []
        var wrt: [Int] = [0]
    }

    /// Σ w·f(args) with argument i replaced by x.
    static func objective(_ c: Case, _ i: Int, _ x: Tensor, _ w: Tensor?) throws -> (Double, Tensor) {
        let b = Registry.standard[c.fn]!
        var a = c.args
        a[i] = .tensor(x)
        let out = try b.impl(try b.bind(positional: a, keywords: c.kwargs, caller: NoCaller()))
        let y = out.asTensor!
        var s = 0.0
        for k in 0..<y.count { s += (w?.data[k] ?? 1) * y.data[k] }
        return (s, y)
    }

    static func tapeGradient(_ c: Case, _ i: Int, _ w: Tensor) throws -> Tensor {
        let b = Registry.standard[c.fn]!
        let tape = Tape()
        Tape.current = tape
        defer { Tape.current = nil }
        var a = c.args
        let leaf = tape.leaf(c.args[i].asTensor!)
        a[i] = .tensor(leaf)
        let out = try AD.callBuiltin(b, try b.bind(positional: a, keywords: c.kwargs, caller: NoCaller()))
        var y = out.asTensor!
        var wt = w
        wt.shape = y.shape
        y = try AD.binary(.mul, y, wt, try Tensor.binary(.mul, y, wt))
        let total = Tensor(scalar: y.data.reduce(0, +))
        // Σ via the `sum` rule
        let sumB = Registry.standard["sum"]!
        let s = try AD.callBuiltin(sumB, try sumB.bind(positional: [.tensor(y)], keywords: [], caller: NoCaller()))
        XCTAssertEqual(s.asTensor!.data[0], total.data[0], accuracy: 1e-9)
        return try tape.gradient(of: s.asTensor!, wrt: leaf)
    }

    func cases() -> [Case] {
        var r = Rng(s: 42)
        let v = { (lo: Double, hi: Double) -> Value in .tensor(r.tensor([5], lo, hi)) }
        let m = { (lo: Double, hi: Double) -> Value in .tensor(r.tensor([3, 4], lo, hi)) }
        var cs: [Case] = []
        for name in ["abs", "sin", "cos", "tanh", "atan", "exp", "expm1", "sigmoid", "relu", "gelu", "softplus"] {
            cs.append(Case(fn: name, args: [m(-2, 2)]))
        }
        cs.append(Case(fn: "abs", args: [.tensor(Tensor([-1.5, 0.7, 2.0]))]))
        for name in ["sqrt", "log", "log1p", "log2", "log10"] { cs.append(Case(fn: name, args: [m(0.2, 3)])) }
        cs.append(Case(fn: "tan", args: [m(-1, 1)]))
        for name in ["asin", "acos"] { cs.append(Case(fn: name, args: [m(-0.9, 0.9)])) }
        cs.append(Case(fn: "atan2", args: [v(-2, 2), v(0.5, 2)], wrt: [0, 1]))
        cs.append(Case(fn: "clamp", args: [m(-2, 2), .number(-0.5), .number(0.7)]))
        cs.append(Case(fn: "leaky_relu", args: [m(-2, 2)], kwargs: [("slope", .number(0.1))]))
        for name in ["sum", "mean", "prod", "var", "std", "logsumexp", "max", "min"] {
            cs.append(Case(fn: name, args: [m(0.5, 2)]))
            cs.append(Case(fn: name, args: [m(0.5, 2)], kwargs: [("axis", .number(0))]))
            cs.append(Case(fn: name, args: [m(0.5, 2)], kwargs: [("axis", .number(-1)), ("keepdims", .bool(true))]))
        }
        cs.append(Case(fn: "max", args: [v(-1, 1), v(-1, 1)], wrt: [0, 1]))
        cs.append(Case(fn: "min", args: [v(-1, 1), v(-1, 1)], wrt: [0, 1]))
        for p in [1.0, 2.0, 3.0, Double.infinity] {
            cs.append(Case(fn: "norm", args: [m(-2, 2)], kwargs: [("p", .number(p))]))
            cs.append(Case(fn: "norm", args: [m(-2, 2)], kwargs: [("p", .number(p)), ("axis", .number(1))]))
        }
        for axis in [0.0, -1.0] {
            cs.append(Case(fn: "softmax", args: [m(-3, 3)], kwargs: [("axis", .number(axis))]))
            cs.append(Case(fn: "log_softmax", args: [m(-3, 3)], kwargs: [("axis", .number(axis))]))
            cs.append(Case(fn: "normalize", args: [m(-3, 3)], kwargs: [("axis", .number(axis))]))
        }
        cs.append(Case(fn: "reshape", args: [m(-1, 1), .tensor(Tensor([2, 6]))]))
        cs.append(Case(fn: "flatten", args: [m(-1, 1)]))
        cs.append(Case(fn: "transpose", args: [m(-1, 1)]))
        cs.append(Case(fn: "concat", args: [m(-1, 1), m(-1, 1)], kwargs: [("axis", .number(1))], wrt: [0, 1]))
        cs.append(Case(fn: "concat", args: [v(-1, 1), v(-1, 1)], wrt: [0, 1]))
        cs.append(Case(fn: "stack", args: [v(-1, 1), v(-1, 1), v(-1, 1)], wrt: [0, 1, 2]))
        cs.append(Case(fn: "diag", args: [v(-1, 1)]))
        cs.append(Case(fn: "diag", args: [.tensor(r.tensor([4, 4], -1, 1))]))
        cs.append(Case(fn: "dot", args: [v(-1, 1), v(-1, 1)], wrt: [0, 1]))
        cs.append(Case(fn: "cross", args: [.tensor(r.tensor([3], -1, 1)), .tensor(r.tensor([3], -1, 1))], wrt: [0, 1]))
        cs.append(Case(fn: "outer", args: [v(-1, 1), .tensor(r.tensor([3], -1, 1))], wrt: [0, 1]))
        cs.append(Case(fn: "cosine", args: [m(-1, 1), m(-1, 1)], wrt: [0, 1]))
        cs.append(Case(fn: "cosine", args: [m(-1, 1), m(-1, 1)], kwargs: [("axis", .number(0))], wrt: [0, 1]))
        cs.append(Case(fn: "cdist", args: [m(-1, 1), .tensor(r.tensor([2, 4], -1, 1))], wrt: [0, 1]))
        cs.append(Case(fn: "full", args: [.tensor(Tensor([2, 3])), .tensor(Tensor(scalar: 1.5))], wrt: [1]))
        return cs
    }

    func testGradientsMatchFiniteDifferences() throws {
        var checked = 0
        var r = Rng(s: 7)
        for c in cases() {
            guard let b = Registry.standard[c.fn] else { XCTFail("no built-in \(c.fn)"); continue }
            XCTAssertNotNil(b.backward, "\(c.fn) has no gradient rule")
            if b.backward == nil { continue }
            for i in c.wrt {
                let x0 = c.args[i].asTensor!
                let (_, y) = try Self.objective(c, i, x0, nil)
                let w = r.tensor(y.shape, 0.5, 1.5)
                let g: Tensor
                do { g = try Self.tapeGradient(c, i, w) } catch { XCTFail("\(c.fn) wrt \(i): \(error)"); continue }
                XCTAssertEqual(g.shape, x0.shape, "\(c.fn) wrt \(i): gradient shape")
                for k in 0..<x0.count {
                    let h = 1e-6 * Swift.max(1, Swift.abs(x0.data[k]))
                    var xp = x0, xm = x0
                    xp.data[k] += h; xm.data[k] -= h
                    let fd = (try Self.objective(c, i, xp, w).0 - Self.objective(c, i, xm, w).0) / (2 * h)
                    let a = g.data[k]
                    XCTAssertTrue(Swift.abs(a - fd) <= 1e-5 * Swift.max(1, Swift.abs(fd)),
                                  "\(c.fn) \(c.kwargs.map { "\($0.name): \(Display.text($0.value))" }) wrt \(i)[\(k)]: tape \(a), finite difference \(fd)")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 500)
    }

    func testGradThroughTheLanguage() throws {
        XCTAssertEqual(runLoss("grad(x -> sum(x^2), [1, 2, 3])").out, "[2, 4, 6]")
        XCTAssertEqual(runLoss("grad(x -> mean(softmax(x) * [1, 2, 3]), [0, 0, 0])").out, "[-0.111111, 0, 0.111111]")
        XCTAssertEqual(runLoss("w = [1, 2; 3, 4]\ngrad(v -> sum(w @ v), [1, 1])").out, "[4, 6]")
        XCTAssertEqual(runLoss("grad(x -> max(x), [1, 3, 3])").out, "[0, 0.5, 0.5]")
        XCTAssertEqual(runLoss("grad(x -> abs(x), 0)").out, "0")
        XCTAssertEqual(runLoss("fn f(x) { s = 0; for i in range(0, 3, 1) { s = s + x[i] * i }; s }\ngrad(f, [5, 5, 5])").out, "[0, 1, 2]")
        XCTAssertEqual(runLoss("grad(x -> sum(x + [1, 2; 3, 4]), [1, 1])").out, "[2, 2]")
        XCTAssertEqual(runLoss("grad(x -> sum(clamp(x, 0, 1)), [-1, 0.5, 2])").out, "[0, 1, 0]")
        XCTAssertTrue(runLoss("grad(x -> x, [1, 2])").error?.message.contains("single number") ?? false)
        XCTAssertTrue(runLoss("grad(x -> \"a\", 1)").error?.message.contains("must return a number") ?? false)
        XCTAssertTrue(runLoss("grad(x -> 1, \"s\")").error?.message.contains("number or tensor") ?? false)
        XCTAssertEqual(runLoss("grad(x -> 3, [1, 2])").out, "[0, 0]")
    }
}
