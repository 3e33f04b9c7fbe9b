import Foundation
import XCTest
import LossCore
@testable import LossLang

/// The registry entries of seed/rand/randn/randint/shuffle, load/save/time and
/// map/filter/reduce, called directly (functions passed to them are small test built-ins).
final class RandomIOBuiltinsTests: XCTestCase {
    /// Calls built-in functions directly, as the interpreter would.
    final class DirectCaller: FunctionCaller {
        var calls = 0
        func call(_ f: Function, _ args: [Value]) throws -> Value {
            calls += 1
            guard case .builtin(let b) = f.kind else { throw CoreError("user functions need the interpreter") }
            return try b.impl(b.bind(positional: args, keywords: [], caller: self))
        }
    }

    let caller = DirectCaller()

    /// Only this family's installers, so the tests don't depend on the rest of the library.
    static let registry: Registry = {
        let r = Registry()
        installRandomBuiltins(r)
        installIOBuiltins(r)
        installHigherOrderBuiltins(r)
        return r
    }()

    override func tearDown() {
        Random.seed(0)
        super.tearDown()
    }

    func call(_ name: String, _ positional: [Value], _ keywords: [(name: String, value: Value)] = []) throws -> Value {
        guard let b = Self.registry[name] else { throw CoreError("no built-in \(name)") }
        return try b.impl(b.bind(positional: positional, keywords: keywords, caller: caller))
    }

    func text(_ v: Value) -> String { Display.text(v, precision: 6) }

    func vec(_ xs: [Double]) -> Value { .tensor(Tensor(xs)) }
    func mat(_ rows: Int, _ cols: Int, _ xs: [Double]) -> Value { .tensor(Tensor(shape: [rows, cols], data: xs)) }

    /// A test function `name(params…)` implemented in Swift.
    func fn(_ name: String, _ params: [String], _ body: @escaping ([Value]) throws -> Value) -> Value {
        let b = Builtin(name, group: .help, params: params.map { Param($0) }, summary: "", example: "", output: "",
                        impl: { args in try body(args.values) })
        return .function(Function(.builtin(b)))
    }

    func num(_ v: Value) -> Double {
        if case .number(let x) = v { return x }
        XCTFail("expected a number, got \(v.typeName)")
        return .nan
    }

