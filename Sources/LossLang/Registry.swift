import LossCore

/// A parameter of a built-in. `defaultValue == nil` means required.
public struct Param {
    public let name: String
    public let defaultValue: Value?
    public let doc: String
    public init(_ name: String, _ doc: String = "") { self.name = name; self.defaultValue = nil; self.doc = doc }
    public init(_ name: String, default value: Value, _ doc: String = "") { self.name = name; self.defaultValue = value; self.doc = doc }
    public var isRequired: Bool { defaultValue == nil }
}

/// Groups, in the order `help()` lists them.
public enum BuiltinGroup: String, CaseIterable {
    case math = "Math (element-wise)"
    case reductions = "Reductions"
    case tensor = "Tensors"
    case records = "Records"
    case random = "Random"
    case higherOrder = "Higher-order"
    case activations = "Activations"
    case information = "Losses: information measures"
    case classification = "Losses: classification"
    case embedding = "Losses: embeddings and metric learning"
    case segmentation = "Losses: segmentation"
    case regression = "Losses: regression"
    case grad = "Differentiation"
    case fitting = "Fitting"
    case plot = "Plots"
    case io = "I/O and timing"
    case help = "Help"

    public var isLoss: Bool {
        switch self {
        case .classification, .embedding, .segmentation, .regression, .information: return true
        default: return false
        }
    }
}

/// One entry per built-in: everything about it is written here once
/// (keyword checking, help, completion, docs and example tests read it).
public final class Builtin {
    public let name: String
    public let aliases: [String]
    public let group: BuiltinGroup
    public let params: [Param]
    /// Accepts any number of extra positional arguments (print, stack…), passed in `Args.rest`.
    public let variadic: Bool
    /// One line: what it computes.
    public let summary: String
    /// The formula in Unicode, or nil.
    public let formula: String?
    /// Paper (authors, year, title) and counterparts in torch/Optax/…
    public let reference: String?
    /// Longer notes: parameter semantics, differences from other libraries.
    public let notes: String?
    /// A runnable example and the exact text it displays (checked by the tests).
    public let example: String
    public let exampleOutput: String
    public internal(set) var impl: (Args) throws -> Value
    /// The reverse-mode rule for `grad`: given the call's arguments, its output and the
    /// gradient of the final result with respect to that output, the gradient for each
    /// differentiable tensor parameter, by name (`"#k"` for the k-th extra argument of a
    /// variadic built-in). Gradients may come back in a broadcast shape; the tape sums
    /// them to the parameter's shape. nil: the built-in is not differentiable.
    public private(set) var backward: ((Args, Tensor, Tensor) throws -> [String: Tensor])? = nil

    /// Takes keyword arguments beyond its parameters (`with(r, c: 1)`), passed in `Args.extra`.
    public private(set) var extraKeywords = false

    /// Lets the built-in take any keyword (`Builtin(...) { … }.withExtraKeywords()`).
    @discardableResult
    public func withExtraKeywords() -> Builtin {
        extraKeywords = true
        return self
    }

    /// Sets the gradient rule (`Builtin(...) { … }.withBackward { args, out, g in … }`).
    @discardableResult
    public func withBackward(_ rule: @escaping (Args, Tensor, Tensor) throws -> [String: Tensor]) -> Builtin {
        backward = rule
        return self
    }

    public init(_ name: String, aliases: [String] = [], group: BuiltinGroup, params: [Param], variadic: Bool = false,
                summary: String, formula: String? = nil, reference: String? = nil, notes: String? = nil,
                example: String, output: String, impl: @escaping (Args) throws -> Value) {
        self.name = name; self.aliases = aliases; self.group = group; self.params = params; self.variadic = variadic
        self.summary = summary; self.formula = formula; self.reference = reference; self.notes = notes
        self.example = example; self.exampleOutput = output; self.impl = impl
    }

    /// `focal(p, y, gamma: 2, alpha: none, logits: false)`
    public var signature: String {
        var parts: [String] = []
        for p in params {
            if let d = p.defaultValue { parts.append("\(p.name): \(Display.literal(d))") } else { parts.append(p.name) }
        }
        if variadic { parts.append("…") }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }
}

/// Calls back into the interpreter (for map, filter, reduce, time, grad, plot).
public protocol FunctionCaller: AnyObject {
    func call(_ f: Function, _ args: [Value]) throws -> Value
}

