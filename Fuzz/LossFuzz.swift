// The in-process libFuzzer target of `loss` (docs/reference.md §9): every input goes through the
// whole pipeline — lexer, parser, compiler, interpreter — in a fresh `Session`, with a budget on
// time (a watchdog sets the interrupt flag, which loops, calls and kernels obey), recursion (the
// interpreter's own depth limit) and memory (`Memory.limit`), so that slow or greedy inputs end as
// errors. A crash, a sanitizer report, a single allocation above -malloc_limit_mb or an input that
// outlives -timeout is a bug.
//
// Modes (LOSS_FUZZ_MODE):
//   text      the input is the program's source (seeded with Examples/ and the language tests)
//   registry  the input's bytes choose built-ins from the registry and their arguments —
//             positional and keyword, numbers, tensors of random shapes, strings, functions,
//             records — since random bytes rarely get past the parser
//
// Built by Scripts/fuzz.sh (swiftc -sanitize=fuzzer,address), not by `swift build`.

import Foundation
import LossCore
import LossLang
#if os(Linux)
import Synchronization
#endif

// MARK: - Budget

/// Wall-clock budget of one input, in milliseconds (LOSS_FUZZ_BUDGET_MS, default 25).
let budgetNanos = UInt64(Int(ProcessInfo.processInfo.environment["LOSS_FUZZ_BUDGET_MS"] ?? "") ?? 25) * 1_000_000
/// Tensor memory of one input (LOSS_FUZZ_MEMORY, default 256M).
let memoryLimit = Memory.parseSize(ProcessInfo.processInfo.environment["LOSS_FUZZ_MEMORY"] ?? "") ?? 256 << 20
let mode = ProcessInfo.processInfo.environment["LOSS_FUZZ_MODE"] ?? "text"
let verbose = ProcessInfo.processInfo.environment["LOSS_FUZZ_VERBOSE"] != nil

let deadline = Atomic<UInt64>(0)

/// Sets the interrupt flag once the running input passes its deadline.
func watchdog() {
    while true {
        usleep(2_000)
        let d = deadline.load(ordering: .acquiring)
        if d != 0 && DispatchTime.now().uptimeNanoseconds > d { Interrupt.requested = true }
    }
}

nonisolated(unsafe) var started = false

func setUp() {
    if started { return }
    started = true
    Memory.limit = memoryLimit
    // Scripts/fuzz.sh gives the main thread a 1 GiB stack (ulimit -s): no thread per input
    var lim = rlimit()
    if getrlimit(Int32(RLIMIT_STACK.rawValue), &lim) == 0, lim.rlim_cur >= 1 << 30 { BigStack.onCallingThread = true }
    let w = Thread { watchdog() }
    w.stackSize = 1 << 20
    w.start()
}

/// Built-ins that touch files: never run (an input could name any path).
let fileBuiltins: Set<String> = ["load", "save", "savefig"]

/// Whether `source` mentions a file built-in as a word.
func touchesFiles(_ source: String) -> Bool {
    var word = ""
    for ch in source.unicodeScalars {
        if ch == "_" || (ch.properties.isAlphabetic) || (ch.value >= 48 && ch.value <= 57 && !word.isEmpty) {
            word.unicodeScalars.append(ch)
        } else {
            if fileBuiltins.contains(word) { return true }
            word = ""
        }
    }
    return fileBuiltins.contains(word)
}

func run(_ source: String) {
    if touchesFiles(source) { return }
    let session = Session()
    session.onOutput = { _ in }
    Interrupt.requested = false
    deadline.store(DispatchTime.now().uptimeNanoseconds + budgetNanos, ordering: .releasing)
    let error = session.run(source, file: "<fuzz>")
    deadline.store(0, ordering: .releasing)
    Interrupt.requested = false
    if let e = error {
        // rendering is part of the pipeline too
        let text = Diagnostics.render(e, source: source)
        if verbose { FileHandle.standardError.write(("--- program\n" + source + "\n--- " + text).data(using: .utf8)!) }
    } else if verbose {
        FileHandle.standardError.write(("--- program\n" + source + "\n--- ok\n").data(using: .utf8)!)
    }
}

// MARK: - Structured programs

/// Reads choices from the input's bytes (zeros once they run out).
struct Bytes {
    let data: UnsafeBufferPointer<UInt8>
    var at = 0
    var exhausted: Bool { at >= data.count }
    mutating func byte() -> Int {
        defer { at += 1 }
        return at < data.count ? Int(data[at]) : 0
    }
    mutating func pick<T>(_ xs: [T]) -> T { xs[byte() % xs.count] }
    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : byte() % n }
}

