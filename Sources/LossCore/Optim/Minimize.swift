import Foundation

// The driver of `minimize` (docs/reference.md §7) over flat parameters: it runs a method of
// FirstOrder.swift or LBFGS.swift against an objective that returns f and ∇f, keeps the
// history, stops on steps, tol or interruption, and turns non-finite values into errors.
// The language binds its arguments to `OptimOptions`, flattens records into x0 and runs
// value_and_grad inside `objective`; nothing here knows about the language.
//
// Semantics (first-order methods, as torch's loop `loss = f(x); loss.backward(); opt.step()`):
//   step k (0-based) evaluates (f_k, g_k) = objective(x_k, k); then
//     - tol > 0 and k ≥ 1 and |f_k − f_{k−1}| < tol  → stop "tol" with x = x_k, loss = f_k;
//     - shouldStop()                                  → stop "interrupted", x = x_k, loss = f_k;
//     - else history[k] = f_k, onStep(k, x_k, f_k), x_{k+1} = step(x_k, g_k).
//   After `steps` steps, one more evaluation, objective(x_steps, steps), gives `loss`
//   (with mini-batches the lead decides what the objective computes for that index).
//   So `history.count == steps done`, history[k] = f(x_k), and loss = f(returned x).
// lbfgs: one torch LBFGS.step(closure) with max_iter = steps; history[k] = f at the start
//   of iteration k, `loss` the value the last line search accepted (f at the returned x,
//   no extra evaluation); stopped "steps" when max_iter or max_eval ends it, "tol" for
//   torch's tolerance_grad/tolerance_change tests, "interrupted" when shouldStop() is true
//   at the start of an iteration. `tol` does not apply (tolerance_change does).
// Errors: a non-finite f or gradient is a CoreError naming the step ("minimize: the loss is
//   nan at step 12"); a CoreError thrown by the objective is re-thrown with the step
//   prefixed; other errors (the language's own) pass through unchanged.

/// How a fit ended: `rawValue` is the language's `stopped` string.
public enum FitStop: String, Sendable {
    case steps, tol, interrupted
}

/// The result of `minimizeFlat`.
public struct FlatFitResult: Equatable, Sendable {
    /// The returned parameters and f there.
    public var x: [Double]
    public var loss: Double
    /// f at the start of each step (lbfgs: of each iteration); `history.count == steps`.
    public var history: [Double]
    /// Steps (lbfgs: iterations) done.
    public var steps: Int
    public var stopped: FitStop
    /// Calls of the objective, the final evaluation included.
    public var evaluations: Int
    /// lbfgs: torch's reason for ending the step (nil for first-order methods).
    public var lbfgsStop: LBFGS.Stop?
}

/// Minimizes `objective` from `x0` with `options.method`; see the header of Minimize.swift.
/// - `steps`: steps of a first-order method, or lbfgs's max_iter (≥ 0).
/// - `tol`: first-order methods stop when the loss changes by less than `tol` (0: never).
/// - `objective(x, step)`: f(x) and ∇f(x) (`x.count` values); `step` is the 0-based step
///   (lbfgs: the iteration, 0 for the first evaluation too); the final evaluation of a
///   first-order fit that ran all its steps gets `step == steps`.
/// - `shouldStop()`: polled once per step; true ends the fit with stopped "interrupted".
/// - `onStep(k, x_k, f_k)`: called at the start of each step (the values of history[k]).
public func minimizeFlat(x0: [Double], options: OptimOptions, steps: Int, tol: Double = 0,
                         objective: (_ x: [Double], _ step: Int) throws -> (value: Double, grad: [Double]),
                         shouldStop: () -> Bool = { false },
                         onStep: ((_ step: Int, _ x: [Double], _ loss: Double) throws -> Void)? = nil) throws -> FlatFitResult {
    try options.validate()
    guard steps >= 0 else { throw CoreError("minimize: steps must be ≥ 0, got \(steps)") }
    guard tol.isFinite && tol >= 0 else { throw CoreError("minimize: tol must be ≥ 0, got \(tol)") }
    let n = x0.count
    var evaluations = 0

    func evaluate(_ x: [Double], _ step: Int) throws -> (value: Double, grad: [Double]) {
        evaluations += 1
        let r: (value: Double, grad: [Double])
        do {
            r = try objective(x, step)
        } catch let e as CoreError {
            throw CoreError("minimize: at step \(step): " + e.message, hint: e.hint)
        }
        guard r.value.isFinite else {
            throw CoreError("minimize: the loss is \(r.value) at step \(step)")
        }
        guard r.grad.count == n else {
            throw CoreError("minimize: the gradient has \(r.grad.count) values but x has \(n), at step \(step)")
        }
        for (i, g) in r.grad.enumerated() where !g.isFinite {
            throw CoreError("minimize: the gradient is \(g) at step \(step) (parameter \(i) of \(n))")
        }
        return r
    }

    if options.method == .lbfgs {
        guard tol == 0 else {
            throw CoreError("minimize: tol applies to the first-order methods; lbfgs stops by its tolerance_change and tolerance_grad")
        }
        var history: [Double] = []
        history.reserveCapacity(Swift.min(steps, 1 << 16))
        let r = try LBFGS.run(x0: x0, options: options, maxIter: steps, evaluate: evaluate, shouldStop: shouldStop,
                              onIteration: { k, x, f in
                                  history.append(f)
                                  try onStep?(k, x, f)
                              })
        let stopped: FitStop
        switch r.stop {
        case .maxIter, .maxEval: stopped = .steps
        case .interrupted: stopped = .interrupted
        case .optimalAtStart, .directionalDerivative, .toleranceGrad, .stepTolerance, .lossTolerance: stopped = .tol
        }
        return FlatFitResult(x: r.x, loss: r.loss, history: history, steps: r.iterations, stopped: stopped,
                             evaluations: evaluations, lbfgsStop: r.stop)
    }

    var optimizer = try FirstOrderOptimizer(options: options, count: n)
    var x = x0
    var history: [Double] = []
    history.reserveCapacity(Swift.min(steps, 1 << 16))
    for k in 0..<steps {
        let (f, g) = try evaluate(x, k)
        if tol > 0, k >= 1, Swift.abs(f - history[k - 1]) < tol {
            return FlatFitResult(x: x, loss: f, history: history, steps: k, stopped: .tol,
                                 evaluations: evaluations, lbfgsStop: nil)
        }
        if shouldStop() {
            return FlatFitResult(x: x, loss: f, history: history, steps: k, stopped: .interrupted,
                                 evaluations: evaluations, lbfgsStop: nil)
        }
        history.append(f)
        try onStep?(k, x, f)
        try optimizer.step(&x, gradient: g)
    }
    let final = try evaluate(x, steps)
    return FlatFitResult(x: x, loss: final.value, history: history, steps: steps, stopped: .steps,
                         evaluations: evaluations, lbfgsStop: nil)
}

extension FlatFitResult {
    /// A result made by the caller (a fit its objective ended early, e.g. by Ctrl-C inside f).
    public init(x: [Double], loss: Double, history: [Double], steps: Int, stopped: FitStop) {
        self.init(x: x, loss: loss, history: history, steps: steps, stopped: stopped, evaluations: 0, lbfgsStop: nil)
    }
}
