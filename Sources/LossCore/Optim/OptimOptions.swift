import Foundation

// The methods of `minimize` (docs/reference.md §7) and their options.
//
// Conventions of LossCore/Optim (this file, FirstOrder.swift, LBFGS.swift, Minimize.swift):
// - Parameters are one flat `[Double]` (a record's fields flattened in order); every method
//   is a plain Swift step over such buffers, with no interpreter types.
// - Each method follows PyTorch 2.15's single-tensor path (`foreach=False`, CPU, float64),
//   operation by operation, with torch's defaults; Scripts/gen_fixtures_optim.py records
//   torch's trajectories and Tests/LossCoreTests/OptimTests.swift checks them to 1e-10.
// - Option names are the language's keywords (`lr`, `weight_decay`, `betas`, …), declared
//   once in `OptimOptions.parameters(for:)`, which the language binds keyword arguments
//   through (`set(_:_:)`) and lists for help and did-you-mean.
// - Bad options are `CoreError`s prefixed "minimize: " that name the option and the value.

/// An optimization method of `minimize`, by its name in the language.
public enum OptimMethod: String, CaseIterable, Sendable {
    case gd, momentum, adam, adamw, rmsprop, lbfgs

    /// The method named `name`, or a CoreError listing the methods.
    public init(name: String) throws {
        guard let m = OptimMethod(rawValue: name) else {
            throw CoreError("minimize: unknown method \"\(name)\"; the methods are "
                + OptimMethod.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
        }
        self = m
    }

    /// The PyTorch optimizer this method equals.
    public var torchName: String {
        switch self {
        case .gd: return "torch.optim.SGD"
        case .momentum: return "torch.optim.SGD(momentum=…)"
        case .adam: return "torch.optim.Adam"
        case .adamw: return "torch.optim.AdamW"
        case .rmsprop: return "torch.optim.RMSprop"
        case .lbfgs: return "torch.optim.LBFGS(line_search_fn=\"strong_wolfe\")"
        }
    }

    /// True for the methods that take one gradient step per `step` (all but lbfgs).
    public var isFirstOrder: Bool { self != .lbfgs }
}

/// The value of an option as the language passes it: a number, a boolean, or a list of
/// numbers (`betas: [0.9, 0.999]`).
public enum OptimValue: Equatable, Sendable, CustomStringConvertible {
    case number(Double)
    case bool(Bool)
    case numbers([Double])

    public var description: String {
        switch self {
        case .number(let x): return OptimValue.format(x)
        case .bool(let b): return b ? "true" : "false"
        case .numbers(let xs): return "[" + xs.map(OptimValue.format).joined(separator: ", ") + "]"
        }
    }

    static func format(_ x: Double) -> String {
        if x.isFinite, x == x.rounded(), Swift.abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }
}

/// One option of a method: its keyword, its default (nil when it is derived from other
/// arguments, as lbfgs's `max_eval` from `steps`) and a one-line description.
public struct OptimParameter: Equatable, Sendable {
    public let name: String
    public let defaultValue: OptimValue?
    public let doc: String
}

/// The options of one method, with PyTorch's defaults for that method.
public struct OptimOptions: Equatable, Sendable {
    public var method: OptimMethod
    /// Learning rate (lbfgs: the initial step length of each line search).
    public var lr: Double
    /// L2 penalty added to the gradient (adamw: decoupled decay of the parameters).
    public var weightDecay: Double
    /// Momentum factor (momentum: 0.9; rmsprop: 0).
    public var momentum: Double
    /// Nesterov momentum (momentum only).
    public var nesterov: Bool
    /// Adam's coefficients of the running averages of the gradient and its square.
    public var beta1: Double
    public var beta2: Double
    /// Term added to the denominator (adam, adamw, rmsprop).
    public var eps: Double
    /// RMSprop's smoothing constant.
    public var alpha: Double
    /// RMSprop: normalise by the centred second moment (an estimate of the variance).
    public var centered: Bool
    /// L-BFGS: number of curvature pairs kept.
    public var historySize: Int
    /// L-BFGS: stop when max |gradient| ≤ this.
    public var toleranceGrad: Double
    /// L-BFGS: stop when the loss or the step changes by less than this.
    public var toleranceChange: Double
    /// L-BFGS: most evaluations of f; nil means torch's default `steps * 5 / 4`.
    public var maxEval: Int?