/// The arguments of one built-in call, matched to its parameters (defaults filled in).
public struct Args {
    public let builtin: Builtin
    /// One value per parameter, defaults filled in.
    public internal(set) var values: [Value]
    /// Whether each parameter was given by the caller (not defaulted).
    public internal(set) var given: [Bool]
    /// Extra positional arguments of a variadic built-in.
    public let rest: [Value]
    /// Keyword arguments that name no parameter, in order (built-ins with `extraKeywords`).
    public let extra: [(name: String, value: Value)]
    public unowned let caller: FunctionCaller

    public init(builtin: Builtin, values: [Value], given: [Bool], rest: [Value], extra: [(name: String, value: Value)] = [], caller: FunctionCaller) {
        self.builtin = builtin; self.values = values; self.given = given; self.rest = rest; self.extra = extra; self.caller = caller
    }

    public var name: String { builtin.name }

    public func index(_ param: String) -> Int {
        guard let i = builtin.params.firstIndex(where: { $0.name == param }) else {
            fatalError("built-in \(builtin.name) has no parameter \(param)")  // programming error, not user input
        }
        return i
    }

    public subscript(_ param: String) -> Value { values[index(param)] }
    public func isGiven(_ param: String) -> Bool { given[index(param)] }

    public func fail(_ message: String, hint: String? = nil) -> CoreError {
        CoreError("\(builtin.name): \(message)", hint: hint)
    }

    /// A tensor argument (numbers and bools are rank-0 tensors).
    public func tensor(_ param: String) throws -> Tensor {
        let v = self[param]
        if let t = v.asTensor { return t }
        throw fail("\(param) must be a tensor or number, got \(v.typeName)")
    }

    public func optionalTensor(_ param: String) throws -> Tensor? {
        if case .none = self[param] { return nil }
        return try tensor(param)
    }

    public func double(_ param: String) throws -> Double {
        let v = self[param]
        switch v {
        case .number(let x): return x
        case .bool(let b): return b ? 1 : 0
        case .tensor(let t) where t.count == 1: return t.data[0]
        default: throw fail("\(param) must be a number, got \(v.typeName)")
        }
    }

    public func optionalDouble(_ param: String) throws -> Double? {
        if case .none = self[param] { return nil }
        return try double(param)
    }

    /// An integer argument; rejects fractions, nan and values outside ±2^53.
    public func int(_ param: String) throws -> Int {
        let x = try double(param)
        return try Args.toInt(x, "\(builtin.name): \(param)")
    }

    public func optionalInt(_ param: String) throws -> Int? {
        if case .none = self[param] { return nil }
        return try int(param)
    }

    public static func toInt(_ x: Double, _ what: String) throws -> Int {
        guard x.isFinite, x == x.rounded(), Swift.abs(x) <= 9_007_199_254_740_992 else {
            throw CoreError("\(what) must be an integer, got \(Display.number(x, precision: 6))")
        }
        return Int(x)
    }

    public func bool(_ param: String) throws -> Bool {
        switch self[param] {
        case .bool(let b): return b
        case .number(let x) where x == 0 || x == 1: return x == 1
        default: throw fail("\(param) must be true or false, got \(self[param].typeName)")
        }
    }

    public func string(_ param: String) throws -> String {
        if case .string(let s) = self[param] { return s }
        throw fail("\(param) must be a string, got \(self[param].typeName)")
    }

    /// A string argument restricted to `choices`.
    public func choice(_ param: String, _ choices: [String]) throws -> String {
        let s = try string(param)
        guard choices.contains(s) else {
            let quoted = choices.map { "\"\($0)\"" }.joined(separator: ", ")
            throw fail("\(param) must be one of \(quoted), got \"\(s)\"",
                       hint: Diagnostics.suggest(s, among: choices).map { "did you mean \"\($0)\"?" })
        }
        return s
    }

    public func function(_ param: String) throws -> Function {
        if case .function(let f) = self[param] { return f }
        throw fail("\(param) must be a function, got \(self[param].typeName)")
    }

    /// A shape argument: a vector like [3, 4] or a single number.
    public func shape(_ param: String) throws -> [Int] {
        let v = self[param]
        guard let t = v.asTensor, t.rank <= 1 else { throw fail("\(param) must be a shape like [3, 4] or a number, got \(v.typeName)") }
        let dims = try t.data.map { try Args.toInt($0, "\(builtin.name): \(param)") }
        _ = try Tensor.checkedCount(dims)
        return dims
    }

