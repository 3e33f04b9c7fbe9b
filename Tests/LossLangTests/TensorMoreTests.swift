import Foundation
import XCTest
import LossCore
@testable import LossLang

/// The tensor built-ins of docs/reference.md §3 "More tensor built-ins" beyond their NumPy fixture
/// (Fixtures/tensor.json, which also holds torch.autograd gradients of sum(out)): gradients of a
/// random weighting Σ w·f(x) against central finite differences (so that a permuted or misplaced
/// gradient cannot pass as it could with all-ones weights), and the behaviour through the language
/// (bools, masks, lists, strings, errors inside grad).
final class TensorMoreTests: XCTestCase {
    struct Rng {
        var s: UInt64
        mutating func next() -> Double {
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return Double(s >> 11) / Double(1 << 53)
        }
        mutating func tensor(_ shape: [Int], _ lo: Double = -1, _ hi: Double = 1) -> Tensor {
            Tensor(shape: shape, data: (0..<Tensor.count(of: shape)).map { _ in lo + (hi - lo) * next() })
        }
        /// A well-conditioned square matrix (diagonally dominant).
        mutating func matrix(_ n: Int) -> Tensor {
            var t = tensor([n, n])
            for i in 0..<n { t.data[i * n + i] += Double(n) }
            return t
        }
    }

    final class NoCaller: FunctionCaller {
        func call(_ f: Function, _ args: [Value]) throws -> Value { throw CoreError("no interpreter") }
    }

    struct Case {
        let fn: String
        let args: [Value]
        var kwargs: [(name: String, value: Value)] = []
        var wrt: [Int] = [0]
    }

    static func call(_ c: Case, _ args: [Value]) throws -> Value {
        let b = try XCTUnwrap(Registry.standard[c.fn], "no built-in \(c.fn)")
        return try b.impl(try b.bind(positional: args, keywords: c.kwargs, caller: NoCaller()))
    }

    /// Σ w·f(args) with argument i replaced by x.
    static func objective(_ c: Case, _ i: Int, _ x: Tensor, _ w: Tensor) throws -> Double {
        var a = c.args
        a[i] = .tensor(x)
        let y = try XCTUnwrap(try call(c, a).asTensor)
        return (0..<y.count).reduce(0.0) { $0 + w.data[$1] * y.data[$1] }
    }

    /// The gradient of Σ w·f through the tape, as `grad` computes it.
    static func tapeGradient(_ c: Case, _ i: Int, _ w: Tensor) throws -> Tensor {
        let b = try XCTUnwrap(Registry.standard[c.fn])
        let tape = Tape()
        Tape.current = tape
        defer { Tape.current = nil }
        var a = c.args
        let leaf = tape.leaf(try XCTUnwrap(c.args[i].asTensor))
        a[i] = .tensor(leaf)
        let out = try XCTUnwrap(try AD.callBuiltin(b, try b.bind(positional: a, keywords: c.kwargs, caller: NoCaller())).asTensor)
        var wt = w
        wt.shape = out.shape
        let weighted = try AD.binary(.mul, out, wt, try Tensor.binary(.mul, out, wt))
        let sum = try XCTUnwrap(Registry.standard["sum"])
        let s = try XCTUnwrap(try AD.callBuiltin(sum, try sum.bind(positional: [.tensor(weighted)], keywords: [], caller: NoCaller())).asTensor)
        return try tape.gradient(of: s, wrt: leaf)
    }

