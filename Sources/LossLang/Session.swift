import Foundation
import LossCore

/// What a statement displays: a value (display rule) or the text of `print`.
public enum OutputEvent {
    /// A value displayed by a top-level expression statement; span is the statement's.
    case value(Value, SourceSpan)
    /// Text written by `print` (without the trailing newline).
    case print(String, SourceSpan)
    /// A warning (e.g. shadowing a built-in), shown once.
    case warning(String, SourceSpan)
}

/// Set from a SIGINT handler; the interpreter checks it at loop iterations and calls, and the
/// core's long kernels between chunks (it is LossCore's `Interruption.requested`, an atomic),
/// and raises an "interrupted" error, leaving every binding intact.
public enum Interrupt {
    public static var requested: Bool {
        @inline(__always) get { Interruption.requested }
        @inline(__always) set { Interruption.requested = newValue }
    }
}

/// One interpreter session: the REPL, scripts, `-e`, notebooks and tests all drive it
/// the same way. Globals persist across `run` calls.
public final class Session {
    public var precision: Int = 6
    /// Receives every displayed value and printed text, in order.
    public var onOutput: (OutputEvent) -> Void = { _ in }
    /// Set by a front end on a terminal: shows a progress line of a long fit (`minimize`),
    /// or erases it when called with nil. Nil in scripts, notebooks and `--json`.
    public var onProgress: ((String?) -> Void)? = nil
    /// `args` of a script.
    public var scriptArgs: [String] = [] {
        didSet { bindArgs() }
    }
    let interp: Interpreter
    /// The span of the statement being run (for print events).
    var currentSpan: SourceSpan = .unknown

    public init(precision: Int = 6) {
        self.precision = precision
        interp = Interpreter(registry: Registry.standard)
        interp.session = self
        bindArgs()
    }

    func bindArgs() {
        interp.globals[interp.globalSlot("args")] = .list(scriptArgs.map { .string($0) })
    }

    func warn(_ message: String, _ span: SourceSpan) { onOutput(.warning(message, span)) }
    func emitPrint(_ text: String) { onOutput(.print(text, currentSpan)) }

    /// Parses and runs `source` (one or more statements) as coming from `file`
    /// (a path, `<repl>` or `<-e>`). Returns the first error, with `file` set, or nil.
    /// Runs on a thread with a large stack so deep recursion is an error, not a crash.
    @discardableResult
    public func run(_ source: String, file: String) -> LangError? {
        var result: LangError? = nil
        BigStack.run { result = self.runHere(source, file: file) }
        return result
    }

    func runHere(_ source: String, file: String) -> LangError? {
        let unit = SourceUnit(file: file, text: source)
        let stmts: [Stmt]
        do { stmts = try Parser.parseHere(source) } catch var e as LangError {
            e.file = file
            return e
        } catch {
            return LangError(.runtime, "\(error)").located(unit)
        }
        for st in stmts {
            do {
                var c = Compiler(interp, unit)
                let node = try c.statement(st)
                currentSpan = st.span
                let flow = try node.exec(interp)
                if flow != .normal { throw LangError(.syntax, "'break' or 'continue' outside a loop", st.span).located(unit) }
                if case .expr(_, let display, let sp) = st, display {
                    let v = interp.lastValue
                    // like IPython, `none` (e.g. the result of print) is not displayed
                    if case .none = v { continue }
                    interp.globals[interp.globalSlot("ans")] = v
                    onOutput(.value(v, sp))
                }
                interp.lastValue = .none
            } catch var e as LangError {
                if e.file.isEmpty { e.file = file }
                resetStack()
                if e.message.hasPrefix(LangError.outOfMemory) { e.message += bindingsNote() }
                return e
            } catch let e as LimitError {
                resetStack()
                var le = LangError(e, st.span).located(unit)
                if e.kind == .memory { le.message += bindingsNote() }
                return le
            } catch let e as CoreError {
                resetStack()
                return LangError(.value, e.message, st.span, hint: e.hint).located(unit)
            } catch {
                resetStack()
                return LangError(.runtime, "\(error)", st.span).located(unit)
            }
        }
        return nil
    }

    func resetStack() {
        interp.clearStack()
        interp.fp = 0; interp.sp = 0; interp.closure = nil; interp.depth = 0
        Interrupt.requested = false
    }

    /// True when `source` is an unfinished statement (open bracket or brace,
    /// trailing binary operator or comma): the REPL then asks for another line.
    public func needsMoreInput(_ source: String) -> Bool {
        do {
            _ = try Parser.parse(source)
            return false
        } catch let e as LangError {
            return e.isIncomplete
        } catch { return false }
    }

    /// Completion candidates for the word ending at `cursor` (a UTF-8 offset in `line`):
    /// built-ins and user names, or the callee's keyword parameters (`gamma:`) inside a call.
    public func completions(line: String, cursor: Int) -> [String] {
        completionCandidates(line: line, cursor: cursor, names: interp.visibleNames(), parameters: { [weak self] name in
            self?.parameterNames(of: name)
        }, fields: { [weak self] path in
            self?.fieldNames(at: path)
        })
    }

    /// The fields of the record held by `path` (`["fit", "x"]` is `fit.x`), or nil.
    func fieldNames(at path: [String]) -> [String]? {
        guard let first = path.first, let i = interp.globalIndex[first], var v = interp.globals[i] else { return nil }
        for name in path.dropFirst() {
            guard case .record(let r) = v, let next = r[name] else { return nil }
            v = next
        }
        if case .record(let r) = v { return r.names }
        return nil
    }

