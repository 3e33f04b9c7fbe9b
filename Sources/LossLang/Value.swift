import LossCore

/// A runtime value of the language (docs/reference.md §2.2).
public enum Value {
    case number(Double)
    case bool(Bool)
    indirect case string(String)
    case none
    indirect case tensor(Tensor)
    case function(Function)
    indirect case plot(Plot)
    /// A list of non-numeric values, from a literal like `[f, g]` or `["a", "b"]`.
    case list([Value])
    /// Named fields in order (docs/reference.md §2.8): `(w: zeros([2]), b: 0)`.
    indirect case record(Record)

    public var typeName: String {
        switch self {
        case .number: return "number"
        case .bool: return "bool"
        case .string: return "string"
        case .none: return "none"
        case .tensor(let t): return "tensor of shape \(formatShape(t.shape))"
        case .function: return "function"
        case .plot: return "plot"
        case .list(let xs): return "list of \(xs.count)"
        case .record(let r): return "record (\(r.names.joined(separator: ", ")))"
        }
    }

    /// Numbers, bools and tensors as a tensor (a number is the rank-0 case).
    public var asTensor: Tensor? {
        switch self {
        case .number(let x): return Tensor(scalar: x)
        case .bool(let b): return Tensor(scalar: b ? 1 : 0)
        case .tensor(let t): return t
        default: return nil
        }
    }

    /// A tensor result as a value: rank-0 tensors become numbers (unless they are
    /// tracked by a gradient tape, which only tensors can carry).
    public static func from(_ t: Tensor) -> Value {
        t.shape.isEmpty && t.node < 0 ? .number(t.data[0]) : .tensor(t)
    }

    /// A tensor tracked by the current gradient tape.
    public var isTracked: Bool {
        if case .tensor(let t) = self { return t.node >= 0 }
        return false
    }

    public var isString: Bool {
        if case .string = self { return true }
        return false
    }

    public var isTruthy: Bool? {
        switch self {
        case .bool(let b): return b
        case .number(let x): return x != 0
        case .none: return false
        case .tensor(let t) where t.count == 1: return t.data[0] != 0
        default: return nil
        }
    }
}

/// A callable value: a built-in from the registry or a user function/lambda.
public final class Function {
    public enum Kind {
        case builtin(Builtin)
        case user(UserFunction)
    }
    public let kind: Kind
    public init(_ kind: Kind) { self.kind = kind }
    public var name: String {
        switch kind {
        case .builtin(let b): return b.name
        case .user(let u): return u.name
        }
    }
}

/// One series of a plot.
public struct PlotSeries: Equatable, Sendable {
    public var label: String?
    public var xs: [Double]
    public var ys: [Double]
    public init(label: String?, xs: [Double], ys: [Double]) { self.label = label; self.xs = xs; self.ys = ys }
}

/// A plot value: data only; LossNotebook renders it as braille or SVG.
public struct Plot: Equatable, Sendable {
    public var series: [PlotSeries]
    public var title: String?
    public var xlabel: String?
    public var ylabel: String?
    public init(series: [PlotSeries], title: String? = nil, xlabel: String? = nil, ylabel: String? = nil) {
        self.series = series; self.title = title; self.xlabel = xlabel; self.ylabel = ylabel
    }
}

/// A record: an ordered list of named fields. A value, like a tensor: copies are
/// independent (the arrays underneath are copy-on-write).
public struct Record {
    public private(set) var names: [String]
    public private(set) var values: [Value]

    public init() { names = []; values = [] }
    /// Fields in this order; the names must be distinct (the parser and `with` check).
    public init(names: [String], values: [Value]) {
        precondition(names.count == values.count)
        self.names = names; self.values = values
    }
    public init(_ fields: [(String, Value)]) {
        names = fields.map(\.0); values = fields.map(\.1)
    }

    public var count: Int { names.count }
    public var fields: [(name: String, value: Value)] { Array(zip(names, values)).map { (name: $0.0, value: $0.1) } }
    public func index(of name: String) -> Int? { names.firstIndex(of: name) }
    public subscript(_ name: String) -> Value? {
        guard let i = index(of: name) else { return nil }
        return values[i]
    }

    /// Replaces a field, or appends it when the record has no field of that name.
    public mutating func set(_ name: String, _ v: Value) {
        if let i = index(of: name) { values[i] = v } else { names.append(name); values.append(v) }
    }
    public mutating func setValue(at i: Int, _ v: Value) { values[i] = v }

    /// The same fields (names, in any order) as `other`.
    public func sameFields(as other: Record) -> Bool {
        names.count == other.names.count && Set(names) == Set(other.names)
    }

    /// The error for an unknown field: lists the fields, with did-you-mean.
    public func unknownField(_ name: String) -> CoreError {
        let list = names.isEmpty ? "it has no fields" : "its fields are " + names.joined(separator: ", ")
        return CoreError("the record has no field '\(name)'; \(list)",
                         hint: Diagnostics.suggest(name, among: names).map { "did you mean '\($0)'?" })
    }
}