    func cases() throws -> [Case] {
        var r = Rng(s: 2024)
        let t = { (shape: [Int]) -> Value in .tensor(r.tensor(shape)) }
        let n = { (x: Double) -> Value in .number(x) }
        var cs: [Case] = []
        for axis in [-1.0, 0, 1] {
            for desc in [false, true] {
                cs.append(Case(fn: "sort", args: [t([3, 4])], kwargs: [("axis", n(axis)), ("descending", .bool(desc))]))
            }
            cs.append(Case(fn: "topk", args: [t([4, 5]), n(2)], kwargs: [("axis", n(axis))]))
            cs.append(Case(fn: "cumsum", args: [t([3, 4])], kwargs: [("axis", n(axis))]))
            cs.append(Case(fn: "median", args: [t([4, 5])], kwargs: [("axis", n(axis))]))
            cs.append(Case(fn: "median", args: [t([5, 3])], kwargs: [("axis", n(axis)), ("keepdims", .bool(true))]))
            cs.append(Case(fn: "quantile", args: [t([4, 6]), .tensor(Tensor([0.13, 0.5, 0.77]))], kwargs: [("axis", n(axis))], wrt: [0, 1]))
        }
        cs.append(Case(fn: "sort", args: [t([2, 3, 4])], kwargs: [("axis", n(1))]))
        cs.append(Case(fn: "topk", args: [t([7]), n(7)]))
        cs.append(Case(fn: "cumsum", args: [t([3, 4])]))
        cs.append(Case(fn: "median", args: [t([7])]))
        cs.append(Case(fn: "median", args: [t([3, 4])]))
        cs.append(Case(fn: "quantile", args: [t([9]), n(0.37)], wrt: [0, 1]))
        cs.append(Case(fn: "where", args: [.tensor(Tensor([1, 0, 1, 0])), t([3, 4]), t([3, 1])], wrt: [1, 2]))
        cs.append(Case(fn: "where", args: [.tensor(Tensor(shape: [2, 1], data: [0, 1])), n(0.5), t([3])], wrt: [1, 2]))
        cs.append(Case(fn: "squeeze", args: [t([1, 3, 1])]))
        cs.append(Case(fn: "squeeze", args: [t([1, 3, 1])], kwargs: [("axis", n(-1))]))
        cs.append(Case(fn: "unsqueeze", args: [t([2, 3]), n(1)]))
        cs.append(Case(fn: "tile", args: [t([2, 3]), .tensor(Tensor([2, 1, 3]))]))
        cs.append(Case(fn: "tile", args: [t([3]), n(2)]))
        for k in [-1.0, 0, 2] {
            cs.append(Case(fn: "triu", args: [t([3, 4])], kwargs: [("k", n(k))]))
            cs.append(Case(fn: "tril", args: [t([2, 4, 3])], kwargs: [("k", n(k))]))
        }
        cs.append(Case(fn: "trace", args: [t([3, 3])]))
        cs.append(Case(fn: "trace", args: [t([2, 4])]))
        cs.append(Case(fn: "solve", args: [.tensor(r.matrix(4)), t([4])], wrt: [0, 1]))
        cs.append(Case(fn: "solve", args: [.tensor(r.matrix(3)), t([3, 2])], wrt: [0, 1]))
        cs.append(Case(fn: "inv", args: [.tensor(r.matrix(4))]))
        cs.append(Case(fn: "inv", args: [.tensor(try Tensor.stack([r.matrix(3), r.matrix(3)]))]))
        cs.append(Case(fn: "det", args: [.tensor(r.matrix(4))]))
        cs.append(Case(fn: "det", args: [.tensor(try Tensor.stack([r.matrix(2), r.matrix(2), r.matrix(2)]))]))
        // a singular matrix of rank n − 1 (third row = first + second): the gradient is the cofactor matrix
        cs.append(Case(fn: "det", args: [.tensor(Tensor(shape: [3, 3], data: [1, 2, 0.5, -1, 0.3, 2, 0, 2.3, 2.5]))]))
        cs.append(Case(fn: "lstsq", args: [t([6, 3]), t([6])], wrt: [0, 1]))
        cs.append(Case(fn: "lstsq", args: [t([5, 2]), t([5, 3])], wrt: [0, 1]))
        cs.append(Case(fn: "lstsq", args: [t([2, 4]), t([2])], wrt: [0, 1]))
        cs.append(Case(fn: "lstsq", args: [.tensor(r.matrix(3)), t([3, 2])], wrt: [0, 1]))
        return cs
    }

