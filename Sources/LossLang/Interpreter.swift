import Foundation
import LossCore

/// How a statement finished.
enum Flow { case normal, breakLoop, continueLoop, returned }

/// The tree-walking interpreter's state: globals, the stack of locals, the current closure.
public final class Interpreter: FunctionCaller {
    var globals: [Value?] = []
    var globalNames: [String] = []
    var globalIndex: [String: Int] = [:]
    /// Locals of the active calls: frame k occupies stack[fp ..< fp + localCount]; `frame`
    /// points at stack[fp]. A manually managed buffer (no bounds or uniqueness checks on the
    /// hot path): every slot is initialised (nil when free), and `growStack` keeps it so.
    private(set) var stack: UnsafeMutablePointer<Value?>
    private(set) var stackCapacity: Int
    var frame: UnsafeMutablePointer<Value?>
    var fp = 0 { didSet { frame = stack + fp } }
    var sp = 0
    /// The running function. Not retained: a running function is kept alive by its caller
    /// (the callee value of the CallNode or the built-in's argument).
    var closureRef: Unmanaged<UserFunction>? = nil
    var closure: UserFunction? {
        get { closureRef?.takeUnretainedValue() }
        set { closureRef = newValue.map { .passUnretained($0) } }
    }
    var depth = 0
    /// The value of the last expression statement executed (a block's value).
    var lastValue: Value = .none
    /// `lastValue = .none`, skipping the store (and the release of the old value) when it
    /// is none already.
    @inline(__always)
    func clearLastValue() {
        if case .none = lastValue { return }
        lastValue = .none
    }
    var returnValue: Value = .none
    var warnedShadow: Set<String> = []
    let registry: Registry
    weak var session: Session?

    public static let maxCallDepth = 8000

    init(registry: Registry) {
        self.registry = registry
        stackCapacity = 1024
        stack = .allocate(capacity: stackCapacity)
        stack.initialize(repeating: nil, count: stackCapacity)
        frame = stack
    }

    deinit {
        stack.deinitialize(count: stackCapacity)
        stack.deallocate()
    }

    /// Makes room for slots up to `top` (exclusive).
    @inline(never)
    func growStack(_ top: Int) {
        let cap = Swift.max(top, 2 * stackCapacity)
        let new = UnsafeMutablePointer<Value?>.allocate(capacity: cap)
        new.moveInitialize(from: stack, count: stackCapacity)
        (new + stackCapacity).initialize(repeating: nil, count: cap - stackCapacity)
        stack.deallocate()
        stack = new
        stackCapacity = cap
        frame = stack + fp
    }

    /// Frees every slot (after an error unwound the calls).
    func clearStack() {
        for i in 0..<stackCapacity { stack[i] = nil }
    }

    static let constants: [String: Value] = ["pi": .number(Double.pi), "e": .number(M_E), "inf": .number(.infinity), "nan": .number(.nan)]

    /// The global slot of `name`, created on first use; built-ins and constants start bound.
    func globalSlot(_ name: String) -> Int {
        if let i = globalIndex[name] { return i }
        let i = globals.count
        globalIndex[name] = i
        globalNames.append(name)
        if let c = Interpreter.constants[name] { globals.append(c) }
        else if let b = registry[name] { globals.append(.function(Function(.builtin(b)))) }
        else { globals.append(nil) }
        return i
    }

    func isBuiltinName(_ name: String) -> Bool { registry[name] != nil || Interpreter.constants[name] != nil }

    /// Names visible to the user (for did-you-mean and completion).
    func visibleNames() -> [String] {
        var s = Set(registry.names)
        s.formUnion(Interpreter.constants.keys)
        for (n, i) in globalIndex where globals[i] != nil { s.insert(n) }
        return Array(s)
    }

    func checkInterrupt(_ node: Node) throws {
        if Interrupt.requested {
            Interrupt.requested = false
            throw node.error(.interrupt, "interrupted")
        }
    }

    // MARK: calls

