import Foundation

// L-BFGS with a strong-Wolfe line search: a line-by-line port of PyTorch 2.15's
// torch/optim/lbfgs.py — `LBFGS.step(closure)` with line_search_fn="strong_wolfe",
// `_strong_wolfe` and `_cubic_interpolate` — over one flat parameter buffer.
// One call of `LBFGS.run` is one `step(closure)` of a fresh optimizer with
// max_iter = `maxIter`, max_eval = `options.maxEval ?? maxIter * 5 / 4` (torch's default),
// lr, history_size, tolerance_grad and tolerance_change from `options`.
//
// Faithful to torch, including its quirks: the line search always uses
// tolerance_change = 1e-9 (torch does not pass the group's value), gets
// max_ls = max_eval − evaluations so far (so with max_eval 1 it evaluates once and may
// return t = 0), and a curvature pair is kept only when yᵀs > 1e-10.
// Rounding: parameter moves and the two-loop recursion are torch's `add_(…, alpha=…)`,
// i.e. fused multiply-adds (see FirstOrder.swift); torch's dot products and sums come from
// MKL in an order of its own, so trajectories agree to rounding, not bit for bit.
// Scalars that are 0-d tensors in torch are Doubles here; Python's min/max (first argument
// unless the second is strictly smaller/larger) are `pyMin`/`pyMax`.

/// L-BFGS as torch.optim.LBFGS(line_search_fn="strong_wolfe").
public enum LBFGS {
    /// Why a run ended, in the order torch checks.
    public enum Stop: String, Sendable {
        /// max |∇f(x0)| ≤ tolerance_grad: no iteration was needed.
        case optimalAtStart = "optimal_at_start"
        /// The direction is not a descent direction: gᵀd > −tolerance_change.
        case directionalDerivative = "directional_derivative"
        case maxIter = "max_iter"
        case maxEval = "max_eval"
        /// max |∇f| ≤ tolerance_grad after a step.
        case toleranceGrad = "tolerance_grad"
        /// max |t·d| ≤ tolerance_change.
        case stepTolerance = "step_tolerance"
        /// |f − f_prev| < tolerance_change.
        case lossTolerance = "loss_tolerance"
        /// `shouldStop()` returned true at the start of an iteration.
        case interrupted
    }

    /// The outcome of one `run`.
    public struct Result: Equatable, Sendable {
        /// The final parameters, and f there (the loss the last line search accepted).
        public var x: [Double]
        public var loss: Double
        /// torch's state["n_iter"] and state["func_evals"].
        public var iterations: Int
        public var evaluations: Int
        public var stop: Stop
    }

