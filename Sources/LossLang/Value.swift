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
    /// The user function of `kind`, unretained (held by `kind`): calls skip retaining it.
    let userRef: Unmanaged<UserFunction>?
    public init(_ kind: Kind) {
        self.kind = kind
        if case .user(let u) = kind { userRef = .passUnretained(u) } else { userRef = nil }
    }
    public var name: String {
        switch kind {
        case .builtin(let b): return b.name
        case .user(let u): return u.name
        }
    }
}

/// An axis scale (`xscale:` / `yscale:`).
public enum PlotScale: String, Equatable, Sendable {
    case linear, log
}

/// One series of a plot.
public struct PlotSeries: Equatable, Sendable {
    /// How the series is drawn: joined points (`plot`), separate points (`scatter`) or the
    /// bars of a histogram (`hist`: `xs` holds the n + 1 bin edges, `ys` the n counts).
    public enum Kind: String, Equatable, Sendable { case line, points, bars }
    public var kind: Kind
    public var label: String?
    public var xs: [Double]
    public var ys: [Double]
    /// Palette index (a class index of `scatter(…, groups:)`); nil takes the next colour
    /// that no other series of the plot claims.
    public var color: Int?
    public init(label: String?, xs: [Double], ys: [Double]) {
        self.kind = .line; self.label = label; self.xs = xs; self.ys = ys; self.color = nil
    }
    public init(kind: Kind, label: String?, xs: [Double], ys: [Double], color: Int? = nil) {
        self.kind = kind; self.label = label; self.xs = xs; self.ys = ys; self.color = color
    }
}

/// The matrix of a `heatmap`: cell (i, j) is drawn at x = j, y = i (row 0 at the top, as
/// matplotlib's `imshow`), so that other series overlay it in column/row coordinates.
public struct PlotHeatmap: Equatable, Sendable {
    public var rows: Int
    public var cols: Int
    /// Row-major, rows × cols values.
    public var values: [Double]
    /// Names of the columns (cols of them) and rows (rows of them), or nil for indices.
    public var xlabels: [String]?
    public var ylabels: [String]?
    public init(rows: Int, cols: Int, values: [Double], xlabels: [String]? = nil, ylabels: [String]? = nil) {
        self.rows = rows; self.cols = cols; self.values = values; self.xlabels = xlabels; self.ylabels = ylabels
    }
}

/// A plot value: data only; LossNotebook renders it as braille or SVG.
public struct Plot: Equatable, Sendable {
    public var series: [PlotSeries]
    public var title: String?
    public var xlabel: String?
    public var ylabel: String?
    /// nil when not given (linear); kept apart from `.linear` so that `p + q` can take q's.
    public var xscale: PlotScale?
    public var yscale: PlotScale?
    /// Axis limits [lo, hi] (lo < hi, both positive on a log axis), or nil for the data's range.
    public var xlim: [Double]?
    public var ylim: [Double]?
    /// A matrix drawn as coloured cells under the series.
    public var heatmap: PlotHeatmap?

    public init(series: [PlotSeries], title: String? = nil, xlabel: String? = nil, ylabel: String? = nil,
                xscale: PlotScale? = nil, yscale: PlotScale? = nil, xlim: [Double]? = nil, ylim: [Double]? = nil,
                heatmap: PlotHeatmap? = nil) {
        self.series = series; self.title = title; self.xlabel = xlabel; self.ylabel = ylabel
        self.xscale = xscale; self.yscale = yscale; self.xlim = xlim; self.ylim = ylim; self.heatmap = heatmap
    }

    public var xlog: Bool { xscale == .log }
    public var ylog: Bool { yscale == .log }

    /// `p + q`: q's series drawn over p's on one set of axes. Title, axis labels, scales and
    /// limits are p's unless p lacks them; at most one of the two may hold a heatmap.
    public func overlaid(with q: Plot) throws -> Plot {
        if heatmap != nil && q.heatmap != nil {
            throw CoreError("'+' cannot overlay two heatmaps", hint: "draw other series over a heatmap: heatmap(m) + scatter(cols, rows)")
        }
        var r = self
        r.series += q.series
        r.title = nonEmpty(title) ?? q.title
        r.xlabel = nonEmpty(xlabel) ?? q.xlabel
        r.ylabel = nonEmpty(ylabel) ?? q.ylabel
        r.xscale = xscale ?? q.xscale
        r.yscale = yscale ?? q.yscale
        r.xlim = xlim ?? q.xlim
        r.ylim = ylim ?? q.ylim
        r.heatmap = heatmap ?? q.heatmap
        if let problem = r.axisProblem() { throw CoreError("'+': \(problem)") }
        return r
    }

    /// Why the axes cannot be drawn (a log axis without positive data or with limits
    /// that are not positive, a log axis on a heatmap), or nil.
    public func axisProblem() -> String? {
        for (name, isLog, lim, values) in [("x", xlog, xlim, { (s: PlotSeries) in s.xs }),
                                           ("y", ylog, ylim, { (s: PlotSeries) in s.kind == .bars ? s.ys.filter { $0 > 0 } : s.ys })] {
            guard isLog else { continue }
            let scale = "\(name)scale: \"log\""
            if heatmap != nil {
                return "\(scale) does not apply to a heatmap, whose axes are its columns and rows"
            }
            if let lim {
                if lim[0] <= 0 { return "\(name)lim must be positive on a log axis (\(scale)), got [\(Display.number(lim[0])), \(Display.number(lim[1]))]" }
                continue
            }
            let positive = series.contains { s in values(s).contains { $0 > 0 && $0.isFinite } }
            if !positive {
                return "\(scale) needs positive \(name) values, and the plot has none (the log of a value ≤ 0 is undefined)"
            }
        }
        return nil
    }
}

private func nonEmpty(_ s: String?) -> String? {
    guard let s, !s.isEmpty else { return nil }
    return s
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