    func testGradientsMatchFiniteDifferences() throws {
        var r = Rng(s: 99)
        var checked = 0
        var covered = Set<String>()
        for c in try cases() {
            for i in c.wrt {
                let x0 = try XCTUnwrap(c.args[i].asTensor)
                let y = try XCTUnwrap(try Self.call(c, c.args).asTensor)
                let w = r.tensor(y.shape, 0.5, 1.5)
                let what = "\(c.fn) \(c.kwargs.map { "\($0.name): \(Display.text($0.value))" }) wrt \(i)"
                let g: Tensor
                do { g = try Self.tapeGradient(c, i, w) } catch { XCTFail("\(what): \(error)"); continue }
                XCTAssertEqual(g.shape, x0.shape, "\(what): gradient shape")
                guard g.shape == x0.shape else { continue }
                for k in 0..<x0.count {
                    let h = 1e-6 * Swift.max(1, Swift.abs(x0.data[k]))
                    var xp = x0, xm = x0
                    xp.data[k] += h; xm.data[k] -= h
                    let fd = (try Self.objective(c, i, xp, w) - Self.objective(c, i, xm, w)) / (2 * h)
                    XCTAssertTrue(Swift.abs(g.data[k] - fd) <= 1e-5 * Swift.max(1, Swift.abs(fd)),
                                  "\(what)[\(k)]: tape \(g.data[k]), finite difference \(fd)")
                    checked += 1
                }
            }
            covered.insert(c.fn)
        }
        XCTAssertEqual(covered, ["sort", "topk", "cumsum", "where", "median", "quantile", "squeeze", "unsqueeze", "tile",
                                 "triu", "tril", "trace", "solve", "inv", "det", "lstsq"])
        XCTAssertGreaterThan(checked, 700)
    }

    /// Every new built-in is in the registry with a documented entry, and differentiable exactly
    /// where the brief says (the piecewise-constant ones with a zero gradient, unique with none).
    func testEntries() throws {
        let differentiable = ["sort", "topk", "cumsum", "where", "median", "quantile", "squeeze", "unsqueeze", "tile",
                              "triu", "tril", "trace", "solve", "inv", "det", "lstsq"]
        let zeroGradient = ["argsort", "argtopk", "any", "all", "len", "accuracy"]
        for name in differentiable + zeroGradient + ["unique"] {
            let b = try XCTUnwrap(Registry.standard[name], "\(name) is missing")
            XCTAssertFalse(b.summary.isEmpty, name)
            XCTAssertFalse((b.reference ?? "").isEmpty, "\(name) has no reference")
            XCTAssertTrue(b.params.allSatisfy { !$0.doc.isEmpty }, "\(name): every parameter is documented")
            XCTAssertEqual(b.backward != nil, name != "unique", "\(name): gradient rule")
        }
        XCTAssertEqual(Registry.standard["cumsum"]?.signature, "cumsum(x, axis: none)")
        XCTAssertEqual(Registry.standard["sort"]?.signature, "sort(x, axis: -1, descending: false)")
        XCTAssertEqual(Registry.standard["topk"]?.signature, "topk(x, k, axis: -1)")
        XCTAssertEqual(Registry.standard["quantile"]?.signature, "quantile(x, q, axis: none, keepdims: false)")
        XCTAssertEqual(Registry.standard["triu"]?.signature, "triu(x, k: 0)")
    }

    // MARK: - Through the language

    func check(_ src: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        let (out, e) = runLoss(src)
        XCTAssertNil(e, "unexpected error: \(e?.message ?? "")", file: file, line: line)
        XCTAssertEqual(out, expected, file: file, line: line)
    }

    func checkError(_ src: String, _ contains: String, hint: String? = nil, file: StaticString = #filePath, line: UInt = #line) {
        let (_, e) = runLoss(src)
        guard let e = e else { return XCTFail("expected an error from \(src)", file: file, line: line) }
        XCTAssertTrue(e.message.contains(contains), "message: \(e.message)", file: file, line: line)
        if let h = hint { XCTAssertTrue((e.hint ?? "").contains(h), "hint: \(e.hint ?? "none")", file: file, line: line) }
    }

    func testTruthValuesAreBoolsOrMasks() {
        // a full reduction displays like a comparison of numbers, an axis reduction like one of tensors
        check("any([0, 0, 1]) == (1 > 0)", "true")
        check("all([1, nan, 2])", "true")
        check("any([])", "false")
        check("all([])", "true")
        check("if all([1, 2] > 0) then \"yes\" else \"no\"", "yes")
        check("x = [10, 20, 30]; x[any([0, 1; 0, 0; 1, 1], axis: 1)]", "[10, 30]")
        check("all([1, 2; 0, 4], axis: 0, keepdims: true)", "1×2 tensor\n 0  1")
        check("type(any([1, 0; 0, 0], axis: 1))", "tensor")
    }