    /// Runs one torch `LBFGS.step(closure)` from `x0`.
    /// - `evaluate(x, k)`: f and ∇f at x, called during iteration k (0-based; k = 0 also for
    ///   the first evaluation at x0). It must return a gradient of `x0.count` values.
    /// - `shouldStop()`: polled at the start of every iteration; true ends the run there.
    /// - `onIteration(k, x_k, f_k)`: called at the start of iteration k, before its direction.
    public static func run(x0: [Double], options: OptimOptions, maxIter: Int,
                           evaluate: (_ x: [Double], _ iteration: Int) throws -> (value: Double, grad: [Double]),
                           shouldStop: () -> Bool = { false },
                           onIteration: ((_ iteration: Int, _ x: [Double], _ loss: Double) throws -> Void)? = nil) throws -> Result {
        guard options.method == .lbfgs else {
            throw CoreError("minimize: LBFGS.run needs method \"lbfgs\", got \"\(options.method.rawValue)\"")
        }
        try options.validate()
        guard maxIter >= 0 else { throw CoreError("minimize: steps must be ≥ 0, got \(maxIter)") }
        let n = x0.count
        let lr = options.lr
        let (fiveMaxIter, overflow) = maxIter.multipliedReportingOverflow(by: 5)
        let maxEval = options.maxEval ?? (overflow ? Int.max : fiveMaxIter / 4)
        let toleranceGrad = options.toleranceGrad, toleranceChange = options.toleranceChange
        let historySize = options.historySize

        var x = x0
        var trial = x0     // x_init + t·d, the point of each line-search evaluation
        var iteration = 0  // the 0-based iteration passed to `evaluate`
        func checkedEvaluate(_ p: [Double]) throws -> (Double, [Double]) {
            let r = try evaluate(p, iteration)
            guard r.grad.count == n else {
                throw CoreError("minimize: the gradient has \(r.grad.count) values but x has \(n)")
            }
            return (r.value, r.grad)
        }
        // _directional_evaluate: f and ∇f at x + t·d (param.add_(d, alpha=t)), x unchanged
        func directionalEvaluate(_ t: Double, _ d: [Double]) throws -> (Double, [Double]) {
            for i in 0..<n { trial[i] = x[i].addingProduct(t, d[i]) }
            return try checkedEvaluate(trial)
        }

        // evaluate initial f(x) and df/dx
        var (loss, flatGrad) = try checkedEvaluate(x)
        var currentEvals = 1
        var optCond = maxAbs(flatGrad) <= toleranceGrad
        if optCond {
            return Result(x: x, loss: loss, iterations: 0, evaluations: currentEvals, stop: .optimalAtStart)
        }

        var d = try Memory.doubles(n)
        var t = 0.0
        var oldDirs: [[Double]] = [], oldStps: [[Double]] = [], ro: [Double] = []
        var hDiag = 1.0
        var prevFlatGrad = try Memory.doubles(n)
        var prevLoss = loss
        var al: [Double] = []  // torch's state["al"], grown as pairs are stored (not history_size up front)
        var nIter = 0
        var stop = Stop.maxIter

        // optimize for a max of max_iter iterations
        while nIter < maxIter {
            if shouldStop() { stop = .interrupted; break }
            iteration = nIter
            try onIteration?(nIter, x, loss)
            // keep track of nb of iterations
            nIter += 1

            // compute gradient descent direction
            if nIter == 1 {
                for i in 0..<n { d[i] = -flatGrad[i] }
                oldDirs = []
                oldStps = []
                ro = []
                hDiag = 1
            } else {
                // do lbfgs update (update memory); y = g − g_prev, s = d·t
                var y = try Memory.doubles(n), s = try Memory.doubles(n)
                for i in 0..<n {
                    y[i] = flatGrad[i] - prevFlatGrad[i]
                    s[i] = d[i] * t
                }
                let ys = dot(y, s)  // y*s
                if ys > 1e-10 {
                    // updating memory
                    if oldDirs.count == historySize {
                        // shift history by one (limited-memory)
                        oldDirs.removeFirst()
                        oldStps.removeFirst()
                        ro.removeFirst()
                    }
                    // store new direction/step
                    oldDirs.append(y)
                    oldStps.append(s)
                    ro.append(1.0 / ys)
                    // update scale of initial Hessian approximation
                    hDiag = ys / dot(y, y)  // (y*y)
                }

                // compute the approximate (L-BFGS) inverse Hessian multiplied by the gradient
                let numOld = oldDirs.count
                if al.count < numOld { al.append(contentsOf: repeatElement(0, count: numOld - al.count)) }
                // iteration in L-BFGS loop collapsed to use just one buffer: q (= d below)
                for i in 0..<n { d[i] = -flatGrad[i] }
                var i = numOld - 1
                while i >= 0 {
                    al[i] = dot(oldStps[i], d) * ro[i]
                    let a = -al[i]
                    oldDirs[i].withUnsafeBufferPointer { yi in
                        for j in 0..<n { d[j] = d[j].addingProduct(a, yi[j]) }   // q.add_(old_dirs[i], alpha=-al[i])
                    }
                    i -= 1
                }
                // multiply by initial Hessian; r/d is the final direction
                for j in 0..<n { d[j] = d[j] * hDiag }
                for i in 0..<numOld {
                    let be = dot(oldDirs[i], d) * ro[i]
                    let a = al[i] - be
                    oldStps[i].withUnsafeBufferPointer { si in
                        for j in 0..<n { d[j] = d[j].addingProduct(a, si[j]) }   // r.add_(old_stps[i], alpha=al[i]-be_i)
                    }
                }
            }

            for i in 0..<n { prevFlatGrad[i] = flatGrad[i] }
            prevLoss = loss

            // compute step length: reset initial guess for step size
            if nIter == 1 {
                t = pyMin(1.0, 1.0 / sumAbs(flatGrad)) * lr
            } else {
                t = lr
            }

            // directional derivative
            let gtd = dot(flatGrad, d)  // g * d
            // directional derivative is below tolerance
            if gtd > -toleranceChange { stop = .directionalDerivative; break }

            // perform line search
            let ls = try strongWolfe(evaluate: directionalEvaluate, t: t, d: d, f: loss, g: flatGrad, gtd: gtd,
                                     maxLs: maxEval - currentEvals)
            loss = ls.f
            flatGrad = ls.g
            t = ls.t
            for i in 0..<n { x[i] = x[i].addingProduct(t, d[i]) }  // _add_grad(t, d)
            optCond = maxAbs(flatGrad) <= toleranceGrad

            // update func eval
            currentEvals += ls.evals

            // check conditions
            if nIter == maxIter { stop = .maxIter; break }
            if currentEvals >= maxEval { stop = .maxEval; break }
            // optimal condition
            if optCond { stop = .toleranceGrad; break }
            // lack of progress
            var stepMax = 0.0
            for i in 0..<n { stepMax = pyMax(stepMax, Swift.abs(d[i] * t)) }
            if stepMax <= toleranceChange { stop = .stepTolerance; break }
            if Swift.abs(loss - prevLoss) < toleranceChange { stop = .lossTolerance; break }
        }
        return Result(x: x, loss: loss, iterations: nIter, evaluations: currentEvals, stop: stop)
    }