    /// PyTorch's defaults for `method`.
    public init(method: OptimMethod) {
        self.method = method
        lr = 1e-3
        weightDecay = 0
        momentum = 0
        nesterov = false
        beta1 = 0.9
        beta2 = 0.999
        eps = 1e-8
        alpha = 0.99
        centered = false
        historySize = 100
        toleranceGrad = 1e-7
        toleranceChange = 1e-9
        maxEval = nil
        switch method {
        case .gd, .adam: break
        case .momentum: momentum = 0.9
        case .adamw: weightDecay = 1e-2
        case .rmsprop: lr = 1e-2
        case .lbfgs: lr = 1
        }
    }

    /// The options `method` accepts, in the order of docs/reference.md §7, with their defaults.
    public static func parameters(for method: OptimMethod) -> [OptimParameter] {
        let d = OptimOptions(method: method)
        let lr = OptimParameter(name: "lr", defaultValue: .number(d.lr), doc: method == .lbfgs
            ? "initial step length of each line search" : "learning rate")
        let wd = OptimParameter(name: "weight_decay", defaultValue: .number(d.weightDecay), doc: method == .adamw
            ? "decoupled weight decay: x ← x·(1 − lr·weight_decay) before each step"
            : "L2 penalty: weight_decay·x is added to the gradient")
        let betas = OptimParameter(name: "betas", defaultValue: .numbers([d.beta1, d.beta2]),
                                   doc: "coefficients of the running averages of the gradient and its square")
        let eps = OptimParameter(name: "eps", defaultValue: .number(d.eps), doc: "term added to the denominator")
        switch method {
        case .gd:
            return [lr, wd]
        case .momentum:
            return [lr,
                    OptimParameter(name: "momentum", defaultValue: .number(d.momentum), doc: "momentum factor"),
                    OptimParameter(name: "nesterov", defaultValue: .bool(d.nesterov), doc: "Nesterov momentum"),
                    wd]
        case .adam, .adamw:
            return [lr, betas, eps, wd]
        case .rmsprop:
            return [lr,
                    OptimParameter(name: "alpha", defaultValue: .number(d.alpha), doc: "smoothing constant"),
                    eps, wd,
                    OptimParameter(name: "momentum", defaultValue: .number(d.momentum), doc: "momentum factor"),
                    OptimParameter(name: "centered", defaultValue: .bool(d.centered),
                                   doc: "normalise by the centred second moment")]
        case .lbfgs:
            return [lr,
                    OptimParameter(name: "history_size", defaultValue: .number(Double(d.historySize)),
                                   doc: "number of curvature pairs kept"),
                    OptimParameter(name: "tolerance_grad", defaultValue: .number(d.toleranceGrad),
                                   doc: "stop when max |gradient| ≤ tolerance_grad"),
                    OptimParameter(name: "tolerance_change", defaultValue: .number(d.toleranceChange),
                                   doc: "stop when the loss or the step changes by less than tolerance_change"),
                    OptimParameter(name: "max_eval", defaultValue: nil,
                                   doc: "most evaluations of f (default steps·5/4, as torch)")]
        }
    }

    /// The keywords `method` accepts.
    public static func parameterNames(for method: OptimMethod) -> [String] {
        parameters(for: method).map(\.name)
    }

    /// The current value of option `name`, or nil when `method` has no such option
    /// (`max_eval` is nil until set).
    public func value(of name: String) -> OptimValue? {
        guard OptimOptions.parameterNames(for: method).contains(name) else { return nil }
        switch name {
        case "lr": return .number(lr)
        case "weight_decay": return .number(weightDecay)
        case "momentum": return .number(momentum)
        case "nesterov": return .bool(nesterov)
        case "betas": return .numbers([beta1, beta2])
        case "eps": return .number(eps)
        case "alpha": return .number(alpha)
        case "centered": return .bool(centered)
        case "history_size": return .number(Double(historySize))
        case "tolerance_grad": return .number(toleranceGrad)
        case "tolerance_change": return .number(toleranceChange)
        case "max_eval": return maxEval.map { .number(Double($0)) }
        default: return nil
        }
    }

