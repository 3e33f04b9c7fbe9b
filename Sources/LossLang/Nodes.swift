import Foundation
import LossCore

// The executable tree: one class per construct, built by the Compiler with names
// resolved to slots, run by `eval`/`exec` with the Interpreter as context.

// MARK: - Expressions

/// A resolved expression node. Statements are nodes too (`exec`).
class Node {
    let span: SourceSpan
    let unit: SourceUnit
    init(_ span: SourceSpan, _ unit: SourceUnit) { self.span = span; self.unit = unit }
    func eval(_ I: Interpreter) throws -> Value { fatalError("abstract") }
    /// Statements: run, leaving their value (if any) in I.lastValue.
    func exec(_ I: Interpreter) throws -> Flow {
        I.lastValue = try eval(I)
        return .normal
    }
    /// As a condition (if, while): its truth value.
    func test(_ I: Interpreter) throws -> Bool { try truthOf(try eval(I)) }
    func error(_ kind: LangError.Kind, _ msg: String, hint: String? = nil) -> LangError {
        LangError(kind, msg, span, hint: hint).located(unit)
    }
    /// Runs `body`, attaching this node's span to core errors.
    @inline(__always)
    func at<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as CoreError {
            throw LangError(.value, e.message, span, hint: e.hint).located(unit)
        } catch let e as LimitError {
            throw LangError(e, span).located(unit)
        }
    }
}

/// Where a variable operand's number can be read without evaluating its node: a local
/// or global slot (-1 when the operand is something else).
struct VarSlot {
    let local: Int
    let global: Int
    init(_ n: Node) {
        local = (n as? LocalGet)?.slot ?? -1
        global = (n as? GlobalGet)?.slot ?? -1
    }
    /// The variable's value when it holds a number (else nil: evaluate the node).
    @inline(__always)
    func number(_ I: Interpreter) -> Double? {
        if local >= 0, case .number(let x)? = I.frame[local] { return x }
        if global >= 0, case .number(let x)? = I.globals[global] { return x }
        return nil
    }
}

final class ConstNode: Node {
    let value: Value
    init(_ v: Value, _ s: SourceSpan, _ u: SourceUnit) { value = v; super.init(s, u) }
    override func eval(_ I: Interpreter) throws -> Value { value }
}

final class GlobalGet: Node {
    let slot: Int
    let name: String
    init(_ slot: Int, _ name: String, _ s: SourceSpan, _ u: SourceUnit) { self.slot = slot; self.name = name; super.init(s, u) }
    override func eval(_ I: Interpreter) throws -> Value {
        if case .number(let x)? = I.globals[slot] { return .number(x) }
        if let v = I.globals[slot] { return v }
        throw unknownName(name, I, self)
    }
}

func unknownName(_ name: String, _ I: Interpreter, _ node: Node) -> LangError {
    let s = Diagnostics.suggest(name, among: I.visibleNames())
    return node.error(.name, "unknown name '\(name)'", hint: s.map { "did you mean '\($0)'?" })
}

final class LocalGet: Node {
    let slot: Int
    let name: String
    init(_ slot: Int, _ name: String, _ s: SourceSpan, _ u: SourceUnit) { self.slot = slot; self.name = name; super.init(s, u) }
    override func eval(_ I: Interpreter) throws -> Value {
        let p = I.frame + slot
        if case .number(let x)? = p.pointee { return .number(x) }
        if let v = p.pointee { return v }
        throw error(.name, "'\(name)' is used before it is assigned")
    }
}

final class CapturedGet: Node {
    let slot: Int
    init(_ slot: Int, _ s: SourceSpan, _ u: SourceUnit) { self.slot = slot; super.init(s, u) }
    override func eval(_ I: Interpreter) throws -> Value { I.closureRef!._withUnsafeGuaranteedRef { $0.captures[slot] } }
}

final class SelfGet: Node {
    override func eval(_ I: Interpreter) throws -> Value { .function(Function(.user(I.closure!))) }
}