    // MARK: - _strong_wolfe, _cubic_interpolate

    struct LineSearch {
        var f: Double
        var g: [Double]
        var t: Double
        var evals: Int
    }

    /// torch's `_strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9,
    /// tolerance_change=1e-9, max_ls)`, ported from lswolfe.lua via torch.
    static func strongWolfe(evaluate: (Double, [Double]) throws -> (Double, [Double]),
                            t tInit: Double, d: [Double], f: Double, g: [Double], gtd: Double,
                            c1: Double = 1e-4, c2: Double = 0.9, toleranceChange: Double = 1e-9,
                            maxLs: Int) throws -> LineSearch {
        var t = tInit
        let dNorm = maxAbs(d)
        // evaluate objective and gradient using initial step
        var (fNew, gNew) = try evaluate(t, d)
        var lsFuncEvals = 1
        var gtdNew = dot(gNew, d)

        // bracket an interval containing a point satisfying the Wolfe criteria
        var tPrev = 0.0, fPrev = f, gPrev = g, gtdPrev = gtd
        var done = false
        var lsIter = 0
        var bracket: [Double] = [], bracketF: [Double] = [], bracketG: [[Double]] = []
        var bracketGtd: [Double] = [0, 0]
        while lsIter < maxLs {
            // check conditions
            if fNew > (f + c1 * t * gtd) || (lsIter > 1 && fNew >= fPrev) {
                bracket = [tPrev, t]
                bracketF = [fPrev, fNew]
                bracketG = [gPrev, gNew]
                bracketGtd = [gtdPrev, gtdNew]
                break
            }
            if Swift.abs(gtdNew) <= -c2 * gtd {
                bracket = [t]
                bracketF = [fNew]
                bracketG = [gNew]
                done = true
                break
            }
            if gtdNew >= 0 {
                bracket = [tPrev, t]
                bracketF = [fPrev, fNew]
                bracketG = [gPrev, gNew]
                bracketGtd = [gtdPrev, gtdNew]
                break
            }
            // interpolate
            let minStep = t + 0.01 * (t - tPrev)
            let maxStep = t * 10
            let tmp = t
            t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, bounds: (minStep, maxStep))
            // next step
            tPrev = tmp
            fPrev = fNew
            gPrev = gNew
            gtdPrev = gtdNew
            (fNew, gNew) = try evaluate(t, d)
            lsFuncEvals += 1
            gtdNew = dot(gNew, d)
            lsIter += 1
        }
        // reached max number of iterations? (also max_ls ≤ 0: torch would fail on an
        // unbound bracket for max_ls < 0, which max_eval ≥ 1 rules out)
        if lsIter >= maxLs {
            bracket = [0, t]
            bracketF = [f, fNew]
            bracketG = [g, gNew]
        }