    /// Sets option `name` from a language value. Throws when `method` has no such option
    /// or the value has the wrong kind; ranges are checked by `validate()`.
    public mutating func set(_ name: String, _ value: OptimValue) throws {
        let names = OptimOptions.parameterNames(for: method)
        guard names.contains(name) else {
            throw CoreError("minimize: method \"\(method.rawValue)\" has no parameter '\(name)'; its parameters are "
                + names.joined(separator: ", "))
        }
        func number() throws -> Double {
            guard case .number(let x) = value else {
                throw CoreError("minimize: \(name) must be a number, got \(value)")
            }
            return x
        }
        func integer() throws -> Int {
            let x = try number()
            guard x.isFinite, x == x.rounded(), Swift.abs(x) <= 1e15 else {
                throw CoreError("minimize: \(name) must be a whole number, got \(value)")
            }
            return Int(x)
        }
        func bool() throws -> Bool {
            guard case .bool(let b) = value else {
                throw CoreError("minimize: \(name) must be true or false, got \(value)")
            }
            return b
        }
        switch name {
        case "lr": lr = try number()
        case "weight_decay": weightDecay = try number()
        case "momentum": momentum = try number()
        case "nesterov": nesterov = try bool()
        case "betas":
            guard case .numbers(let xs) = value, xs.count == 2 else {
                throw CoreError("minimize: betas must be a list of two numbers [beta1, beta2], got \(value)")
            }
            beta1 = xs[0]
            beta2 = xs[1]
        case "eps": eps = try number()
        case "alpha": alpha = try number()
        case "centered": centered = try bool()
        case "history_size": historySize = try integer()
        case "tolerance_grad": toleranceGrad = try number()
        case "tolerance_change": toleranceChange = try number()
        case "max_eval": maxEval = try integer()
        default: break
        }
    }

    /// Checks every option of `method` is in range: lr > 0; weight_decay, eps ≥ 0;
    /// momentum, alpha and each beta in [0, 1); nesterov only with momentum > 0;
    /// history_size, max_eval ≥ 1; tolerances ≥ 0; all finite.
    public func validate() throws {
        func check(_ ok: Bool, _ name: String, _ rule: String, _ value: Double) throws {
            if !ok { throw CoreError("minimize: \(name) must be \(rule), got \(OptimValue.format(value))") }
        }
        try check(lr.isFinite && lr > 0, "lr", "a positive number", lr)
        switch method {
        case .gd, .momentum, .adam, .adamw, .rmsprop:
            try check(weightDecay.isFinite && weightDecay >= 0, "weight_decay", "≥ 0", weightDecay)
        case .lbfgs: break
        }
        switch method {
        case .momentum, .rmsprop:
            try check(momentum.isFinite && momentum >= 0 && momentum < 1, "momentum", "in [0, 1)", momentum)
            if method == .momentum && nesterov && momentum == 0 {
                throw CoreError("minimize: nesterov needs momentum > 0")
            }
        default: break
        }
        switch method {
        case .adam, .adamw:
            try check(beta1.isFinite && beta1 >= 0 && beta1 < 1, "betas[0]", "in [0, 1)", beta1)
            try check(beta2.isFinite && beta2 >= 0 && beta2 < 1, "betas[1]", "in [0, 1)", beta2)
            try check(eps.isFinite && eps >= 0, "eps", "≥ 0", eps)
        case .rmsprop:
            try check(alpha.isFinite && alpha >= 0 && alpha < 1, "alpha", "in [0, 1)", alpha)
            try check(eps.isFinite && eps >= 0, "eps", "≥ 0", eps)
        case .lbfgs:
            try check(historySize >= 1, "history_size", "at least 1", Double(historySize))
            try check(toleranceGrad.isFinite && toleranceGrad >= 0, "tolerance_grad", "≥ 0", toleranceGrad)
            try check(toleranceChange.isFinite && toleranceChange >= 0, "tolerance_change", "≥ 0", toleranceChange)
            if let m = maxEval { try check(m >= 1, "max_eval", "at least 1", Double(m)) }
        default: break
        }
    }
}