final class BinaryNode: Node {
    let op: BinOp
    let lhs: Node, rhs: Node
    let lvar: VarSlot, rvar: VarSlot
    init(_ op: BinOp, _ l: Node, _ r: Node, _ s: SourceSpan, _ u: SourceUnit) {
        self.op = op; lhs = l; rhs = r; lvar = VarSlot(l); rvar = VarSlot(r)
        super.init(s, u)
    }
    override func eval(_ I: Interpreter) throws -> Value {
        let l: Value = if let a = lvar.number(I) { .number(a) } else { try lhs.eval(I) }
        let r: Value = if let b = rvar.number(I) { .number(b) } else { try rhs.eval(I) }
        return try compute(l, r)
    }
    override func test(_ I: Interpreter) throws -> Bool {
        let l: Value = if let a = lvar.number(I) { .number(a) } else { try lhs.eval(I) }
        let r: Value = if let b = rvar.number(I) { .number(b) } else { try rhs.eval(I) }
        if case .number(let a) = l, case .number(let b) = r, let t = compare(op, a, b) { return t }
        return try truthOf(try compute(l, r))
    }
    @inline(__always)
    func compute(_ l: Value, _ r: Value) throws -> Value {
        if case .number(let a) = l, case .number(let b) = r, let v = numberFast(op, a, b) { return v }
        return try at { try Operators.binary(op, l, r) }
    }
}

/// The arithmetic and comparisons of two numbers that need no helper (the rest, and every other
/// operand, go through Operators.binary); nil for the other operators.
@inline(__always)
func numberFast(_ op: BinOp, _ a: Double, _ b: Double) -> Value? {
    switch op {
    case .add: return .number(a + b)
    case .sub: return .number(a - b)
    case .mul: return .number(a * b)
    case .div: return .number(a / b)
    case .lt: return .bool(a < b)
    case .le: return .bool(a <= b)
    case .gt: return .bool(a > b)
    case .ge: return .bool(a >= b)
    case .eq: return .bool(a == b)
    case .ne: return .bool(a != b)
    default: return nil
    }
}

@inline(__always)
func compare(_ op: BinOp, _ a: Double, _ b: Double) -> Bool? {
    switch op {
    case .lt: return a < b
    case .le: return a <= b
    case .gt: return a > b
    case .ge: return a >= b
    case .eq: return a == b
    case .ne: return a != b
    default: return nil
    }
}

/// `x op c` with a number constant c (n - 1, v * 2, i < 10): the BinaryNode without
/// evaluating the constant; the same results and errors.
final class BinaryConstNode: Node {
    let op: BinOp
    let lhs: Node
    let b: Double
    let lvar: VarSlot
    init(_ op: BinOp, _ l: Node, _ b: Double, _ s: SourceSpan, _ u: SourceUnit) {
        self.op = op; lhs = l; self.b = b; lvar = VarSlot(l)
        super.init(s, u)
    }
    override func eval(_ I: Interpreter) throws -> Value {
        if let a = lvar.number(I) { return try compute(.number(a)) }
        return try compute(try lhs.eval(I))
    }
    override func test(_ I: Interpreter) throws -> Bool {
        if let a = lvar.number(I), let t = compare(op, a, b) { return t }
        let l = try lhs.eval(I)
        if case .number(let a) = l, let t = compare(op, a, b) { return t }
        return try truthOf(try compute(l))
    }
    @inline(__always)
    func compute(_ l: Value) throws -> Value {
        if case .number(let a) = l, let v = numberFast(op, a, b) { return v }
        return try at { try Operators.binary(op, l, .number(b)) }
    }
}

final class LogicalNode: Node {
    let isAnd: Bool
    let lhs: Node, rhs: Node
    init(_ isAnd: Bool, _ l: Node, _ r: Node, _ s: SourceSpan, _ u: SourceUnit) { self.isAnd = isAnd; lhs = l; rhs = r; super.init(s, u) }
    override func eval(_ I: Interpreter) throws -> Value {
        let l = try lhs.eval(I)
        if case .tensor(let t) = l, t.count != 1 {
            return try at { try Operators.logical(isAnd: isAnd, l, try rhs.eval(I)) }
        }
        guard let lt = l.isTruthy else { throw error(.type, "'\(isAnd ? "&&" : "||")' needs truth values, got \(l.typeName)") }
        if isAnd && !lt { return .bool(false) }
        if !isAnd && lt { return .bool(true) }
        let r = try rhs.eval(I)
        if case .tensor(let t) = r, t.count != 1 { return try at { try Operators.logical(isAnd: isAnd, l, r) } }
        guard let rt = r.isTruthy else { throw rhs.error(.type, "'\(isAnd ? "&&" : "||")' needs truth values, got \(r.typeName)") }
        return .bool(rt)
    }
}

final class UnaryNode: Node {
    let op: UnOp
    let operand: Node
    init(_ op: UnOp, _ e: Node, _ s: SourceSpan, _ u: SourceUnit) { self.op = op; operand = e; super.init(s, u) }
    override func eval(_ I: Interpreter) throws -> Value {
        let v = try operand.eval(I)
        if op == .neg, case .number(let x) = v { return .number(-x) }
        return try at { try Operators.unary(op, v) }
    }
}

