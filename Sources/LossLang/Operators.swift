import LossCore

/// The language's operators on values (docs/reference.md §2.3): numbers fast, tensors through LossCore.
enum Operators {
    static func binary(_ op: BinOp, _ l: Value, _ r: Value) throws -> Value {
        if case .number(let a) = l, case .number(let b) = r {
            if let v = numberFast(op, a, b) { return v }
            switch op {
            case .mod: return .number(floorMod(a, b))
            case .pow: return .number(Foundation_pow(a, b))
            case .matmul: return .number(a * b)
            default: break   // numberFast's operators
            }
        }
        switch (op, l, r) {
        case (.add, .string(let a), .string(let b)): return .string(a + b)
        case (.add, .plot(let a), .plot(let b)): return .plot(try a.overlaid(with: b))   // p + q: one set of axes
        case (.add, .record, _), (.sub, .record, _), (.mul, .record, _), (.div, .record, _),
             (.add, _, .record), (.sub, _, .record), (.mul, _, .record), (.div, _, .record):
            return try recordBinary(op, l, r)
        case (.eq, _, _) where !isNumeric(l) || !isNumeric(r): return .bool(equal(l, r))
        case (.ne, _, _) where !isNumeric(l) || !isNumeric(r): return .bool(!equal(l, r))
        default: break
        }
        guard let a = l.asTensor, let b = r.asTensor else {
            let bad = l.asTensor == nil ? l : r
            if case .record = bad {
                throw CoreError("'\(op.rawValue)' does not apply to records", hint: "records take + - * / field by field, with a record of the same fields or a number")
            }
            var hint: String? = nil
            if op == .add, case .string = l { hint = "to join text with a number, use print(a, b) or str concatenation of strings" }
            throw CoreError("'\(op.rawValue)' needs numbers or tensors, got \(bad.typeName)", hint: hint)
        }
        let core: LossCore.BinaryOp
        switch op {
        case .add: core = .add
        case .sub: core = .sub
        case .mul: core = .mul
        case .div: core = .div
        case .mod: core = .mod
        case .pow: core = .pow
        case .lt: core = .lt
        case .le: core = .le
        case .gt: core = .gt
        case .ge: core = .ge
        case .eq: core = .eq
        case .ne: core = .ne
        case .matmul:
            if a.rank == 0 || b.rank == 0 {
                throw CoreError("'@' needs tensors of rank ≥ 1, got shapes \(formatShape(a.shape)) and \(formatShape(b.shape))", hint: "use '*' to scale by a number")
            }
            let m = try Linalg.matmul(a, b)
            return Value.from(AD.active ? try AD.binary(.matmul, a, b, m) : m)
        }
        var t = try Tensor.binary(core, a, b, what: "'\(op.rawValue)'")
        if AD.active { t = try AD.binary(op, a, b, t) }
        if isComparison(op) {
            if t.rank == 0 { return .bool(t.data[0] != 0) }
            t.isMask = true
        }
        return Value.from(t)
    }

    /// `+ - * /` field by field (docs/reference.md §2.8): two records with the same field
    /// names (the result keeps the left one's order), or a record and a number or tensor.
    static func recordBinary(_ op: BinOp, _ l: Value, _ r: Value) throws -> Value {
        func field(_ name: String, _ body: () throws -> Value) throws -> Value {
            do { return try body() } catch let e as CoreError {
                throw CoreError("in field '\(name)': \(e.message)", hint: e.hint)
            }
        }
        switch (l, r) {
        case (.record(let a), .record(let b)):
            guard a.sameFields(as: b) else {
                let only = a.names.filter { b.index(of: $0) == nil } + b.names.filter { a.index(of: $0) == nil }
                throw CoreError("'\(op.rawValue)' needs records with the same fields, got (\(a.names.joined(separator: ", "))) and (\(b.names.joined(separator: ", ")))",
                                hint: "field\(only.count == 1 ? "" : "s") \(only.map { "'\($0)'" }.joined(separator: ", ")) \(only.count == 1 ? "is" : "are") in only one of them")
            }
            var out = a
            for (i, n) in a.names.enumerated() {
                guard let bv = b[n] else { continue }
                out.setValue(at: i, try field(n) { try binary(op, a.values[i], bv) })
            }
            return .record(out)
        case (.record(let a), _):
            var out = a
            for (i, n) in a.names.enumerated() { out.setValue(at: i, try field(n) { try binary(op, a.values[i], r) }) }
            return .record(out)
        case (_, .record(let b)):
            var out = b
            for (i, n) in b.names.enumerated() { out.setValue(at: i, try field(n) { try binary(op, l, b.values[i]) }) }
            return .record(out)
        default:
            return try binary(op, l, r)
        }
    }

    static func isComparison(_ op: BinOp) -> Bool {
        switch op {
        case .lt, .le, .gt, .ge, .eq, .ne: return true
        default: return false
        }
    }

    static func isNumeric(_ v: Value) -> Bool { v.asTensor != nil }

    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.function(let f), .function(let g)): return f === g
        case (.list(let xs), .list(let ys)): return xs.count == ys.count && zip(xs, ys).allSatisfy { equal($0, $1) }
        case (.record(let x), .record(let y)): return x.names == y.names && zip(x.values, y.values).allSatisfy { equal($0, $1) }
        default:
            if let x = a.asTensor, let y = b.asTensor { return x.shape == y.shape && x.data == y.data }
            return false
        }
    }

    static func unary(_ op: UnOp, _ v: Value) throws -> Value {
        switch (op, v) {
        case (.neg, .number(let x)): return .number(-x)
        case (.plus, .number): return v
        case (.not, .bool(let b)): return .bool(!b)
        case (.not, .number(let x)): return .bool(x == 0)
        case (.not, .none): return .bool(true)
        default: break
        }
        if case .record(var r) = v, op != .not {
            for (i, n) in r.names.enumerated() {
                do { r.setValue(at: i, try unary(op, r.values[i])) } catch let e as CoreError {
                    throw CoreError("in field '\(n)': \(e.message)", hint: e.hint)
                }
            }
            return .record(r)
        }
        guard let t = v.asTensor else { throw CoreError("'\(op.rawValue)' needs a number or tensor, got \(v.typeName)") }
        switch op {
        case .neg: return Value.from(AD.negate(t, try t.map { -$0 }))
        case .plus: return v
        case .not:
            var r = try Tensor.logicalNot(t)
            r.isMask = true
            return Value.from(r)
        }
    }

    /// `&&` / `||` on tensors (element-wise); scalars short-circuit in the interpreter.
    static func logical(isAnd: Bool, _ l: Value, _ r: Value) throws -> Value {
        guard let a = l.asTensor, let b = r.asTensor else {
            throw CoreError("'\(isAnd ? "&&" : "||")' needs truth values or tensors, got \((l.asTensor == nil ? l : r).typeName)")
        }
        var t = isAnd ? try Tensor.logicalAnd(a, b) : try Tensor.logicalOr(a, b)
        if t.rank == 0 { return .bool(t.data[0] != 0) }
        t.isMask = true
        return .tensor(t)
    }
}

@inline(__always) func Foundation_pow(_ a: Double, _ b: Double) -> Double {
    if b == 2 { return a * a }
    return _pow(a, b)
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _pow(_ a: Double, _ b: Double) -> Double { Glibc.pow(a, b) }
#else
import Darwin
@inline(__always) func _pow(_ a: Double, _ b: Double) -> Double { Darwin.pow(a, b) }
#endif