        // zoom phase: we now have a point satisfying the criteria, or a bracket around it.
        // We refine the bracket until we find the exact point satisfying the criteria.
        var insufProgress = false
        // find high and low points in bracket
        var (lowPos, highPos) = bracketF[0] <= bracketF[bracketF.count - 1] ? (0, 1) : (1, 0)
        while !done && lsIter < maxLs {
            // line-search bracket is so small
            if Swift.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange { break }

            // compute new trial value
            t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1])

            // test that we are making sufficient progress: if `t` is so close to the boundary,
            // we mark insufficient progress, and if
            //   + we have made insufficient progress in the last step, or
            //   + `t` is at one of the boundary,
            // we move `t` to a position `0.1 * len(bracket)` away from the nearest boundary.
            let bMax = pyMax(bracket[0], bracket[1]), bMin = pyMin(bracket[0], bracket[1])
            let eps = 0.1 * (bMax - bMin)
            if pyMin(bMax - t, t - bMin) < eps {
                // interpolation close to boundary
                if insufProgress || t >= bMax || t <= bMin {
                    // evaluate at 0.1 away from boundary
                    if Swift.abs(t - bMax) < Swift.abs(t - bMin) {
                        t = bMax - eps
                    } else {
                        t = bMin + eps
                    }
                    insufProgress = false
                } else {
                    insufProgress = true
                }
            } else {
                insufProgress = false
            }

            // Evaluate new point
            (fNew, gNew) = try evaluate(t, d)
            lsFuncEvals += 1
            gtdNew = dot(gNew, d)
            lsIter += 1

            if fNew > (f + c1 * t * gtd) || fNew >= bracketF[lowPos] {
                // Armijo condition not satisfied or not lower than lowest point
                bracket[highPos] = t
                bracketF[highPos] = fNew
                bracketG[highPos] = gNew
                bracketGtd[highPos] = gtdNew
                (lowPos, highPos) = bracketF[0] <= bracketF[1] ? (0, 1) : (1, 0)
            } else {
                if Swift.abs(gtdNew) <= -c2 * gtd {
                    // Wolfe conditions satisfied
                    done = true
                } else if gtdNew * (bracket[highPos] - bracket[lowPos]) >= 0 {
                    // old high becomes new low
                    bracket[highPos] = bracket[lowPos]
                    bracketF[highPos] = bracketF[lowPos]
                    bracketG[highPos] = bracketG[lowPos]
                    bracketGtd[highPos] = bracketGtd[lowPos]
                }
                // new point becomes new low
                bracket[lowPos] = t
                bracketF[lowPos] = fNew
                bracketG[lowPos] = gNew
                bracketGtd[lowPos] = gtdNew
            }
        }

        // return stuff
        return LineSearch(f: bracketF[lowPos], g: bracketG[lowPos], t: bracket[lowPos], evals: lsFuncEvals)
    }

    /// torch's `_cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds)` (from polyinterp.lua):
    /// the minimiser of the cubic through two points with values and slopes, clamped to
    /// the bounds (default: the interval between the points); the midpoint when the cubic
    /// has no real minimiser.
    static func cubicInterpolate(_ x1: Double, _ f1: Double, _ g1: Double, _ x2: Double, _ f2: Double, _ g2: Double,
                                 bounds: (Double, Double)? = nil) -> Double {
        // Compute bounds of interpolation area
        let (xminBound, xmaxBound) = bounds ?? (x1 <= x2 ? (x1, x2) : (x2, x1))
        // Most common case: cubic interpolation of 2 points w/ function and derivative values
        //   d1 = g1 + g2 - 3*(f1-f2)/(x1-x2);
        //   d2 = sqrt(d1^2 - g1*g2);
        //   min_pos = x2 - (x2 - x1)*((g2 + d2 - d1)/(g2 - g1 + 2*d2));
        //   t_new = min(max(min_pos,xmin_bound),xmax_bound);
        let d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
        let d2Square = d1 * d1 - g1 * g2
        if d2Square >= 0 {
            let d2 = d2Square.squareRoot()
            let minPos: Double
            if x1 <= x2 {
                minPos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
            } else {
                minPos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
            }
            return pyMin(pyMax(minPos, xminBound), xmaxBound)
        } else {
            return (xminBound + xmaxBound) / 2.0
        }
    }

    // MARK: - helpers

    /// Python's min(a, b): a unless b < a.
    @inline(__always) static func pyMin(_ a: Double, _ b: Double) -> Double { b < a ? b : a }
    /// Python's max(a, b): a unless b > a.
    @inline(__always) static func pyMax(_ a: Double, _ b: Double) -> Double { b > a ? b : a }

    /// aᵀb, summed in order.
    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                var s = 0.0
                for i in 0..<a.count { s += a[i] * b[i] }
                return s
            }
        }
    }

    /// max |a_i| (torch's `abs().max()`; nan if any element is nan); 0 for an empty buffer.
    static func maxAbs(_ a: [Double]) -> Double {
        var m = 0.0
        for v in a {
            let x = Swift.abs(v)
            if x.isNaN { return .nan }
            if x > m { m = x }
        }
        return m
    }

    /// Σ |a_i|.
    static func sumAbs(_ a: [Double]) -> Double {
        var s = 0.0
        for v in a { s += Swift.abs(v) }
        return s
    }
}