final class TransposeNode: Node {
    let operand: Node
    init(_ e: Node, _ s: SourceSpan, _ u: SourceUnit) { operand = e; super.init(s, u) }
    override func eval(_ I: Interpreter) throws -> Value {
        let v = try operand.eval(I)
        guard let t = v.asTensor else { throw error(.type, "transpose (') needs a tensor, got \(v.typeName)") }
        return Value.from(AD.transpose(t, try t.transposed()))
    }
}

final class IfNode: Node {
    let cond: Node, a: Node, b: Node
    init(_ c: Node, _ a: Node, _ b: Node, _ s: SourceSpan, _ u: SourceUnit) { cond = c; self.a = a; self.b = b; super.init(s, u) }
    override func eval(_ I: Interpreter) throws -> Value {
        try cond.test(I) ? try a.eval(I) : try b.eval(I)
    }
}

@inline(__always)
func truth(_ cond: Node, _ I: Interpreter) throws -> Bool { try cond.test(I) }

extension Node {
    /// `v` (this node's value) as a condition.
    func truthOf(_ v: Value) throws -> Bool {
        let cond = self
        if case .bool(let b) = v { return b }
        if let t = v.isTruthy { return t }
        if case .tensor(let t) = v {
            throw cond.error(.type, "the condition is a tensor of shape \(formatShape(t.shape)), not a single truth value",
                             hint: "reduce it first, e.g. all with min(x) > 0 or any with max(x) > 0")
        }
        throw cond.error(.type, "the condition must be a truth value, got \(v.typeName)")
    }
}

final class TensorLitNode: Node {
    let items: [Node]
    let rows: Bool
    init(_ items: [Node], rows: Bool, _ s: SourceSpan, _ u: SourceUnit) { self.items = items; self.rows = rows; super.init(s, u) }
    override func eval(_ I: Interpreter) throws -> Value {
        var vals: [Value] = []
        vals.reserveCapacity(items.count)
        for n in items { vals.append(try n.eval(I)) }
        return try TensorLitNode.build(vals, rows: rows, self)
    }

    static func build(_ vals: [Value], rows: Bool, _ node: Node) throws -> Value {
        if vals.isEmpty { return .tensor(Tensor(shape: [0], data: [])) }
        var allScalars = true, allNumeric = true
        for v in vals {
            switch v {
            case .number, .bool: break
            case .tensor: allScalars = false
            default: allNumeric = false; allScalars = false
            }
        }
        if !allNumeric { return .list(vals) }
        if allScalars {
            return .tensor(Tensor(vals.map { v -> Double in
                if case .number(let x) = v { return x }
                if case .bool(let b) = v { return b ? 1 : 0 }
                return 0
            }))
        }
        if rows && vals.count == 1, case .tensor(let t) = vals[0] { return .tensor(t) }
        let ts = vals.compactMap { $0.asTensor }
        let shape = ts[0].shape
        for (i, t) in ts.enumerated() where t.shape != shape {
            throw node.error(.shape, "ragged tensor literal: element 0 has shape \(formatShape(shape)) but element \(i) has shape \(formatShape(t.shape))")
        }
        let newShape = [ts.count] + shape
        do { _ = try Tensor.checkedCount(newShape) } catch let e as CoreError { throw node.error(.shape, e.message) }
        var data: [Double] = []
        data.reserveCapacity(Tensor.count(of: newShape))
        for t in ts { data.append(contentsOf: t.data) }
        let out = Tensor(shape: newShape, data: data)
        return .tensor(AD.active ? AD.stack(ts, out) : out)
    }
}

final class LambdaNode: Node {
    let name: String
    let params: [String]
    let defaults: [Node?]
    let body: Node
    let localCount: Int
    let captureSources: [Node]
    init(name: String, params: [String], defaults: [Node?], body: Node, localCount: Int, captures: [Node], _ s: SourceSpan, _ u: SourceUnit) {
        self.name = name; self.params = params; self.defaults = defaults; self.body = body
        self.localCount = localCount; self.captureSources = captures
        super.init(s, u)
    }
    override func eval(_ I: Interpreter) throws -> Value {
        var defs: [Value?] = []
        for d in defaults { defs.append(try d?.eval(I)) }
        var caps: [Value] = []
        for c in captureSources {
            // a capture of a local not yet assigned (e.g. a later fn) is an error at use
            caps.append((try? c.eval(I)) ?? .none)
        }
        return .function(Function(.user(UserFunction(name: name, paramNames: params, defaults: defs, body: body, localCount: localCount, captures: caps))))
    }
}