    func testLenOfListsStringsAndTensors() {
        check("len([\"a\", \"b\", \"c\"])", "3")
        check("len([sin, cos])", "2")
        check("len(\"γ-loss\")", "6")
        check("len(zeros([4, 2]))", "4")
        check("len([])", "0")
        check("n = 0; for i in range(len([5, 6, 7])) { n = n + i }; n", "3")
        checkError("len(3)", "len: a number has no length", hint: "size(x)")
        checkError("len(sin)", "len: x must be a tensor, list or string, got function")
    }

    func testErrorsAreNamedAndCaretted() {
        checkError("solve([1, 2; 2, 4], [1, 1])", "solve: the matrix is singular", hint: "lstsq")
        checkError("inv(zeros([2, 2]))", "inv: the matrix is singular")
        checkError("solve(eye(2), [1, 2, 3])", "solve: b must be a vector of length 2 or a matrix with 2 rows (a is [2, 2]), got shape [3]")
        checkError("topk([1, 2, 3], 5)", "topk: k must be between 0 and 3")
        checkError("quantile([1, 2], 2)", "quantile: q must be in [0, 1], got 2")
        checkError("squeeze(zeros([2, 3]), axis: 0)", "squeeze: axis 0 has length 2, not 1")
        checkError("sort([1, 2], axis: 1)", "sort: axis 1 is out of range")
        checkError("where([1, 0], [1, 2, 3], 0)", "where: shapes [2] (cond), [3] (a) and [] (b) cannot be broadcast together")
        checkError("accuracy([0.2, 0.8; 0.6, 0.4], [1, 2])", "accuracy: y must hold class indices in 0..<2")
        checkError("inv(zeros([2, 2, 3]))", "inv: a must be a square matrix (or a batch of them), got shape [2, 2, 3]")
        checkError("lstsq(zeros([2, 2, 2]), [1, 2])", "lstsq: batches of matrices (rank > 2) are not supported")
        checkError("triu([1, 2, 3])", "triu: expects a matrix", hint: "diag")
        checkError("tile([1, 2], 2.5)", "tile: reps must be an integer")
    }

    func testGradThroughTheLanguage() {
        // the gradient follows each value to where it came from
        check("grad(x -> sum(sort(x) * [1, 2, 3]), [3, 1, 2])", "[3, 1, 2]")
        check("grad(x -> sum(topk(x, 2) * [10, 1]), [0.5, 0.9, 0.1])", "[1, 10, 0]")
        check("grad(x -> sum(where(x > 0, x, 0)), [-1, 2, 3])", "[0, 1, 1]")
        check("grad(x -> median(x), [5, 1, 3, 2])", "[0, 0, 0.5, 0.5]")
        // indices, masks and counts of a differentiated tensor are constants
        check("grad(x -> sum(x[argsort(x)] * [1, 2, 3]), [3, 1, 2])", "[3, 1, 2]")
        check("grad(x -> sum(x[argtopk(x, 1)]) + len(x) + accuracy(x, 1), [0.2, 0.7])", "[0, 1]")
        check("grad(x -> if all(x > 0) then sum(x) else 0, [1, 2])", "[1, 1]")
        // least squares: the gradient of the residual at the fit is 0 with respect to b's fit part
        check("X = [1, 0; 1, 1; 1, 2]; grad(b -> sum(X @ lstsq(X, b)), [1, 2, 3])", "[1, 1, 1]")
        check("grad(a -> det(a), [1, 2; 2, 4])", "2×2 tensor\n  4  -2\n -2   1")
        checkError("grad(x -> sum(unique(x)), [1, 2, 2])", "grad: unique is not differentiable")
        checkError("grad(a -> sum(lstsq(a, [1, 2, 3])), [1, 2; 2, 4; 3, 6])", "lstsq: the gradient needs a matrix of full rank")
    }
}