    func assertFails(_ name: String, _ positional: [Value], _ fragment: String, keywords: [(name: String, value: Value)] = [],
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try call(name, positional, keywords), file: file, line: line) { e in
            let m = (e as? CoreError)?.message ?? (e as? BindError)?.message ?? "\(e)"
            XCTAssertTrue(m.contains(fragment), "message: \(m)", file: file, line: line)
        }
    }

    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("loss-io-lang-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: tmp)
    }

    // MARK: - registry entries

    func testEntriesAreComplete() {
        let expected: [(String, BuiltinGroup)] = [
            ("seed", .random), ("rand", .random), ("randn", .random), ("randint", .random), ("shuffle", .random),
            ("load", .io), ("save", .io), ("time", .io),
            ("map", .higherOrder), ("filter", .higherOrder), ("reduce", .higherOrder),
        ]
        XCTAssertEqual(Self.registry.all.map(\.name), expected.map(\.0))
        for (name, group) in expected {
            guard let b = Self.registry[name] else { XCTFail("missing \(name)"); continue }
            XCTAssertEqual(b.group, group, name)
            XCTAssertFalse(b.summary.isEmpty, name)
            XCTAssertFalse(b.reference?.isEmpty ?? true, name)
            XCTAssertFalse(b.example.isEmpty, name)
            XCTAssertFalse(b.exampleOutput.isEmpty, name)
            for p in b.params { XCTAssertFalse(p.doc.isEmpty, "\(name).\(p.name)") }
        }
        XCTAssertEqual(Self.registry["time"]?.signature, "time(f, repeat: 5)")
        XCTAssertEqual(Self.registry["randint"]?.signature, "randint(lo, hi, shape)")
    }

    /// Each help example, replayed call by call (lambdas as test built-ins), displays its `output:`.
    func testExamplesDisplayTheirOutputs() throws {
        func example(_ name: String) -> (String, String) {
            let b = Self.registry[name]
            return (b?.example ?? "", b?.exampleOutput ?? "")
        }
        var results: [String: String] = [:]

        XCTAssertEqual(example("seed").0, "seed(42); a = rand(2); seed(42); rand(2) == a")
        _ = try call("seed", [.number(42)])
        let a = try call("rand", [.number(2)])
        _ = try call("seed", [.number(42)])
        let b = try call("rand", [.number(2)])
        if case .tensor(let ta) = a, case .tensor(let tb) = b {
            results["seed"] = text(.tensor(try Tensor.zip(ta, tb) { $0 == $1 ? 1 : 0 }))
        }

        XCTAssertEqual(example("rand").0, "seed(0); rand(3)")
        _ = try call("seed", [.number(0)])
        results["rand"] = text(try call("rand", [.number(3)]))

        XCTAssertEqual(example("randn").0, "seed(0); randn(3)")
        _ = try call("seed", [.number(0)])
        results["randn"] = text(try call("randn", [.number(3)]))

        XCTAssertEqual(example("randint").0, "seed(0); randint(0, 10, 5)")
        _ = try call("seed", [.number(0)])
        results["randint"] = text(try call("randint", [.number(0), .number(10), .number(5)]))

        XCTAssertEqual(example("shuffle").0, "seed(0); shuffle([1, 2, 3, 4, 5])")
        _ = try call("seed", [.number(0)])
        results["shuffle"] = text(try call("shuffle", [vec([1, 2, 3, 4, 5])]))

        XCTAssertEqual(example("load").0,
                       "save([[1, 2], [3, 4]], \"/tmp/loss_load_example.npy\"); load(\"/tmp/loss_load_example.npy\")")
        let npyPath = tmp.appendingPathComponent("loss_load_example.npy").path
        _ = try call("save", [mat(2, 2, [1, 2, 3, 4]), .string(npyPath)])
        results["load"] = text(try call("load", [.string(npyPath)]))

        XCTAssertEqual(example("save").0,
                       "save([0.5, 0.25], \"/tmp/loss_save_example.csv\"); load(\"/tmp/loss_save_example.csv\")")
        let csvPath = tmp.appendingPathComponent("loss_save_example.csv").path
        _ = try call("save", [vec([0.5, 0.25]), .string(csvPath)])
        results["save"] = text(try call("load", [.string(csvPath)]))

        XCTAssertEqual(example("time").0, "time(() -> 1, repeat: 3) < 1")
        let t = num(try call("time", [fn("one", []) { _ in .number(1) }], [(name: "repeat", value: .number(3))]))
        results["time"] = t < 1 ? "true" : "false"

        XCTAssertEqual(example("map").0, "map(x -> x^2, [1, 2, 3])")
        let square = fn("square", ["x"]) { v in .number(pow(v[0].asTensor?.scalarValue ?? .nan, 2)) }
        results["map"] = text(try call("map", [square, vec([1, 2, 3])]))

        XCTAssertEqual(example("filter").0, "filter(x -> x > 1, [0, 3, 1, 5])")
        let gt1 = fn("gt1", ["x"]) { v in .bool((v[0].asTensor?.scalarValue ?? 0) > 1) }
        results["filter"] = text(try call("filter", [gt1, vec([0, 3, 1, 5])]))

        XCTAssertEqual(example("reduce").0, "reduce((a, b) -> a + b, [1, 2, 3], 10)")
        let add = fn("add", ["a", "b"]) { v in .number((v[0].asTensor?.scalarValue ?? .nan) + (v[1].asTensor?.scalarValue ?? .nan)) }
        results["reduce"] = text(try call("reduce", [add, vec([1, 2, 3]), .number(10)]))

        for b in Self.registry.all {
            XCTAssertEqual(results[b.name], b.exampleOutput, "example of \(b.name)")
        }
    }

    // MARK: - random

    func testRandomValuesAndShapes() throws {
        _ = try call("seed", [.number(0)])
        // reference: independent Python xoshiro256** (Scripts/make_npy_fixtures.py, IORef.rand0)
        XCTAssertEqual(try call("rand", [.number(3)]).asTensor?.data, [0.6012629994179048, 0.7477740925472398, 0.10301998939503632])
        _ = try call("seed", [.number(0)])
        XCTAssertEqual(try call("randint", [.number(0), .number(10), vec([5])]).asTensor?.data, [0, 2, 8, 2, 7])

        XCTAssertEqual(try call("rand", [vec([2, 3])]).asTensor?.shape, [2, 3])
        XCTAssertEqual(try call("randn", [vec([4, 1, 2])]).asTensor?.shape, [4, 1, 2])
        guard case .number(let x) = try call("rand", [vec([])]) else { return XCTFail("rand([]) should be a number") }
        XCTAssertTrue(x >= 0 && x < 1)
        XCTAssertEqual(try call("randint", [.number(-1), .number(1), .number(0)]).asTensor?.shape, [0])

        // reproducibility through the registry
        _ = try call("seed", [.number(-7)])
        let a = try call("randn", [.number(10)]).asTensor
        _ = try call("seed", [.number(-7)])
        XCTAssertEqual(try call("randn", [.number(10)]).asTensor, a)
        XCTAssertTrue(try call("seed", [.number(1)]).isNone)
    }

    func testRandomErrors() {
        assertFails("seed", [.number(1.5)], "seed: n must be an integer, got 1.5")
        assertFails("seed", [.string("a")], "seed: n must be a number, got string")
        assertFails("rand", [.number(-2)], "negative dimension")
        assertFails("rand", [vec([2.5])], "rand: shape must be an integer, got 2.5")
        assertFails("randn", [mat(1, 2, [1, 2])], "shape must be a shape like [3, 4]")
        assertFails("randn", [vec([1e6, 1e6, 1e6])], "too large")
        assertFails("randint", [.number(5), .number(5), .number(3)], "randint: hi must be greater than lo (hi is exclusive), got lo = 5 and hi = 5")
        assertFails("randint", [.number(0), .number(2.5), .number(3)], "randint: hi must be an integer, got 2.5")
        assertFails("randint", [.number(0), .number(10)], "randint is missing argument 'shape'")
        assertFails("shuffle", [.number(3)], "shuffle: x must be a tensor with at least one axis")
        assertFails("shuffle", [.string("abc")], "shuffle: x must be a tensor or number, got string")
    }

    func testShuffleKeepsRowsAndInput() throws {
        _ = try call("seed", [.number(0)])
        let m = Tensor(shape: [5, 2], data: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        guard case .tensor(let s) = try call("shuffle", [.tensor(m)]) else { return XCTFail() }
        // Fisher–Yates order from the Python reference: permutation [3, 4, 1, 2, 0]
        XCTAssertEqual(s.data, [6, 7, 8, 9, 2, 3, 4, 5, 0, 1])
        XCTAssertEqual(m.data, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    }

    // MARK: - load / save

    func testSaveLoadRoundTrips() throws {
        let m = Tensor(shape: [2, 3], data: [0.1, -2, 1e-300, .infinity, 5, 1.0 / 3])
        for ext in ["npy", "csv", "NPY"] {
            let path = tmp.appendingPathComponent("m.\(ext)").path
            XCTAssertTrue(try call("save", [.tensor(m), .string(path)]).isNone)
            XCTAssertEqual(try call("load", [.string(path)]).asTensor, m, ext)
        }
        // a number: .npy keeps rank 0; .csv gives it back as a one-element vector
        let p = tmp.appendingPathComponent("s.npy").path
        _ = try call("save", [.number(2.5), .string(p)])
        guard case .number(let x) = try call("load", [.string(p)]) else { return XCTFail("0-d .npy loads as a number") }
        XCTAssertEqual(x, 2.5)
        let q = tmp.appendingPathComponent("b.npy").path
        _ = try call("save", [.bool(true), .string(q)])
        XCTAssertEqual(num(try call("load", [.string(q)])), 1)
    }

    func testLoadsAFileWrittenByNumPy() throws {
        // np.save(f, np.array([[1, -2], [3, 4]], dtype='>i4'), allow_pickle=False) with fortran order
        // (np.asfortranarray), produced by python3 with NumPy 2.4:
        let b64 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPmk0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAABAAAAA/////4AAAAE"
        let path = tmp.appendingPathComponent("np.npy").path
        try XCTUnwrap(Data(base64Encoded: b64)).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try call("load", [.string(path)]).asTensor, Tensor(shape: [2, 2], data: [1, -2, 3, 4]))
    }

    func testIOErrorsNameTheBuiltinAndTheFile() throws {
        let missing = tmp.appendingPathComponent("nope.npy").path
        assertFails("load", [.string(missing)], "load: cannot read \"\(missing)\": no such file")
        assertFails("load", [.string("data.txt")], "load: cannot tell the format of \"data.txt\" from its extension .txt; use .npy or .csv")
        assertFails("load", [.string("data")], "it has no extension")
        assertFails("save", [vec([1]), .string("x.json")], "save: cannot tell the format of \"x.json\"")
        assertFails("load", [.number(3)], "load: path must be a string, got number")
        assertFails("save", [.string("a"), .string("x.npy")], "save: x must be a tensor or number, got string")

        let bad = tmp.appendingPathComponent("bad.npy").path
        try Data("not numpy".utf8).write(to: URL(fileURLWithPath: bad))
        assertFails("load", [.string(bad)], "load: \"\(bad)\" is not a .npy file")

        let csv = tmp.appendingPathComponent("bad.csv").path
        try Data("a,b\n1,2\n3\n".utf8).write(to: URL(fileURLWithPath: csv))
        assertFails("load", [.string(csv)], "load: \"\(csv)\", line 3: expected 2 values like the header, got 1")

        let cube = Tensor(shape: [2, 2, 2], data: [Double](repeating: 1, count: 8))
        assertFails("save", [.tensor(cube), .string(tmp.appendingPathComponent("c.csv").path)],
                    "save: .csv holds a vector or a matrix, got a tensor of shape [2, 2, 2]")
        assertFails("save", [vec([1]), .string(tmp.appendingPathComponent("no/dir/x.npy").path)], "does not exist")
        assertFails("save", [vec([1]), .string(tmp.path + "/")], "save: cannot tell the format")
    }

    // MARK: - higher-order

    func testMapOverVectorsAndRows() throws {
        let double = fn("double", ["x"]) { v in
            guard let t = v[0].asTensor else { throw CoreError("not a tensor") }
            return Value.from(try t.map { 2 * $0 })
        }
        XCTAssertEqual(try call("map", [double, vec([1, 2, 3])]).asTensor, Tensor([2, 4, 6]))
        // rows of a matrix → equal-shape results stacked
        XCTAssertEqual(try call("map", [double, mat(2, 2, [1, 2, 3, 4])]).asTensor,
                       Tensor(shape: [2, 2], data: [2, 4, 6, 8]))
        // rows → numbers gives a vector (row sums)
        let rowSum = fn("rowsum", ["r"]) { v in .number(Summation.sum(v[0].asTensor?.data ?? [])) }
        XCTAssertEqual(try call("map", [rowSum, mat(2, 3, [1, 2, 3, 4, 5, 6])]).asTensor, Tensor([6, 15]))
        // numbers → vectors gives a matrix
        let pair = fn("pair", ["x"]) { v in .tensor(Tensor([v[0].asTensor?.scalarValue ?? 0, 1])) }
        XCTAssertEqual(try call("map", [pair, vec([5, 6, 7])]).asTensor, Tensor(shape: [3, 2], data: [5, 1, 6, 1, 7, 1]))
        // bools become 0/1
        let pos = fn("pos", ["x"]) { v in .bool((v[0].asTensor?.scalarValue ?? 0) > 0) }
        XCTAssertEqual(try call("map", [pos, vec([-1, 2])]).asTensor, Tensor([0, 1]))
        // rank 3: items are matrices
        let cube = Tensor(shape: [2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(try call("map", [double, .tensor(cube)]).asTensor, try cube.map { 2 * $0 })
        // empty input
        XCTAssertEqual(try call("map", [double, vec([])]).asTensor, Tensor([]))
        XCTAssertEqual(caller.calls, 3 + 2 + 2 + 3 + 2 + 2)
    }

    func testMapErrors() {
        let ragged = fn("ragged", ["x"]) { v in
            let n = Int(v[0].asTensor?.scalarValue ?? 1)
            return .tensor(Tensor([Double](repeating: 0, count: n)))
        }
        assertFails("map", [ragged, vec([1, 2])], "map: f returned shape [1] for item 0 but shape [2] for item 1")
        let mixed = fn("mixed", ["x"]) { v in (v[0].asTensor?.scalarValue ?? 0) > 1 ? .tensor(Tensor([1, 2])) : .number(0) }
        assertFails("map", [mixed, vec([1, 2])], "map: f returned a number for item 0 but shape [2] for item 1")
        let str = fn("str", ["x"]) { _ in .string("s") }
        assertFails("map", [str, vec([1])], "map: f must return numbers or tensors, got string for item 0")
        let id = fn("id", ["x"]) { v in v[0] }
        assertFails("map", [id, .number(3)], "map: xs must be a tensor with at least one axis, got a number")
        assertFails("map", [.number(1), vec([1])], "map: f must be a function, got number")
        let two = fn("two", ["a", "b"]) { v in v[0] }
        assertFails("map", [two, vec([1])], "two is missing argument 'b'")
    }

    func testFilter() throws {
        let gt1 = fn("gt1", ["x"]) { v in .bool((v[0].asTensor?.scalarValue ?? 0) > 1) }
        XCTAssertEqual(try call("filter", [gt1, vec([0, 3, 1, 5])]).asTensor, Tensor([3, 5]))
        XCTAssertEqual(try call("filter", [gt1, vec([0, 1])]).asTensor, Tensor([]))
        // rows whose first element is nonzero; the predicate returns a number
        let first = fn("first", ["r"]) { v in .number(v[0].asTensor?.data.first ?? 0) }
        XCTAssertEqual(try call("filter", [first, mat(3, 2, [1, 2, 0, 3, -1, 4])]).asTensor,
                       Tensor(shape: [2, 2], data: [1, 2, -1, 4]))
        let never = fn("never", ["r"]) { _ in .bool(false) }
        XCTAssertEqual(try call("filter", [never, mat(3, 2, [1, 2, 0, 3, -1, 4])]).asTensor?.shape, [0, 2])
        let vecPred = fn("vp", ["r"]) { v in v[0] }
        assertFails("filter", [vecPred, mat(2, 2, [1, 2, 3, 4])], "filter: f must return true or false, got tensor of shape [2] for item 0")
    }

    func testReduceFoldsLeft() throws {
        let sub = fn("sub", ["a", "b"]) { v in
            .number((v[0].asTensor?.scalarValue ?? .nan) - (v[1].asTensor?.scalarValue ?? .nan))
        }
        // ((10 − 1) − 2) − 3 = 4: left fold, as functools.reduce
        XCTAssertEqual(num(try call("reduce", [sub, vec([1, 2, 3]), .number(10)])), 4)
        XCTAssertEqual(num(try call("reduce", [sub, vec([]), .number(10)])), 10)
        // rows accumulate into a tensor
        let addRows = fn("addrows", ["a", "b"]) { v in
            guard let a = v[0].asTensor, let b = v[1].asTensor else { throw CoreError("bad") }
            return .tensor(try Tensor.zip(a, b, "+") { $0 + $1 })
        }
        XCTAssertEqual(try call("reduce", [addRows, mat(3, 2, [1, 2, 3, 4, 5, 6]), vec([0, 0])]).asTensor, Tensor([9, 12]))
        // init may be any value
        let count = fn("count", ["a", "b"]) { v in
            if case .string(let s) = v[0] { return .string(s + "x") }
            return .none
        }
        if case .string(let s) = try call("reduce", [count, vec([1, 2, 3]), .string("")]) { XCTAssertEqual(s, "xxx") } else { XCTFail() }
        assertFails("reduce", [sub, vec([1])], "reduce is missing argument 'init'")
    }

    // MARK: - time

    func testTimeCallsWarmupPlusRepeatAndReturnsAMedian() throws {
        var n = 0
        let sleepy = fn("sleepy", []) { _ in
            n += 1
            usleep(n == 3 ? 200_000 : 2_000)  // one slow outlier, ignored by the median
            return .none
        }
        let t = num(try call("time", [sleepy], [(name: "repeat", value: .number(5))]))
        XCTAssertEqual(n, 6)  // warm-up + 5
        XCTAssertGreaterThan(t, 0.0015)
        XCTAssertLessThan(t, 0.1)
        n = 0
        _ = try call("time", [sleepy])
        XCTAssertEqual(n, 6)  // default repeat: 5
        assertFails("time", [sleepy], "time: repeat must be at least 1, got 0", keywords: [(name: "repeat", value: .number(0))])
        assertFails("time", [sleepy], "time: repeat must be at most 1000000", keywords: [(name: "repeat", value: .number(1e12))])
        assertFails("time", [.number(1)], "time: f must be a function, got number")
        let needsArg = fn("needs", ["x"]) { v in v[0] }
        assertFails("time", [needsArg], "needs is missing argument 'x'")
    }
}

private extension Value {
    var isNone: Bool { if case .none = self { return true } else { return false } }
}

/// The same built-ins through the interpreter: help examples and lambdas/user functions.
final class RandomIOSessionTests: XCTestCase {
    /// Runs `source` in a fresh session; returns the displayed texts (and the error, if any).
    func run(_ source: String) -> [String] {
        let s = Session()
        var out: [String] = []
        s.onOutput = { ev in
            if case .value(let v, _) = ev { out.append(s.format(v)) }
        }
        if let e = s.run(source, file: "<test>") { out.append("error: \(e.message)") }
        return out
    }

    override func tearDown() {
        Random.seed(0)
        super.tearDown()
    }

    func testHelpExamplesRunThroughTheInterpreter() {
        for name in ["seed", "rand", "randn", "randint", "shuffle", "load", "save", "time", "map", "filter", "reduce"] {
            guard let b = Registry.standard[name] else { XCTFail("\(name) is not in the standard registry"); continue }
            XCTAssertEqual(run(b.example), [b.exampleOutput], "example of \(name): \(b.example)")
        }
    }

    func testHigherOrderWithLambdasAndUserFunctions() {
        XCTAssertEqual(run("map(r -> sum(r), [1, 2; 3, 4])"), ["[3, 7]"])
        XCTAssertEqual(run("map(x -> [x, x^2], [1, 2, 3])"), ["3×2 tensor\n 1  1\n 2  4\n 3  9"])
        XCTAssertEqual(run("fn sq(x) = x^2\nmap(sq, [1, 2])"), ["[1, 4]"])
        XCTAssertEqual(run("map(abs, [-1, 2])"), ["[1, 2]"])
        XCTAssertEqual(run("filter(r -> r[0] > 1, [1, 2; 3, 4; 5, 6])"), ["2×2 tensor\n 3  4\n 5  6"])
        XCTAssertEqual(run("reduce((a, r) -> a + r, [1, 2; 3, 4], [0, 0])"), ["[4, 6]"])
        XCTAssertEqual(run("reduce((a, b) -> a - b, [1, 2, 3], 10)"), ["4"])
        XCTAssertEqual(run("map(x -> if x > 1 then [1] else 0, [1, 2])"),
                       ["error: map: f returned a number for item 0 but shape [1] for item 1; results must all have the same shape to be stacked"])
    }

    func testRandomReproducibleAcrossStatements() {
        let a = run("seed(5); randn([2, 3])")
        XCTAssertEqual(a.count, 1)
        XCTAssertEqual(run("seed(5); randn([2, 3])"), a)
        XCTAssertEqual(run("seed(5); x = rand(4); seed(5); y = rand(4); x == y"), ["[1, 1, 1, 1]"])
        XCTAssertEqual(run("randint(3, 1, 2)"),
                       ["error: randint: hi must be greater than lo (hi is exclusive), got lo = 3 and hi = 1"])
    }
}