final class CallNode: Node {
    let callee: Node
    let args: [Node]
    /// `args` for evaluation without retaining each (held by `args`).
    let argRefs: [Unmanaged<Node>]
    let keywordNames: [String]
    let keywordSpans: [SourceSpan]
    let positionalCount: Int
    /// A call of the running function by its own name without keywords (recursion in a
    /// nested fn): no function value to build.
    let isSelfCall: Bool
    /// The global slot of the callee when it is a global name called without keywords, else -1.
    let calleeGlobal: Int
    init(_ callee: Node, positional: [Node], keywords: [(String, SourceSpan, Node)], _ s: SourceSpan, _ u: SourceUnit) {
        self.callee = callee
        self.isSelfCall = callee is SelfGet && keywords.isEmpty
        self.calleeGlobal = keywords.isEmpty ? (callee as? GlobalGet)?.slot ?? -1 : -1
        self.args = positional + keywords.map { $0.2 }
        self.argRefs = args.map { .passUnretained($0) }
        self.keywordNames = keywords.map { $0.0 }
        self.keywordSpans = keywords.map { $0.1 }
        self.positionalCount = positional.count
        super.init(s, u)
    }
    override func eval(_ I: Interpreter) throws -> Value {
        if isSelfCall, let ur = I.closureRef { return try ur._withUnsafeGuaranteedRef { u in try callUserFast(u, I) } }
        if calleeGlobal >= 0, case .function(let fn)? = I.globals[calleeGlobal], let ur = fn.userRef {
            // a global user function (`fn` holds it during the call)
            return try ur._withUnsafeGuaranteedRef { u in try callUserFast(u, I) }
        }
        let f = try callee.eval(I)
        guard case .function(let fn) = f else {
            throw callee.error(.type, "\(f.typeName) is not a function", hint: f.asTensor != nil ? "to index a tensor use x[i]; to multiply use '*'" : nil)
        }
        if let ur = fn.userRef, keywordNames.isEmpty {
            // fast path: evaluate arguments straight into the new frame (`f` holds the function)
            return try ur._withUnsafeGuaranteedRef { u in try callUserFast(u, I) }
        }
        var pos: [Value] = []
        pos.reserveCapacity(positionalCount)
        for i in 0..<positionalCount { pos.append(try args[i].eval(I)) }
        var kws: [(name: String, value: Value)] = []
        for (k, name) in keywordNames.enumerated() { kws.append((name, try args[positionalCount + k].eval(I))) }
        return try I.callFunction(fn, positional: pos, keywords: kws, at: self)
    }

    /// `range(a, b, step)` as a for loop's sequence: its values without the tensor, or nil
    /// when the callee is not the built-in range (then the call runs as usual).
    func lazyRange(_ I: Interpreter) throws -> RangeSpec? {
        guard case .function(let fn)? = try? callee.eval(I), case .builtin(let b) = fn.kind, b === Interpreter.rangeBuiltin else { return nil }
        var pos: [Value] = []
        for i in 0..<positionalCount { pos.append(try args[i].eval(I)) }
        var kws: [(name: String, value: Value)] = []
        for (k, name) in keywordNames.enumerated() { kws.append((name, try args[positionalCount + k].eval(I))) }
        let a = try I.bind(b, positional: pos, keywords: kws, at: self)
        return try at {
            let first = try a.double("a"), step = try a.double("step")
            if let stop = try a.optionalDouble("b") { return try RangeSpec(first, stop, step: step) }
            return try RangeSpec(0, first, step: step)
        }
    }

    @inline(__always)
    func callUserFast(_ u: UserFunction, _ I: Interpreter) throws -> Value {
        let n = args.count
        if n > u.paramCount || (n < u.paramCount && u.defaults[n] == nil) {
            var pos: [Value] = []
            for a in args { pos.append(try a.eval(I)) }
            return try I.callUser(u, positional: pos, keywords: [], at: self)
        }
        // the new frame is reserved first; the arguments, evaluated in the caller's frame
        // (calls among them get frames above it), go straight into their slots
        let base = I.sp
        let top = base + u.localCount
        if top > I.stackCapacity { I.growStack(top) }
        I.sp = top
        var k = 0
        do {
            while k < n {
                let v = try argRefs[k]._withUnsafeGuaranteedRef { try $0.eval(I) }
                // a free slot holds nil: nothing to release
                (I.stack + base + k).initialize(to: v)
                k += 1
            }
        } catch {
            let fr = I.stack + base
            for j in 0..<k { fr[j] = nil }
            I.sp = base
            throw error
        }
        return try enter(u, I, base, top)
    }