    public func call(_ f: Function, _ args: [Value]) throws -> Value { try caller.call(f, args) }
}

/// The table of every built-in, by name and alias.
public final class Registry {
    public private(set) var all: [Builtin] = []
    public private(set) var byName: [String: Builtin] = [:]

    public init() {}

    public func add(_ b: Builtin) {
        precondition(byName[b.name] == nil, "duplicate built-in \(b.name)")
        all.append(b)
        byName[b.name] = b
        for a in b.aliases {
            precondition(byName[a] == nil, "duplicate built-in alias \(a)")
            byName[a] = b
        }
    }

    public func add(_ bs: [Builtin]) { bs.forEach(add) }

    public subscript(_ name: String) -> Builtin? { byName[name] }

    /// Every name users can type, aliases included.
    public var names: [String] { Array(byName.keys).sorted() }

    /// The standard library: every built-in of docs/reference.md §3 and §4.
    public static let standard: Registry = {
        let r = Registry()
        for install in Registry.installers { install(r) }
        return r
    }()

    /// Each Builtins/*.swift file adds its entries through one installer listed here.
    static var installers: [(Registry) -> Void] {
        [installCoreBuiltins, installMathBuiltins, installReductionBuiltins, installTensorBuiltins,
         installMoreTensorBuiltins,
         installActivationBuiltins, installRandomBuiltins, installIOBuiltins, installHigherOrderBuiltins,
         installInformationLosses, installClassificationLosses, installEmbeddingLosses,
         installSegmentationLosses, installRegressionLosses, installPortedLosses, installPlotBuiltins, installGradBuiltins,
         installRecordBuiltins, installValueAndGrad, installFittingBuiltins, installCoreGradients]
    }
}

extension Builtin {
    /// Matches positional then keyword arguments to the parameters (docs/reference.md §2.3):
    /// unknown keywords, missing arguments, duplicates and too many arguments are
    /// errors that list the parameters. `keywordIndex` reports which keyword failed
    /// (so the caller can point a caret at it).
    public func bind(positional: [Value], keywords: [(name: String, value: Value)], caller: FunctionCaller) throws -> Args {
        var values = [Value?](repeating: nil, count: params.count)
        var rest: [Value] = []
        let paramList = params.map { $0.isRequired ? $0.name : "\($0.name): \(Display.literal($0.defaultValue!))" }.joined(separator: ", ")
        // a variadic built-in's extra positional arguments go to `rest`, not to its optional parameters
        let positionalSlots = variadic ? (params.firstIndex(where: { !$0.isRequired }) ?? params.count) : params.count
        for (i, v) in positional.enumerated() {
            if i < positionalSlots { values[i] = v }
            else if variadic { rest.append(v) }
            else {
                throw BindError(message: "\(name) takes at most \(params.count) argument\(params.count == 1 ? "" : "s") (\(paramList)), got \(positional.count)", keyword: nil, hint: nil)
            }
        }
        var extra: [(name: String, value: Value)] = []
        for (k, kw) in keywords.enumerated() {
            guard let i = params.firstIndex(where: { $0.name == kw.name }) else {
                if extraKeywords { extra.append(kw); continue }
                let s = Diagnostics.suggest(kw.name, among: params.map(\.name))
                throw BindError(message: "\(name) has no parameter '\(kw.name)'; its parameters are \(paramList)", keyword: k,
                                hint: s.map { "did you mean '\($0)'?" })
            }
            if values[i] != nil {
                throw BindError(message: "\(name): parameter '\(kw.name)' given twice", keyword: k, hint: nil)
            }
            values[i] = kw.value
        }
        var given = [Bool](repeating: false, count: params.count)
        var filled: [Value] = []
        filled.reserveCapacity(params.count)
        for (i, p) in params.enumerated() {
            if let v = values[i] { filled.append(v); given[i] = true }
            else if let d = p.defaultValue { filled.append(d) }
            else {
                throw BindError(message: "\(name) is missing argument '\(p.name)'; its parameters are \(paramList)", keyword: nil, hint: "usage: \(signature)")
            }
        }
        return Args(builtin: self, values: filled, given: given, rest: rest, extra: extra, caller: caller)
    }
}

/// An argument-matching failure; `keyword` is the index of the offending keyword argument.
public struct BindError: Error {
    public var message: String
    public var keyword: Int?
    public var hint: String?
}