    public func call(_ f: Function, _ args: [Value]) throws -> Value {
        let v = try callFunction(f, positional: args, keywords: [], at: nil)
        if v.isTracked { trackedCallback = true }
        return v
    }

    /// Set when a built-in called back into a function that returned a value tracked by
    /// the gradient tape: unless the built-in returns a tracked value itself (reduce does),
    /// the gradient would be lost, so that is an error.
    var trackedCallback = false

    /// The built-in `range`, which for loops walk lazily.
    static let rangeBuiltin = Registry.standard["range"]

    func callFunction(_ f: Function, positional: [Value], keywords: [(name: String, value: Value)], at node: CallNode?) throws -> Value {
        switch f.kind {
        case .user(let u):
            return try callUser(u, positional: positional, keywords: keywords, at: node)
        case .builtin(let b):
            let args = try bind(b, positional: positional, keywords: keywords, at: node)
            do {
                if !AD.active {
                    let v = try b.impl(args)
                    // a core kernel stopped early by Ctrl-C returns a partial result: never bind it
                    if Interrupt.requested { throw LimitError.interrupted }
                    return v
                }
                let saved = trackedCallback
                trackedCallback = false
                defer { trackedCallback = saved || trackedCallback }
                let out = try AD.callBuiltin(b, args)
                if trackedCallback && !out.isTracked && b.name != "grad" {
                    throw CoreError("grad: cannot differentiate through \(b.name), which loses the gradient of the values f returns",
                                    hint: "write it with tensor operations (e.g. x^2 instead of map(v -> v^2, x)), or with a for loop")
                }
                return out
            } catch let e as CoreError {
                if let node = node { throw LangError(.value, e.message, node.span, hint: e.hint).located(node.unit) }
                throw e
            } catch let e as LimitError {
                if let node = node { throw LangError(e, node.span).located(node.unit) }
                throw e
            } catch var e as LangError where e.span == .unknown {
                if let node = node { e.span = node.span; e = e.located(node.unit) }
                throw e
            }
        }
    }

    /// Matches a built-in's arguments; a mismatch is an error at the call (or at the keyword).
    func bind(_ b: Builtin, positional: [Value], keywords: [(name: String, value: Value)], at node: CallNode?) throws -> Args {
        do {
            return try b.bind(positional: positional, keywords: keywords, caller: self)
        } catch let e as BindError {
            if let node = node {
                var sp = node.span
                if let k = e.keyword, k < node.keywordSpans.count { sp = node.keywordSpans[k] }
                throw LangError(.arity, e.message, sp, hint: e.hint).located(node.unit)
            }
            throw CoreError(e.message, hint: e.hint)
        }
    }

    func callUser(_ u: UserFunction, positional: [Value], keywords: [(name: String, value: Value)], at node: CallNode?) throws -> Value {
        let n = u.paramNames.count
        func fail(_ msg: String, _ hint: String? = nil) -> Error {
            if let node = node { return LangError(.arity, msg, node.span, hint: hint).located(node.unit) }
            return CoreError(msg, hint: hint)
        }
        if positional.count > n {
            throw fail("\(u.name) takes \(n) argument\(n == 1 ? "" : "s") (\(u.paramNames.joined(separator: ", "))), got \(positional.count)", "usage: \(u.signatureText)")
        }
        depth += 1
        defer { depth -= 1 }
        if depth > Interpreter.maxCallDepth {
            throw fail("maximum recursion depth (\(Interpreter.maxCallDepth)) exceeded in \(u.name)", "check the base case of the recursion")
        }
        if Interrupt.requested {
            // also reached from built-ins calling back (map, filter, reduce, time, plot)
            if let node = node { try checkInterrupt(node) }
            Interrupt.requested = false
            throw LangError(.interrupt, "interrupted")
        }
        let base = sp
        let top = base + u.localCount
        if top > stackCapacity { growStack(top) }
        for i in 0..<positional.count { stack[base + i] = positional[i] }
        for kw in keywords {
            guard let i = u.paramNames.firstIndex(of: kw.name) else {
                for j in base..<top { stack[j] = nil }
                let s = Diagnostics.suggest(kw.name, among: u.paramNames)
                throw fail("\(u.name) has no parameter '\(kw.name)'; its parameters are \(u.paramNames.joined(separator: ", "))", s.map { "did you mean '\($0)'?" })
            }
            if stack[base + i] != nil {
                for j in base..<top { stack[j] = nil }
                throw fail("\(u.name): parameter '\(kw.name)' given twice")
            }
            stack[base + i] = kw.value
        }
        for i in 0..<n where stack[base + i] == nil {
            if let d = u.defaults[i] { stack[base + i] = d } else {
                for j in base..<top { stack[j] = nil }
                throw fail("\(u.name) is missing argument '\(u.paramNames[i])'", "usage: \(u.signatureText)")
            }
        }
        let savedFp = fp, savedSp = sp, savedClosure = closureRef
        fp = base; sp = top; closureRef = .passUnretained(u)
        defer {
            for j in base..<top { stack[j] = nil }
            fp = savedFp; sp = savedSp; closureRef = savedClosure
        }
        do {
            return try u.body.eval(self)
        } catch var e as LangError {
            if let node = node { e.addCall(from: savedClosure?.takeUnretainedValue().name, file: node.unit.file, span: node.span) }
            throw e
        }
    }
}