    /// Runs `u` on the frame stack[base..<top] whose arguments are in place (I.sp == top).
    @inline(__always)
    func enter(_ u: UserFunction, _ I: Interpreter, _ base: Int, _ top: Int) throws -> Value {
        I.depth += 1
        let savedFp = I.fp, savedClosure = I.closureRef
        defer {
            let fr = I.stack + base
            for j in 0..<(top - base) { fr[j] = nil }
            I.fp = savedFp; I.sp = base; I.closureRef = savedClosure
            I.depth -= 1
        }
        if I.depth > Interpreter.maxCallDepth {
            throw error(.runtime, "maximum recursion depth (\(Interpreter.maxCallDepth)) exceeded in \(u.name)", hint: "check the base case of the recursion")
        }
        if Interrupt.requested { try I.checkInterrupt(self) }
        let fr = I.stack + base
        var i = args.count
        while i < u.paramCount { fr[i] = u.defaults[i]; i += 1 }
        I.fp = base; I.closureRef = .passUnretained(u)
        do {
            return try u.bodyRef._withUnsafeGuaranteedRef { try $0.eval(I) }
        } catch var e as LangError {
            e.addCall(from: savedClosure?.takeUnretainedValue().name, file: unit.file, span: span)
            throw e
        }
    }
}

/// One evaluated index item, from syntax.
enum IndexNode {
    case single(Node)
    case slice(Node?, Node?, Node?)
}

func evalIndex(_ items: [IndexNode], _ I: Interpreter, _ node: Node) throws -> [IndexSpec] {
    var specs: [IndexSpec] = []
    func int(_ n: Node) throws -> Int {
        let v = try n.eval(I)
        guard case .number(let x) = v else {
            if case .bool = v { throw n.error(.index, "an index must be an integer, got a bool") }
            throw n.error(.index, "a slice bound must be an integer, got \(v.typeName)")
        }
        guard x.isFinite, x == x.rounded(), Swift.abs(x) < 1e15 else { throw n.error(.index, "an index must be an integer, got \(Display.number(x))") }
        return Int(x)
    }
    for it in items {
        switch it {
        case .single(let n):
            let v = try n.eval(I)
            switch v {
            case .number(let x):
                guard x.isFinite, x == x.rounded(), Swift.abs(x) < 1e15 else { throw n.error(.index, "an index must be an integer, got \(Display.number(x))") }
                specs.append(.int(Int(x)))
            case .tensor(let t):
                if t.isMask { specs.append(.mask(t)); continue }
                guard t.rank <= 1 else { throw n.error(.index, "an index tensor must be a vector, got shape \(formatShape(t.shape))") }
                var l: [Int] = []
                for x in t.data {
                    guard x.isFinite, x == x.rounded(), Swift.abs(x) < 1e15 else { throw n.error(.index, "index tensors must hold integers, got \(Display.number(x))") }
                    l.append(Int(x))
                }
                specs.append(.list(l))
            case .bool: throw n.error(.index, "an index must be an integer or a mask, got a bool")
            default: throw n.error(.index, "an index must be an integer, a slice, an index tensor or a mask, got \(v.typeName)")
            }
        case .slice(let a, let b, let c):
            specs.append(.slice(try a.map(int), try b.map(int), try c.map(int)))
        }
    }
    return specs
}

final class IndexGetNode: Node {
    let base: Node
    let items: [IndexNode]
    init(_ b: Node, _ items: [IndexNode], _ s: SourceSpan, _ u: SourceUnit) { base = b; self.items = items; super.init(s, u) }
    override func eval(_ I: Interpreter) throws -> Value {
        let v = try base.eval(I)
        if case .list(let xs) = v {
            let specs = try evalIndex(items, I, self)
            guard specs.count == 1, case .int(let i) = specs[0] else { throw error(.index, "a list takes one integer index") }
            let j = i < 0 ? i + xs.count : i
            guard j >= 0 && j < xs.count else { throw error(.index, "index \(i) is out of range for a list of length \(xs.count)") }
            return xs[j]
        }
        if case .string(let s) = v {
            let specs = try evalIndex(items, I, self)
            let chars = Array(s)
            guard specs.count == 1, case .int(let i) = specs[0] else { throw error(.index, "a string takes one integer index") }
            let j = i < 0 ? i + chars.count : i
            guard j >= 0 && j < chars.count else { throw error(.index, "index \(i) is out of range for a string of length \(chars.count)") }
            return .string(String(chars[j]))
        }
        guard let t = v.asTensor else { throw base.error(.type, "cannot index a \(v.typeName)") }
        if t.rank == 0 { throw base.error(.index, "cannot index a number") }
        let specs = try evalIndex(items, I, self)
        if t.node >= 0 { return try at { try AD.index(t, specs) } }
        return try at { try Indexing.get(t, specs) }
    }
}

