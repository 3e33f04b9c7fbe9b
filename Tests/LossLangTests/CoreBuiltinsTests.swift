import XCTest
import LossCore
@testable import LossLang

/// The registry entries of the math, reduction, tensor and activation built-ins, called through
/// `bind` + `impl` as the interpreter calls them. Expected texts are the entries' `output:`, which
/// were computed with NumPy/torch (Scripts/gen_core_reference.py); numbers below come from NumPy too.
final class CoreBuiltinsTests: XCTestCase {
    private final class NoCalls: FunctionCaller {
        func call(_ f: Function, _ args: [Value]) throws -> Value {
            XCTFail("core built-ins never call back into the interpreter")
            return .none
        }
    }
    private let caller = NoCalls()

    private func vec(_ xs: [Double]) -> Value { .tensor(Tensor(xs)) }
    private func mat(_ rows: [[Double]]) -> Value {
        .tensor(Tensor(shape: [rows.count, rows.first?.count ?? 0], data: rows.flatMap { $0 }))
    }
    private func num(_ x: Double) -> Value { .number(x) }

    private func builtin(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> Builtin {
        try XCTUnwrap(Registry.standard[name], "no built-in \(name)", file: file, line: line)
    }

    private func call(_ name: String, _ positional: [Value], _ keywords: [(String, Value)] = []) throws -> Value {
        let b = try builtin(name)
        let args = try b.bind(positional: positional, keywords: keywords.map { (name: $0.0, value: $0.1) }, caller: caller)
        return try b.impl(args)
    }

    private func text(_ name: String, _ positional: [Value], _ keywords: [(String, Value)] = []) throws -> String {
        Display.text(try call(name, positional, keywords))
    }

    private func assertError(_ substring: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Any) {
        do {
            _ = try body()
            XCTFail("expected an error containing \"\(substring)\"", file: file, line: line)
        } catch let e as CoreError {
            XCTAssertTrue(e.message.contains(substring), "\"\(e.message)\" lacks \"\(substring)\"", file: file, line: line)
        } catch let e as BindError {
            XCTAssertTrue(e.message.contains(substring), "\"\(e.message)\" lacks \"\(substring)\"", file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }

    /// Each entry's example, as the values the parser would pass (the example source is in the comment).
    private var examples: [(String, [Value], [(String, Value)])] {
        [
            ("abs", [vec([-1.5, 0, 2])], []),
            ("sign", [vec([-3, 0, 2])], []),
            ("sqrt", [vec([4, 2])], []),
            ("exp", [vec([0, 1])], []),
            ("expm1", [num(1e-10)], []),
            ("log", [vec([1, M_E, 0])], []),
            ("log1p", [num(1e-10)], []),
            ("log2", [vec([1, 8])], []),
            ("log10", [vec([10, 0.001])], []),
            ("sin", [vec([0, Double.pi / 6])], []),
            ("cos", [vec([0, Double.pi])], []),
            ("tan", [num(Double.pi / 4)], []),
            ("tanh", [vec([0, 1])], []),
            ("asin", [vec([0, 1])], []),
            ("acos", [vec([1, 0])], []),
            ("atan", [vec([0, 1])], []),
            ("atan2", [vec([1, -1]), vec([-1, -1])], []),
            ("floor", [vec([-1.5, 1.5])], []),
            ("ceil", [vec([-1.5, 1.5])], []),
            ("round", [vec([0.5, 1.5, 2.5, 2.6])], []),
            ("clamp", [vec([-1, 0.5, 2]), num(0), num(1)], []),
            ("sum", [mat([[1, 2], [3, 4]])], [("axis", num(0))]),
            ("mean", [mat([[1, 2], [3, 4]])], [("axis", num(1))]),
            ("prod", [vec([1, 2, 3, 4])], []),
            ("min", [vec([3, 1, 2])], []),
            ("max", [mat([[1, 5], [7, 2]])], [("axis", num(1))]),
            ("argmin", [vec([3, 1, 2])], []),
            ("argmax", [mat([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]])], [("axis", num(1))]),
            ("var", [vec([1, 2, 3, 4])], []),
            ("std", [vec([1, 2, 3, 4])], []),
            ("norm", [vec([3, 4])], []),
            ("logsumexp", [vec([1000, 1000])], []),
            ("shape", [.tensor(try! Tensor.zeros([2, 3]))], []),
            ("size", [.tensor(try! Tensor.zeros([2, 3]))], []),
            ("rank", [.tensor(try! Tensor.zeros([2, 3]))], []),
            ("reshape", [vec([1, 2, 3, 4, 5, 6]), vec([2, -1])], []),
            ("transpose", [mat([[1, 2, 3], [4, 5, 6]])], []),
            ("concat", [mat([[1, 2], [3, 4]]), mat([[5, 6], [7, 8]])], [("axis", num(1))]),
            ("stack", [vec([1, 2]), vec([3, 4])], []),
            ("flatten", [mat([[1, 2], [3, 4]])], []),
            ("zeros", [num(3)], []),
            ("ones", [vec([2, 2])], []),
            ("full", [vec([2]), num(0.5)], []),
            ("eye", [num(2)], []),
            ("linspace", [num(0), num(1), num(5)], []),
            ("range", [num(0), num(1), num(0.25)], []),
            ("onehot", [vec([0, 2]), num(3)], []),
            ("diag", [vec([1, 2])], []),
            ("dot", [vec([1, 2, 3]), vec([4, 5, 6])], []),
            ("cross", [vec([1, 0, 0]), vec([0, 1, 0])], []),
            ("outer", [vec([1, 2]), vec([1, 10, 100])], []),
            ("normalize", [vec([3, 4])], []),
            ("cosine", [vec([1, 0]), vec([1, 1])], []),
            ("cdist", [mat([[0, 0], [3, 4]]), mat([[0, 0], [0, 1]])], []),
            ("sigmoid", [vec([-1000, 0, 2])], []),
            ("softmax", [vec([1, 2, 3])], []),
            ("log_softmax", [vec([1000, 0])], []),
            ("relu", [vec([-1, 0, 2])], []),
            ("leaky_relu", [vec([-2, 3])], [("slope", num(0.1))]),
            ("gelu", [vec([-1, 0, 1])], []),
            ("softplus", [vec([-20, 0, 30])], []),
        ]
    }

    func testEveryExampleDisplaysItsDocumentedOutput() throws {
        for (name, pos, kw) in examples {
            let b = try builtin(name)
            XCTAssertEqual(try text(name, pos, kw), b.exampleOutput, "\(name): example \(b.example)")
        }
    }

    func testEveryCoreBuiltinIsRegisteredAndDocumented() throws {
        let groups: [BuiltinGroup] = [.math, .reductions, .tensor, .activations]
        let mine = Registry.standard.all.filter { groups.contains($0.group) }.map(\.name)
        // docs/reference.md §3: every name of the math, reduction, tensor and activation lists
        let spec = ["abs", "sign", "sqrt", "exp", "expm1", "log", "log1p", "log2", "log10", "sin", "cos", "tan", "tanh",
                    "asin", "acos", "atan", "atan2", "floor", "ceil", "round", "clamp", "min", "max",
                    "sum", "mean", "prod", "argmin", "argmax", "var", "std", "norm", "logsumexp",
                    "shape", "size", "rank", "reshape", "transpose", "concat", "stack", "flatten", "zeros", "ones", "full",
                    "eye", "linspace", "range", "onehot", "diag", "dot", "cross", "outer", "normalize", "cosine", "cdist",
                    "sigmoid", "softmax", "log_softmax", "relu", "leaky_relu", "gelu", "softplus"]
        for name in spec { XCTAssertTrue(mine.contains(name), "\(name) missing from the core groups") }
        XCTAssertEqual(Set(examples.map(\.0)), Set(spec), "every core built-in has a checked example")
        for name in spec {
            let b = try builtin(name)
            XCTAssertFalse(b.summary.isEmpty, name)
            XCTAssertNotNil(b.formula ?? (["shape", "size", "rank", "reshape", "concat", "flatten", "zeros", "ones", "full", "eye", "diag"].contains(name) ? "" : nil), name)
            XCTAssertFalse((b.reference ?? "").isEmpty, name)
            XCTAssertTrue(b.params.allSatisfy { !$0.doc.isEmpty }, "\(name): every parameter is documented")
        }
        XCTAssertEqual(try builtin("norm").signature, "norm(x, p: 2, axis: none, keepdims: false)")
        XCTAssertEqual(try builtin("min").signature, "min(x, y: none, axis: none, keepdims: false)")
        XCTAssertEqual(try builtin("softmax").signature, "softmax(x, axis: -1)")
        XCTAssertEqual(try builtin("leaky_relu").signature, "leaky_relu(x, slope: 0.01)")
        XCTAssertEqual(try builtin("stack").signature, "stack(x, …)")
    }

    func testReductionsTakeAxisAndKeepdims() throws {
        let m = mat([[1, 5, 2], [7, 0, 3]])
        XCTAssertEqual(try text("sum", [m]), "18")
        XCTAssertEqual(try text("sum", [m], [("axis", num(-1))]), "[8, 10]")
        guard case .tensor(let k) = try call("max", [m], [("axis", num(0)), ("keepdims", .bool(true))]) else { return XCTFail("tensor") }
        XCTAssertEqual(k.shape, [1, 3])
        XCTAssertEqual(k.data, [7, 5, 3])
        XCTAssertEqual(try text("argmax", [m]), "3")                                  // np.argmax(m) (flat)
        XCTAssertEqual(try text("var", [m], [("axis", num(1))]), "[2.88889, 8.22222]")  // np.var(m, axis=1)
        XCTAssertEqual(try text("std", [m]), "2.38048")                                // np.std(m)
        XCTAssertEqual(try text("norm", [m], [("p", num(.infinity))]), "7")
        XCTAssertEqual(try text("norm", [m], [("p", num(1)), ("axis", num(0))]), "[8, 5, 5]")
        XCTAssertEqual(try text("logsumexp", [m], [("axis", num(1))]), "[5.06588, 7.01905]")  // scipy.special.logsumexp(m, axis=1)
        XCTAssertEqual(try text("mean", [num(4)]), "4")
        XCTAssertEqual(try text("sum", [.bool(true)]), "1")
        assertError("sum: axis must be an integer, got 1.5") { try self.call("sum", [m], [("axis", num(1.5))]) }
        assertError("sum: axis 2 is out of range for a tensor of rank 2") { try self.call("sum", [m], [("axis", num(2))]) }
        assertError("keepdims must be true or false") { try self.call("mean", [m], [("keepdims", .string("yes"))]) }
        assertError("sum: x must be a tensor or number, got string") { try self.call("sum", [.string("a")]) }
        assertError("sum has no parameter 'axes'") { try self.call("sum", [m], [("axes", num(0))]) }
    }

    func testMinAndMaxReduceWithOneArgumentAndCompareWithTwo() throws {
        XCTAssertEqual(try text("min", [vec([3, -1, 2])]), "-1")
        XCTAssertEqual(try text("max", [vec([3, -1, 2]), num(0)]), "[3, 0, 2]")
        XCTAssertEqual(try text("min", [mat([[1, 5], [7, 2]]), vec([3, 3])]), "2×2 tensor\n 1  3\n 3  2")
        XCTAssertEqual(try text("min", [num(2), num(3)]), "2")
        XCTAssertEqual(try text("max", [vec([1, .nan])]), "nan")
        assertError("min: axis and keepdims apply to the one-argument form") { try self.call("min", [vec([1]), vec([2])], [("axis", num(0))]) }
        assertError("max: shapes [2] and [3] cannot be broadcast together") { try self.call("max", [vec([1, 2]), vec([1, 2, 3])]) }
        assertError("min: cannot reduce an empty tensor") { try self.call("min", [vec([])]) }
    }

    func testMathEntries() throws {
        XCTAssertEqual(try text("exp", [num(0)]), "1")
        XCTAssertEqual(try text("sqrt", [num(-1)]), "nan")
        XCTAssertEqual(try text("log", [mat([[1, 1], [1, 1]])]), "2×2 tensor\n 0  0\n 0  0")
        XCTAssertEqual(try text("clamp", [vec([-1, 0.5, 2]), num(0), .none]), "[0, 0.5, 2]")
        XCTAssertEqual(try text("clamp", [vec([-1, 0.5, 2]), .none, vec([0, 0, 1])]), "[-1, 0, 1]")
        XCTAssertEqual(try text("atan2", [num(1), num(0)]), "1.5708")
        assertError("abs: x must be a tensor or number, got string") { try self.call("abs", [.string("x")]) }
        assertError("clamp is missing argument 'hi'") { try self.call("clamp", [num(1), num(0)]) }
    }

    func testTensorEntries() throws {
        XCTAssertEqual(try text("shape", [num(3)]), "[]")
        XCTAssertEqual(try text("size", [num(3)]), "1")
        XCTAssertEqual(try text("rank", [num(3)]), "0")
        XCTAssertEqual(try text("range", [num(5)]), "[0, 1, 2, 3, 4]")
        XCTAssertEqual(try text("range", [num(5), num(1), num(-2)]), "[5, 3]")
        XCTAssertEqual(try text("range", [num(1), num(2)], [("step", num(0.5))]), "[1, 1.5]")
        assertError("range: step must not be 0") { try self.call("range", [num(0), num(1), num(0)]) }
        XCTAssertEqual(try text("reshape", [vec([1, 2, 3, 4]), num(4)]), "[1, 2, 3, 4]")
        assertError("reshape: cannot reshape a tensor of shape [4] (4 elements) into [3]") { try self.call("reshape", [vec([1, 2, 3, 4]), num(3)]) }
        assertError("reshape: shape entries must be an integer, got 1.5") { try self.call("reshape", [vec([1, 2]), vec([1.5])]) }
        XCTAssertEqual(try text("stack", [vec([1, 2])]), "[1, 2]")
        XCTAssertEqual(try text("stack", [mat([[1, 2], [3, 4]])]), "2×2 tensor\n 1  2\n 3  4")
        XCTAssertEqual(try text("stack", [num(1), num(2), num(3)]), "[1, 2, 3]")
        XCTAssertEqual(try text("stack", [.list([vec([1]), vec([2])])]), "2×1 tensor\n 1\n 2")
        assertError("stack: argument 2 must be a tensor or number, got string") { try self.call("stack", [num(1), .string("a")]) }
        assertError("stack: every tensor must have the same shape") { try self.call("stack", [vec([1, 2]), vec([1])]) }
        XCTAssertEqual(try text("concat", [vec([1, 2]), num(3)]), "[1, 2, 3]")
        assertError("concat: shapes [1, 2] and [1, 3] must match except along axis 0") {
            try self.call("concat", [mat([[1, 2]]), mat([[1, 2, 3]])])
        }
        XCTAssertEqual(try text("zeros", [vec([])]), "0")
        assertError("zeros: shape must be an integer, got 2.5") { try self.call("zeros", [num(2.5)]) }
        assertError("ones: shape [100000, 100000] is too large") { try self.call("ones", [vec([100000, 100000])]) }
        assertError("full: shape [-1] has a negative dimension") { try self.call("full", [vec([-1]), num(1)]) }
        XCTAssertEqual(try text("onehot", [vec([1, 0])]), "2×2 tensor\n 0  1\n 1  0")
        assertError("onehot: labels must be in 0..<2 (0-based class indices), got 2") { try self.call("onehot", [vec([2]), num(2)]) }
        XCTAssertEqual(try text("diag", [mat([[1, 2], [3, 4]])]), "[1, 4]")
        XCTAssertEqual(try text("dot", [mat([[1, 2], [3, 4]]), vec([1, 1])]), "[3, 7]")
        XCTAssertEqual(try text("normalize", [mat([[3, 0], [4, 0]])], [("axis", num(0))]), "2×2 tensor\n 0.6  0\n 0.8  0")
        XCTAssertEqual(try text("cosine", [mat([[1, 0], [0, 2]]), vec([1, 0])]), "[1, 0]")
        XCTAssertEqual(try text("linspace", [num(1), num(0), num(3)]), "[1, 0.5, 0]")
        assertError("linspace: n must be an integer, got 2.5") { try self.call("linspace", [num(0), num(1), num(2.5)]) }
        assertError("eye: n must be ≥ 0, got -2") { try self.call("eye", [num(-2)]) }
        assertError("cdist: expects matrices") { try self.call("cdist", [vec([1, 2]), vec([1, 2])]) }
    }

    func testActivationEntries() throws {
        XCTAssertEqual(try text("softmax", [mat([[0, 0], [1000, 1000]])], [("axis", num(0))]), "2×2 tensor\n 0  0\n 1  1")  // torch.softmax(.., 0)
        XCTAssertEqual(try text("log_softmax", [vec([0, 0])]), "[-0.693147, -0.693147]")
        XCTAssertEqual(try text("sigmoid", [num(0)]), "0.5")
        XCTAssertEqual(try text("leaky_relu", [vec([-1, 1])]), "[-0.01, 1]")
        XCTAssertEqual(try text("softplus", [num(1)]), "1.31326")     // F.softplus(1.) = 1.3132616875182228
        XCTAssertEqual(try text("gelu", [num(2)]), "1.9545")          // F.gelu(2.) = 1.9544997361036416
        assertError("softmax: axis 1 is out of range for a tensor of rank 1") { try self.call("softmax", [vec([1, 2])], [("axis", num(1))]) }
        assertError("slope must be a number, got string") { try self.call("leaky_relu", [num(1)], [("slope", .string("a"))]) }
    }
}