extension Interpreter {
    /// `u(a0)` from a built-in (map, filter): the argument goes straight into the new frame,
    /// without arrays. Same checks, errors and bookkeeping as `call(_:_:)`, which it
    /// replaces for user functions.
    func callDirect(_ u: UserFunction, _ a0: Value) throws -> Value {
        guard 1 <= u.paramCount, 1 == u.paramCount || u.defaults[1] != nil else {
            let v = try callUser(u, positional: [a0], keywords: [], at: nil)
            if v.isTracked { trackedCallback = true }
            return v
        }
        return try enterDirect(u, 1) { fr in fr[0] = a0 }
    }

    /// `u(a0, a1)` from a built-in (reduce), as `callDirect(_:_:)`.
    func callDirect(_ u: UserFunction, _ a0: Value, _ a1: Value) throws -> Value {
        guard 2 <= u.paramCount, 2 == u.paramCount || u.defaults[2] != nil else {
            let v = try callUser(u, positional: [a0, a1], keywords: [], at: nil)
            if v.isTracked { trackedCallback = true }
            return v
        }
        return try enterDirect(u, 2) { fr in fr[0] = a0; fr[1] = a1 }
    }

    @inline(__always)
    private func enterDirect(_ u: UserFunction, _ n: Int, _ fill: (UnsafeMutablePointer<Value?>) -> Void) throws -> Value {
        depth += 1
        defer { depth -= 1 }
        if depth > Interpreter.maxCallDepth {
            throw CoreError("maximum recursion depth (\(Interpreter.maxCallDepth)) exceeded in \(u.name)", hint: "check the base case of the recursion")
        }
        if Interrupt.requested {
            Interrupt.requested = false
            throw LangError(.interrupt, "interrupted")
        }
        let base = sp
        let top = base + u.localCount
        if top > stackCapacity { growStack(top) }
        let fr = stack + base
        fill(fr)
        var i = n
        while i < u.paramCount { fr[i] = u.defaults[i]; i += 1 }
        let savedFp = fp, savedSp = sp, savedClosure = closureRef
        fp = base; sp = top; closureRef = .passUnretained(u)
        defer {
            let fr = stack + base
            for j in 0..<(top - base) { fr[j] = nil }
            fp = savedFp; sp = savedSp; closureRef = savedClosure
        }
        let v = try u.bodyRef._withUnsafeGuaranteedRef { try $0.eval(self) }
        if v.isTracked { trackedCallback = true }
        return v
    }
}

extension LangError {
    func located(_ unit: SourceUnit) -> LangError {
        var e = self
        if e.file.isEmpty { e.file = unit.file; e.sourceText = unit.text }
        return e
    }
}