/// `(w: a, b: c)`
final class RecordLitNode: Node {
    let names: [String]
    let values: [Node]
    init(_ names: [String], _ values: [Node], _ s: SourceSpan, _ u: SourceUnit) { self.names = names; self.values = values; super.init(s, u) }
    override func eval(_ I: Interpreter) throws -> Value {
        var vs: [Value] = []
        vs.reserveCapacity(values.count)
        for n in values { vs.append(try n.eval(I)) }
        return .record(Record(names: names, values: vs))
    }
}

/// `r.w`
final class FieldGetNode: Node {
    let base: Node
    let name: String
    let nameSpan: SourceSpan
    init(_ b: Node, _ name: String, _ ns: SourceSpan, _ s: SourceSpan, _ u: SourceUnit) { base = b; self.name = name; nameSpan = ns; super.init(s, u) }
    override func eval(_ I: Interpreter) throws -> Value {
        let v = try base.eval(I)
        guard case .record(let r) = v else {
            throw LangError(.type, "cannot read field '\(name)' of a \(v.typeName)", nameSpan,
                            hint: "fields belong to records, like r = (w: 1, b: 2); r.w").located(unit)
        }
        if let x = r[name] { return x }
        let e = r.unknownField(name)
        throw LangError(.name, e.message, nameSpan, hint: e.hint).located(unit)
    }
}

// MARK: statements

final class ExprStmt: Node {
    let expr: Node
    init(_ e: Node) { expr = e; super.init(e.span, e.unit) }
    override func exec(_ I: Interpreter) throws -> Flow { I.lastValue = try expr.eval(I); return .normal }
}

/// Where an assignment stores.
enum Target {
    case global(Int, String)
    case local(Int, String)
}

final class AssignNode: Node {
    let target: Target
    let value: Node
    /// Assigning to a built-in's name warns once (decided when compiled).
    let shadowsBuiltin: Bool
    /// The target's slot, and whether it is a local (read without matching the enum).
    let slot: Int
    let isLocal: Bool
    init(_ t: Target, _ v: Node, shadows: Bool, _ s: SourceSpan, _ u: SourceUnit) {
        target = t; value = v; shadowsBuiltin = shadows
        switch t {
        case .global(let i, _): slot = i; isLocal = false
        case .local(let i, _): slot = i; isLocal = true
        }
        super.init(s, u)
    }
    override func exec(_ I: Interpreter) throws -> Flow {
        let v = try value.eval(I)
        if isLocal {
            I.frame[slot] = v
            I.clearLastValue()
            return .normal
        }
        if !shadowsBuiltin {
            I.globals[slot] = v
            I.clearLastValue()
            return .normal
        }
        switch target {
        case .global(let i, let name):
            if shadowsBuiltin, !I.warnedShadow.contains(name) {
                I.warnedShadow.insert(name)
                I.session?.warn("'\(name)' shadows the built-in of the same name (in the REPL, :reset restores it)", span)
            }
            I.globals[i] = v
        case .local(let i, _): I.frame[i] = v
        }
        I.lastValue = .none
        return .normal
    }
}

final class IndexAssignNode: Node {
    let target: Target
    let items: [IndexNode]
    let value: Node
    init(_ t: Target, _ items: [IndexNode], _ v: Node, _ s: SourceSpan, _ u: SourceUnit) { target = t; self.items = items; value = v; super.init(s, u) }
    override func exec(_ I: Interpreter) throws -> Flow {
        let v = try value.eval(I)
        let specs = try evalIndex(items, I, self)
        let (old, name): (Value?, String)
        switch target {
        case .global(let i, let n): old = I.globals[i]; name = n; I.globals[i] = nil
        case .local(let i, let n): old = I.frame[i]; name = n; I.frame[i] = nil
        }
        func store(_ x: Value?) {
            switch target {
            case .global(let i, _): I.globals[i] = x
            case .local(let i, _): I.frame[i] = x
            }
        }
        guard let cur = old else { throw error(.name, "unknown name '\(name)'") }
        guard case .tensor(var t) = cur else {
            store(cur)
            throw error(.type, "cannot assign into an index of a \(cur.typeName)")
        }
        guard let src = v.asTensor else {
            store(cur)
            throw value.error(.type, "can only store numbers or tensors in a tensor, got \(v.typeName)")
        }
        do {
            try storeIndexed(&t, specs, src)
        } catch let e as CoreError {
            store(.tensor(t))
            throw error(.index, e.message, hint: e.hint)
        }
        store(.tensor(t))
        I.lastValue = .none
        return .normal
    }
}