let numbers = ["0", "1", "-1", "2", "0.5", "-2.5", "3", "10", "1e-300", "1e300", "inf", "-inf", "nan", "-0.0",
               "100", "0.999", "1e-12", "7", "2^31", "2^53", "-3", "0.1", "64", "1e6"]
let strings = ["\"mean\"", "\"sum\"", "\"none\"", "\"\"", "\"x\"", "\"l2\"", "\"cosine\"", "\"softmax\"", "\"adam\"",
               "\"sgd\"", "\"lbfgs\"", "\"contrast\"", "\"a,b\\n1,2\\n\"", "\"é\""]
let functions = ["exp", "sin", "abs", "sum", "x -> x * 2", "(a, b) -> a + b", "x -> sum(x^2)", "x -> x",
                 "mean", "v -> [v, v]", "(x, y) -> x", "print", "f"]

/// A value expression; `names` are bindings made by earlier statements.
func value(_ b: inout Bytes, _ names: [String], depth: Int = 0) -> String {
    switch b.below(depth > 1 ? 6 : 12) {
    case 0, 1: return b.pick(numbers)
    case 2, 3, 4: return tensor(&b)
    case 5: return names.isEmpty ? b.pick(numbers) : b.pick(names)
    case 6: return b.pick(strings)
    case 7: return b.pick(["true", "false", "none"])
    case 8: return b.pick(functions)
    case 9: return "(w: \(value(&b, names, depth: depth + 1)), b: \(value(&b, names, depth: depth + 1)))"
    case 10: return "[\(value(&b, names, depth: depth + 1)), \(value(&b, names, depth: depth + 1))]"
    default: return "\(value(&b, names, depth: depth + 1))\(b.pick([" + ", " * ", " - ", " / ", "[0]", "[1:]", ".w", " > "]))\(b.pick(numbers))"
    }
}

/// A tensor of a random shape: literal values, class labels, or a constructor.
func tensor(_ b: inout Bytes) -> String {
    let rank = b.below(4)
    var shape: [Int] = []
    for _ in 0..<rank { shape.append(b.pick([0, 1, 2, 3, 4, 5, 1, 2, 3])) }
    let count = shape.reduce(1, *)
    switch b.below(6) {
    case 0: return "zeros(\(shape))"
    case 1: return "randn(\(shape))"
    case 2:
        if count == 0 || rank == 0 { return "ones(\(shape))" }
        let labels = (0..<count).map { _ in String(b.below(4)) }
        return "reshape([\(labels.joined(separator: ", "))], \(shape))"
    case 3: return "rand(\(shape))"
    case 4: return b.pick(["[2^20]", "ones([2^13])", "ones([2^26])", "range(\(b.below(50)))", "eye(3)", "[[1, 2], [3, 4]]", "[0.2, 0.3, 0.5]", "[]"])
    default:
        if count == 0 || rank == 0 { return "full(\(shape), \(b.pick(numbers)))" }
        let vals = (0..<count).map { _ in b.pick(numbers) }
        return "reshape([\(vals.joined(separator: ", "))], \(shape))"
    }
}

let callable: [Builtin] = Registry.standard.all.filter { !fileBuiltins.contains($0.name) }

/// Up to four statements, each a call of a built-in with generated arguments; later calls may use
/// earlier results.
func program(_ b: inout Bytes) -> String {
    var lines: [String] = []
    var names: [String] = []
    let statements = 1 + b.below(4)
    for s in 0..<statements {
        let f = b.pick(callable)
        var args: [String] = []
        // mostly the required arguments (so that the call gets past arity checks), sometimes any number
        let required = f.params.filter(\.isRequired).count
        let positional = b.below(4) == 0 ? b.below(f.params.count + 2) : required
        for _ in 0..<positional { args.append(value(&b, names)) }
        // keywords: some of the parameters after the positional ones, sometimes a wrong name
        for p in f.params.dropFirst(positional) where b.below(3) == 0 {
            args.append("\(p.name): \(value(&b, names))")
        }
        if b.below(16) == 0 { args.append("\(b.pick(["gama", "axis", "reduction", "x"])): \(value(&b, names))") }
        let name = "r\(s)"
        lines.append("\(name) = \(f.name)(\(args.joined(separator: ", ")))")
        names.append(name)
        if b.exhausted { break }
    }
    lines.append(b.pick(names))
    return lines.joined(separator: "\n")
}

// MARK: - Entry point

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    setUp()
    let buf = UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
    if mode == "registry" {
        var b = Bytes(data: buf)
        run(program(&b))
    } else {
        run(String(decoding: buf, as: UTF8.self))
    }
    return 0
}