    /// Parameter names of a built-in or of a user function bound to `name`.
    public func parameterNames(of name: String) -> [String]? {
        if let i = interp.globalIndex[name], let v = interp.globals[i], case .function(let f) = v {
            switch f.kind {
            case .builtin(let b): return b.params.map(\.name)
            case .user(let u): return u.paramNames
            }
        }
        return Registry.standard[name]?.params.map(\.name)
    }

    /// The user's bindings as (name, one-line description).
    public var userBindings: [(name: String, summary: String)] {
        var out: [(String, String)] = []
        for (i, n) in interp.globalNames.enumerated() {
            guard let v = interp.globals[i], n != "args" else { continue }
            if let c = Interpreter.constants[n], Operators.equal(c, v) || (n == "nan") { continue }
            if let b = Registry.standard[n], case .function(let f) = v, case .builtin(let fb) = f.kind, fb === b { continue }
            out.append((n, summary(v)))
        }
        return out.sorted { $0.0 < $1.0 }
    }

    func summary(_ v: Value) -> String {
        switch v {
        case .tensor(let t): return "tensor \(t.shape.map(String.init).joined(separator: "×"))"
        case .function(let f):
            if case .user(let u) = f.kind { return "function \(u.signatureText)" }
            return "built-in \(f.name)"
        case .string(let s): return "string \(Display.quote(s.count > 40 ? String(s.prefix(40)) + "…" : s))"
        case .record(let r): return "record (\(r.names.joined(separator: ", ")))"
        default:
            let t = format(v)
            return "\(v.typeName) \(t.count > 50 ? String(t.prefix(50)) + "…" : t)"
        }
    }

    /// ` (a: 1 GiB, b: 512 MiB, …)`: the bindings holding the most tensor memory, for the
    /// out-of-memory message (docs/reference.md §9); empty when none holds a counted tensor.
    func bindingsNote(top: Int = 3) -> String {
        var sizes: [(name: String, bytes: Int)] = []
        for (i, n) in interp.globalNames.enumerated() {
            guard let v = interp.globals[i] else { continue }
            var seen = Set<UnsafeRawPointer>()
            let b = Session.tensorBytes(v, &seen, depth: 0)
            if b >= Memory.trackedElements * 8 { sizes.append((n, b)) }
        }
        if sizes.isEmpty { return "" }
        sizes.sort { $0.bytes != $1.bytes ? $0.bytes > $1.bytes : $0.name < $1.name }
        let shown = sizes.prefix(top).map { "\($0.name): \(Memory.format($0.bytes))" }
        return " (" + shown.joined(separator: ", ") + (sizes.count > top ? ", …" : "") + ")"
    }

    /// Bytes of the tensor data a value holds (each buffer once), through lists and records.
    static func tensorBytes(_ v: Value, _ seen: inout Set<UnsafeRawPointer>, depth: Int) -> Int {
        if depth > 32 { return 0 }
        switch v {
        case .tensor(let t):
            guard let p = t.data.withUnsafeBufferPointer({ $0.baseAddress }) else { return 0 }
            return seen.insert(UnsafeRawPointer(p)).inserted ? t.count * 8 : 0
        case .list(let xs):
            return xs.reduce(0) { $0 + tensorBytes($1, &seen, depth: depth + 1) }
        case .record(let r):
            return r.values.reduce(0) { $0 + tensorBytes($1, &seen, depth: depth + 1) }
        default:
            return 0
        }
    }

    /// Forgets every user binding.
    public func reset() {
        interp.warnedShadow = []
        interp.globals = []
        interp.globalIndex = [:]
        interp.globalNames = []
        resetStack()
        bindArgs()
    }

    /// The text of a value under the current precision.
    public func format(_ v: Value) -> String { Display.text(v, precision: precision) }

    /// Help text for a name (`?name`), or nil when unknown.
    public func help(_ name: String) -> String? {
        if let b = Registry.standard[name] { return Help.text(for: b) }
        if let i = interp.globalIndex[name], let v = interp.globals[i] {
            if case .function(let f) = v, case .user(let u) = f.kind { return "\(u.signatureText)\n  a function you defined" }
            return "\(name): \(summary(v))"
        }
        if Interpreter.constants[name] != nil { return "\(name): constant \(format(Interpreter.constants[name]!))" }
        return nil
    }

    /// Names for did-you-mean in front ends.
    public var allNames: [String] { interp.visibleNames() }
}

/// Runs work on a thread with a 1 GiB stack and waits for it.
public enum BigStack {
    /// Run on the calling thread instead, which must have a large stack of its own: the fuzzer
    /// sets it (its main thread's stack comes from `ulimit -s`), for whom a thread per input
    /// costs more than the input.
    nonisolated(unsafe) public static var onCallingThread = false

    /// Whether the calling thread has a large stack (one of ours, or the fuzzer's).
    static var isLarge: Bool { onCallingThread || Thread.current.stackSize >= 1 << 28 }

    static func run(_ body: @escaping () -> Void) {
        if onCallingThread { body(); return }
        let sem = DispatchSemaphore(value: 0)
        let t = Thread {
            body()
            sem.signal()
        }
        t.stackSize = 1 << 30
        t.start()
        sem.wait()
    }
}