/// `t[specs] = src`, recorded on the tape when either side is tracked.
func storeIndexed(_ t: inout Tensor, _ specs: [IndexSpec], _ src: Tensor) throws {
    if t.node >= 0 || src.node >= 0 { t = try AD.setIndex(t, specs, src) } else { try Indexing.set(&t, specs, src) }
    // writing into a shared buffer copied it: count the copy (docs/reference.md §9)
    Memory.track(t.data)
}

/// `r.w = v`, `r.w[0] = v`, `rs[1].w = v`: rebuilds the variable's value along the path
/// (records and tensors are values, so only this variable changes).
final class PathAssignNode: Node {
    enum Step {
        case field(String, SourceSpan)
        case index([IndexNode], SourceSpan)
    }
    let target: Target
    let path: [Step]
    let value: Node
    init(_ t: Target, _ path: [Step], _ v: Node, _ s: SourceSpan, _ u: SourceUnit) { target = t; self.path = path; value = v; super.init(s, u) }

    func fail(_ kind: LangError.Kind, _ msg: String, _ sp: SourceSpan, hint: String? = nil) -> LangError {
        LangError(kind, msg, sp, hint: hint).located(unit)
    }

    /// `old` with the value at `path[k...]` replaced by `v`.
    func update(_ old: Value, _ k: Int, _ v: Value, _ I: Interpreter) throws -> Value {
        switch path[k] {
        case .field(let f, let fs):
            guard case .record(var r) = old else {
                throw fail(.type, "cannot set field '\(f)' of a \(old.typeName)", fs, hint: "fields belong to records, like (w: 1, b: 2)")
            }
            guard let i = r.index(of: f) else {
                let e = r.unknownField(f)
                throw fail(.name, e.message, fs, hint: e.hint ?? "add a field with with(r, \(f): value)")
            }
            r.setValue(at: i, k + 1 == path.count ? v : try update(r.values[i], k + 1, v, I))
            return .record(r)
        case .index(let items, let isp):
            let specs = try evalIndex(items, I, self)
            if case .list(var xs) = old {
                guard specs.count == 1, case .int(let i) = specs[0] else { throw fail(.index, "a list takes one integer index", isp) }
                let j = i < 0 ? i + xs.count : i
                guard j >= 0 && j < xs.count else { throw fail(.index, "index \(i) is out of range for a list of length \(xs.count)", isp) }
                xs[j] = k + 1 == path.count ? v : try update(xs[j], k + 1, v, I)
                return .list(xs)
            }
            guard case .tensor(var t) = old else {
                throw fail(.type, "cannot assign into an index of a \(old.typeName)", isp)
            }
            guard k + 1 == path.count else {
                throw fail(.type, "a tensor element has no fields", isp)
            }
            guard let src = v.asTensor else {
                throw value.error(.type, "can only store numbers or tensors in a tensor, got \(v.typeName)")
            }
            do { try storeIndexed(&t, specs, src) } catch let e as CoreError {
                throw fail(.index, e.message, isp, hint: e.hint)
            }
            return .tensor(t)
        }
    }

    override func exec(_ I: Interpreter) throws -> Flow {
        let v = try value.eval(I)
        let old: Value?, name: String
        switch target {
        case .global(let i, let n): old = I.globals[i]; name = n
        case .local(let i, let n): old = I.frame[i]; name = n
        }
        guard let cur = old else { throw error(.name, "unknown name '\(name)'") }
        let new = try update(cur, 0, v, I)
        switch target {
        case .global(let i, _): I.globals[i] = new
        case .local(let i, _): I.frame[i] = new
        }
        I.lastValue = .none
        return .normal
    }
}

final class BlockNode: Node {
    let stmts: [Node]
    /// `stmts` for running them without retaining the array or each statement (held by `stmts`).
    private let refs: UnsafeMutablePointer<Unmanaged<Node>>
    init(_ stmts: [Node], _ s: SourceSpan, _ u: SourceUnit) {
        self.stmts = stmts
        refs = .allocate(capacity: Swift.max(stmts.count, 1))
        refs.initialize(from: stmts.map { .passUnretained($0) }, count: stmts.count)
        super.init(s, u)
    }
    deinit { refs.deallocate() }
    override func exec(_ I: Interpreter) throws -> Flow {
        I.clearLastValue()
        let n = stmts.count
        var i = 0
        while i < n {
            let f = try refs[i]._withUnsafeGuaranteedRef { try $0.exec(I) }
            if f != .normal { return f }
            i += 1
        }
        return .normal
    }
    /// As a function body: the value of the last expression, or of `return`.
    override func eval(_ I: Interpreter) throws -> Value {
        let f = try exec(I)
        if f == .returned { let v = I.returnValue; I.returnValue = .none; return v }
        if f == .breakLoop || f == .continueLoop { throw error(.syntax, "'break' or 'continue' outside a loop") }
        return I.lastValue
    }
}

final class IfStmtNode: Node {
    let branches: [(Node, BlockNode)]
    let elseBlock: BlockNode?
    init(_ b: [(Node, BlockNode)], _ e: BlockNode?, _ s: SourceSpan, _ u: SourceUnit) { branches = b; elseBlock = e; super.init(s, u) }
    override func exec(_ I: Interpreter) throws -> Flow {
        for (c, b) in branches where try truth(c, I) { return try b.exec(I) }
        if let e = elseBlock { return try e.exec(I) }
        I.lastValue = .none
        return .normal
    }
}

final class WhileNode: Node {
    let cond: Node
    let body: BlockNode
    init(_ c: Node, _ b: BlockNode, _ s: SourceSpan, _ u: SourceUnit) { cond = c; body = b; super.init(s, u) }
    override func exec(_ I: Interpreter) throws -> Flow {
        while try truth(cond, I) {
            if Interrupt.requested { try I.checkInterrupt(self) }
            let f = try body.exec(I)
            if f == .breakLoop { break }
            if f == .returned { return f }
        }
        I.lastValue = .none
        return .normal
    }
}

final class ForNode: Node {
    let target: Target
    let seq: Node
    let body: BlockNode
    init(_ t: Target, _ seq: Node, _ b: BlockNode, _ s: SourceSpan, _ u: SourceUnit) { target = t; self.seq = seq; body = b; super.init(s, u) }
    override func exec(_ I: Interpreter) throws -> Flow {
        // `for i in range(…)` walks the range without building it
        let lazy = try (seq as? CallNode)?.lazyRange(I)
        let v = lazy == nil ? try seq.eval(I) : .none
        @inline(__always) func assign(_ x: Value) {
            switch target {
            case .global(let i, _): I.globals[i] = x
            case .local(let i, _): I.frame[i] = x
            }
        }
        var returned = false
        @inline(__always) func step() throws -> Bool {  // false: stop
            if Interrupt.requested { try I.checkInterrupt(self) }
            let f = try body.exec(I)
            if f == .breakLoop { return false }
            if f == .returned { returned = true; return false }
            return true
        }
        if let r = lazy {
            var i = 0
            while i < r.count {
                assign(.number(r[i]))
                if try !step() { break }
                i += 1
            }
            if returned { return .returned }
            I.lastValue = .none
            return .normal
        }
        switch v {
        case .tensor(let t) where t.node >= 0:
            for r in 0..<(t.shape.first ?? 0) {
                assign(try at { try AD.index(t, [.int(r)]) })
                if try !step() { break }
            }
        case .tensor(let t):
            if t.rank == 1 {
                for x in t.data { assign(.number(x)); if try !step() { break } }
            } else {
                let rows = t.shape[0]
                let rowShape = Array(t.shape.dropFirst())
                let n = Tensor.count(of: rowShape)
                for r in 0..<rows {
                    assign(.tensor(Tensor(shape: rowShape, data: Array(t.data[(r * n)..<((r + 1) * n)]))))
                    if try !step() { break }
                }
            }
        case .number(let x): assign(.number(x)); _ = try step()
        case .list(let xs): for x in xs { assign(x); if try !step() { break } }
        case .string(let s): for c in s { assign(.string(String(c))); if try !step() { break } }
        default: throw seq.error(.type, "cannot loop over a \(v.typeName)", hint: "loop over a tensor or range(a, b, step)")
        }
        if returned { return .returned }
        I.lastValue = .none
        return .normal
    }
}

final class FlowNode: Node {
    let flow: Flow
    init(_ f: Flow, _ s: SourceSpan, _ u: SourceUnit) { flow = f; super.init(s, u) }
    override func exec(_ I: Interpreter) throws -> Flow { flow }
}

final class ReturnNode: Node {
    let value: Node?
    init(_ v: Node?, _ s: SourceSpan, _ u: SourceUnit) { value = v; super.init(s, u) }
    override func exec(_ I: Interpreter) throws -> Flow {
        I.returnValue = try value?.eval(I) ?? .none
        return .returned
    }
}

