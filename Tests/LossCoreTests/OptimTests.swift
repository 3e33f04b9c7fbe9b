import XCTest
@testable import LossCore

/// The optimizers of LossCore/Optim (docs/reference.md §7) against torch.optim 2.15, float64.
/// Fixtures/optim.json (JSON Lines) is written by Scripts/gen_fixtures_optim.py: the data of
/// four objectives and, per case, torch's trajectory. The objectives' values and gradients
/// are computed here in plain Swift; every step must equal torch's to 1e-10 (relative, with
/// an absolute floor of 1e-12 for values near 0).
final class OptimTests: XCTestCase {

    // MARK: - fixtures

    enum Opt: Decodable, Equatable {
        case bool(Bool), number(Double), numbers([Double])
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let x = try? c.decode(Double.self) { self = .number(x) }
            else { self = .numbers(try c.decode([Double].self)) }
        }
        var value: OptimValue {
            switch self {
            case .bool(let b): return .bool(b)
            case .number(let x): return .number(x)
            case .numbers(let xs): return .numbers(xs)
            }
        }
    }

    struct Iter: Decodable {
        let x: [Double], f: Double, t0: Double, t: Double, ls_evals: Int
    }

    struct Line: Decodable {
        let kind: String
        let name: String?
        // objectives
        let A: [[Double]]?, b: [Double]?, X: [[Double]]?, y: [Double]?, labels: [Int]?, classes: Int?
        // cases
        let objective: String?, method: String?, options: [String: Opt]?, steps: Int?, x0: [Double]?
        let history: [Double]?, xs: [[Double]]?, loss: Double?
        let evals: [[Double]]?, eval_losses: [Double]?, iters: [Iter]?, x: [Double]?, n_iter: Int?, func_evals: Int?
    }

    static let lines: [Line] = {
        guard let url = Bundle.module.url(forResource: "optim", withExtension: "json", subdirectory: "Fixtures")
                ?? Bundle.module.url(forResource: "optim", withExtension: "json"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        let decoder = JSONDecoder()
        return text.split(separator: "\n").compactMap { try? decoder.decode(Line.self, from: Data($0.utf8)) }
    }()

    static var cases: [Line] { lines.filter { $0.kind == "case" } }

    /// f and ∇f of a fixture objective, in plain Swift.
    struct Objective {
        let name: String
        let eval: ([Double]) -> (value: Double, grad: [Double])
    }

    static let objectives: [String: Objective] = {
        var out: [String: Objective] = [:]
        out["rosenbrock"] = Objective(name: "rosenbrock") { x in
            let a = 1 - x[0], r = x[1] - x[0] * x[0]
            return (a * a + 100 * r * r, [-2 * a - 400 * x[0] * r, 200 * r])
        }
        for line in lines where line.kind == "objective" {
            switch line.name {
            case "quadratic":
                guard let A = line.A, let b = line.b else { continue }
                out["quadratic"] = Objective(name: "quadratic") { x in
                    let n = x.count
                    var ax = [Double](repeating: 0, count: n)
                    for i in 0..<n { for j in 0..<n { ax[i] += A[i][j] * x[j] } }
                    var f = 0.0
                    for i in 0..<n { f += 0.5 * x[i] * ax[i] - b[i] * x[i] }
                    return (f, (0..<n).map { ax[$0] - b[$0] })
                }
            case "logistic":
                guard let X = line.X, let y = line.y else { continue }
                out["logistic"] = Objective(name: "logistic") { p in
                    let N = Double(X.count), d = X[0].count
                    var f = 0.0
                    var g = [Double](repeating: 0, count: d + 1)
                    for (row, yi) in zip(X, y) {
                        var z = p[d]
                        for j in 0..<d { z += row[j] * p[j] }
                        f += Swift.max(z, 0) - z * yi + log1p(exp(-Swift.abs(z)))
                        let dz = (1 / (1 + exp(-z)) - yi) / N
                        for j in 0..<d { g[j] += dz * row[j] }
                        g[d] += dz
                    }
                    return (f / N, g)
                }
            case "softmax":
                guard let X = line.X, let labels = line.labels, let C = line.classes else { continue }
                out["softmax"] = Objective(name: "softmax") { p in
                    let N = Double(X.count), d = X[0].count
                    var f = 0.0
                    var g = [Double](repeating: 0, count: d * C + C)
                    for (row, label) in zip(X, labels) {
                        var z = (0..<C).map { p[d * C + $0] }
                        for j in 0..<d { for c in 0..<C { z[c] += row[j] * p[j * C + c] } }
                        let m = z.max() ?? 0
                        let e = z.map { exp($0 - m) }
                        let s = e.reduce(0, +)
                        f += m + log(s) - z[label]
                        for c in 0..<C {
                            let dz = (e[c] / s - (c == label ? 1 : 0)) / N
                            for j in 0..<d { g[j * C + c] += dz * row[j] }
                            g[d * C + c] += dz
                        }
                    }
                    return (f / N, g)
                }
            default: continue
            }
        }
        return out
    }()

    func options(_ c: Line) throws -> OptimOptions {
        var o = OptimOptions(method: try OptimMethod(name: c.method ?? ""))
        for (k, v) in c.options ?? [:] { try o.set(k, v.value) }
        return o
    }

    /// |a − b| ≤ max(rtol·|b|, atol); returns the relative error seen.
    @discardableResult
    func assertTorchClose(_ a: Double, _ b: Double, rtol: Double = 1e-10, atol: Double = 1e-12, _ msg: @autoclosure () -> String,
                     file: StaticString = #filePath, line: UInt = #line) -> Double {
        let err = Swift.abs(a - b)
        XCTAssertLessThanOrEqual(err, Swift.max(rtol * Swift.abs(b), atol), "\(a) vs torch \(b): \(msg())", file: file, line: line)
        return err / Swift.max(Swift.abs(b), atol / rtol)
    }

    @discardableResult
    func assertTorchClose(_ a: [Double], _ b: [Double], _ msg: @autoclosure () -> String,
                     file: StaticString = #filePath, line: UInt = #line) -> Double {
        XCTAssertEqual(a.count, b.count, msg(), file: file, line: line)
        var worst = 0.0
        for (i, (u, v)) in zip(a, b).enumerated() {
            worst = Swift.max(worst, assertTorchClose(u, v, "\(msg()) [\(i)]", file: file, line: line))
        }
        return worst
    }

    func objective(_ c: Line) throws -> Objective {
        try XCTUnwrap(OptimTests.objectives[c.objective ?? ""], "objective \(c.objective ?? "?")")
    }

    // MARK: - trajectories against torch

    func testFixturesLoaded() {
        XCTAssertEqual(OptimTests.objectives.count, 4)
        let methods = Set(OptimTests.cases.compactMap(\.method))
        XCTAssertEqual(methods, Set(OptimMethod.allCases.map(\.rawValue)))
        XCTAssertGreaterThanOrEqual(OptimTests.cases.count, 39)
    }

    func testFirstOrderTrajectoriesEqualTorch() throws {
        var worst = 0.0, checked = 0
        for c in OptimTests.cases where c.method != "lbfgs" {
            let f = try objective(c), o = try options(c)
            let steps = try XCTUnwrap(c.steps), xs = try XCTUnwrap(c.xs), history = try XCTUnwrap(c.history)
            let x0 = try XCTUnwrap(c.x0), name = c.name ?? "?"
            var seen: [[Double]] = []
            let r = try minimizeFlat(x0: x0, options: o, steps: steps, objective: { x, _ in f.eval(x) },
                                     onStep: { k, x, _ in
                                         XCTAssertEqual(k, seen.count)
                                         seen.append(x)
                                     })
            XCTAssertEqual(r.steps, steps, name)
            XCTAssertEqual(r.stopped, .steps, name)
            XCTAssertEqual(r.evaluations, steps + 1, name)
            XCTAssertNil(r.lbfgsStop)
            XCTAssertEqual(seen.count, steps, name)
            XCTAssertEqual(seen.first, x0, name)
            // x after step k is x at the start of step k + 1
            for k in 1..<steps { worst = Swift.max(worst, assertTorchClose(seen[k], xs[k - 1], "\(name) x after step \(k)")) }
            worst = Swift.max(worst, assertTorchClose(r.x, xs[steps - 1], "\(name) final x"))
            worst = Swift.max(worst, assertTorchClose(r.history, history, "\(name) history"))
            worst = Swift.max(worst, assertTorchClose(r.loss, try XCTUnwrap(c.loss), "\(name) loss"))
            checked += 1
        }
        XCTAssertEqual(checked, 30)
        print("OptimTests: first-order cases \(checked), worst relative difference from torch \(worst)")
    }

    func testLBFGSEqualsTorch() throws {
        var worst = 0.0, checked = 0
        var stops = Set<String>()
        for c in OptimTests.cases where c.method == "lbfgs" {
            let f = try objective(c), o = try options(c)
            let steps = try XCTUnwrap(c.steps), name = c.name ?? "?"
            let evals = try XCTUnwrap(c.evals), evalLosses = try XCTUnwrap(c.eval_losses), iters = try XCTUnwrap(c.iters)
            var points: [[Double]] = [], losses: [Double] = [], starts: [(x: [Double], f: Double)] = []
            let r = try minimizeFlat(x0: try XCTUnwrap(c.x0), options: o, steps: steps,
                                     objective: { x, _ in
                                         let v = f.eval(x)
                                         points.append(x)
                                         losses.append(v.value)
                                         return v
                                     },
                                     onStep: { _, x, f in starts.append((x, f)) })
            XCTAssertEqual(r.steps, c.n_iter, "\(name) iterations")
            XCTAssertEqual(r.evaluations, c.func_evals, "\(name) evaluations")
            XCTAssertEqual(points.count, evals.count, "\(name) evaluation points")
            for (k, (p, q)) in zip(points, evals).enumerated() {
                worst = Swift.max(worst, assertTorchClose(p, q, "\(name) evaluation \(k)"))
            }
            worst = Swift.max(worst, assertTorchClose(losses, evalLosses, "\(name) evaluated losses"))
            // every line search of torch is an iteration that moved (the gtd break does not search)
            XCTAssertGreaterThanOrEqual(starts.count, iters.count, name)
            for (k, it) in iters.enumerated() where k < starts.count {
                worst = Swift.max(worst, assertTorchClose(starts[k].x, it.x, "\(name) x at iteration \(k)"))
                worst = Swift.max(worst, assertTorchClose(starts[k].f, it.f, "\(name) f at iteration \(k)"))
            }
            XCTAssertEqual(r.history.count, r.steps, name)
            XCTAssertEqual(r.history, starts.map(\.f), name)
            worst = Swift.max(worst, assertTorchClose(r.x, try XCTUnwrap(c.x), "\(name) final x"))
            worst = Swift.max(worst, assertTorchClose(r.loss, try XCTUnwrap(c.loss), "\(name) loss"))
            // the returned loss is f at the returned x
            XCTAssertEqual(r.loss, f.eval(r.x).value, name)
            let maxEval = o.maxEval ?? steps * 5 / 4
            let expected: FitStop = (r.steps == steps || r.evaluations >= maxEval) ? .steps : .tol
            XCTAssertEqual(r.stopped, expected, "\(name): \(String(describing: r.lbfgsStop))")
            stops.insert(r.lbfgsStop?.rawValue ?? "-")
            checked += 1
        }
        // the fixtures reach torch's exits: max_iter, max_eval, tolerance_grad and a tolerance_change test
        XCTAssertTrue(stops.isSuperset(of: ["max_iter", "max_eval", "tolerance_grad"]), "\(stops)")
        XCTAssertFalse(stops.isDisjoint(with: ["loss_tolerance", "step_tolerance"]), "\(stops)")
        XCTAssertEqual(checked, 12)
        print("OptimTests: lbfgs cases \(checked), worst relative difference from torch \(worst), exits \(stops.sorted())")
    }

    /// steps 1: max_eval = 1, so torch's line search gets max_ls = 0, evaluates once and keeps t = 0.
    func testLBFGSOneStepQuirk() throws {
        let c = try XCTUnwrap(OptimTests.cases.first { $0.method == "lbfgs" && $0.steps == 1 })
        let f = try objective(c)
        let r = try minimizeFlat(x0: c.x0 ?? [], options: try options(c), steps: 1, objective: { x, _ in f.eval(x) })
        XCTAssertEqual(r.x, c.x0)
        XCTAssertEqual(r.x, c.x)
        XCTAssertEqual(r.evaluations, 2)
        XCTAssertEqual(r.lbfgsStop, .maxIter)
    }

    // MARK: - stopping

    func testTolStopsAtTorchsStep() throws {
        let c = try XCTUnwrap(OptimTests.cases.first { $0.name == "adam/quadratic/lr=0.1/weight_decay=0.1" })
        let f = try objective(c), h = try XCTUnwrap(c.history), xs = try XCTUnwrap(c.xs)
        let tol = 1e-3
        // torch's first step k ≥ 1 with |f_k − f_{k−1}| < tol, away from the threshold
        let k = try XCTUnwrap((1..<h.count).first { Swift.abs(h[$0] - h[$0 - 1]) < tol })
        XCTAssertGreaterThan(k, 5)
        XCTAssertLessThan(Swift.abs(h[k] - h[k - 1]), 0.9 * tol)
        for j in 1..<k { XCTAssertGreaterThan(Swift.abs(h[j] - h[j - 1]), 1.1 * tol) }
        let r = try minimizeFlat(x0: c.x0 ?? [], options: try options(c), steps: 100, tol: tol, objective: { x, _ in f.eval(x) })
        XCTAssertEqual(r.stopped, .tol)
        XCTAssertEqual(r.steps, k)
        XCTAssertEqual(r.history.count, k)
        XCTAssertEqual(r.evaluations, k + 1)
        assertTorchClose(r.history, Array(h[..<k]), "history")
        assertTorchClose(r.x, xs[k - 1], "x")
        assertTorchClose(r.loss, h[k], "loss")
    }

    func testTolZeroAndTinyNeverStopEarly() throws {
        let f = try XCTUnwrap(OptimTests.objectives["quadratic"])
        let x0 = [Double](repeating: 0, count: 5)
        let r = try minimizeFlat(x0: x0, options: OptimOptions(method: .gd), steps: 20, tol: 0, objective: { x, _ in f.eval(x) })
        XCTAssertEqual(r.stopped, .steps)
        XCTAssertEqual(r.steps, 20)
        // a constant objective changes by 0 < tol at step 1
        let flat = try minimizeFlat(x0: [1, 2], options: OptimOptions(method: .adam), steps: 10, tol: 1e-300,
                                    objective: { _, _ in (3, [0, 0]) })
        XCTAssertEqual(flat.stopped, .tol)
        XCTAssertEqual(flat.steps, 1)
        XCTAssertEqual(flat.history, [3])
        XCTAssertEqual(flat.x, [1, 2])
    }

    func testInterruptionEndsAtCurrentStep() throws {
        let c = try XCTUnwrap(OptimTests.cases.first { $0.name == "momentum/rosenbrock" })
        let f = try objective(c), h = try XCTUnwrap(c.history), xs = try XCTUnwrap(c.xs)
        var polls = 0
        var steps: [Int] = []
        let r = try minimizeFlat(x0: c.x0 ?? [], options: try options(c), steps: 100,
                                 objective: { x, _ in f.eval(x) },
                                 shouldStop: { polls += 1; return polls > 4 },
                                 onStep: { k, _, _ in steps.append(k) })
        XCTAssertEqual(r.stopped, .interrupted)
        XCTAssertEqual(r.steps, 4)
        XCTAssertEqual(steps, [0, 1, 2, 3])
        XCTAssertEqual(r.evaluations, 5)
        assertTorchClose(r.history, Array(h[..<4]), "history")
        assertTorchClose(r.x, xs[3], "x")
        assertTorchClose(r.loss, h[4], "loss")
    }

    func testLBFGSInterruption() throws {
        let c = try XCTUnwrap(OptimTests.cases.first { $0.name == "lbfgs/rosenbrock/steps=100" })
        let f = try objective(c), iters = try XCTUnwrap(c.iters)
        var polls = 0
        let r = try minimizeFlat(x0: c.x0 ?? [], options: try options(c), steps: 100,
                                 objective: { x, _ in f.eval(x) }, shouldStop: { polls += 1; return polls > 3 })
        XCTAssertEqual(r.stopped, .interrupted)
        XCTAssertEqual(r.lbfgsStop, .interrupted)
        XCTAssertEqual(r.steps, 3)
        assertTorchClose(r.history, iters[..<3].map(\.f), "history")
        assertTorchClose(r.x, iters[3].x, "x")
        assertTorchClose(r.loss, iters[3].f, "loss")
    }

    func testStepsZero() throws {
        let f = try XCTUnwrap(OptimTests.objectives["rosenbrock"])
        for m in OptimMethod.allCases {
            let r = try minimizeFlat(x0: [-1.5, 2], options: OptimOptions(method: m), steps: 0, objective: { x, _ in f.eval(x) })
            XCTAssertEqual(r.x, [-1.5, 2], m.rawValue)
            XCTAssertEqual(r.loss, 12.5, m.rawValue)
            XCTAssertEqual(r.history, [], m.rawValue)
            XCTAssertEqual(r.steps, 0, m.rawValue)
            XCTAssertEqual(r.evaluations, 1, m.rawValue)
            XCTAssertEqual(r.stopped, .steps, m.rawValue)
        }
    }

    func testNoParameters() throws {
        for m in OptimMethod.allCases {
            let r = try minimizeFlat(x0: [], options: OptimOptions(method: m), steps: 3, objective: { _, _ in (2.5, []) })
            XCTAssertEqual(r.x, [], m.rawValue)
            XCTAssertEqual(r.loss, 2.5, m.rawValue)
            XCTAssertEqual(r.steps, m == .lbfgs ? 0 : 3, m.rawValue)
        }
    }

    func testLBFGSOptimalAtStart() throws {
        let r = try minimizeFlat(x0: [1, 1], options: OptimOptions(method: .lbfgs), steps: 10,
                                 objective: { x, _ in OptimTests.objectives["rosenbrock"]!.eval(x) })
        XCTAssertEqual(r.stopped, .tol)
        XCTAssertEqual(r.lbfgsStop, .optimalAtStart)
        XCTAssertEqual(r.steps, 0)
        XCTAssertEqual(r.loss, 0)
    }

    // MARK: - errors

    func message(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "<no error>" } catch let e as CoreError { return e.message } catch { return "\(error)" }
    }

    func testNonFiniteLossNamesTheStep() {
        let rosenbrock = OptimTests.objectives["rosenbrock"]!
        for m in OptimMethod.allCases {
            let msg = message {
                try minimizeFlat(x0: [-1.5, 2], options: OptimOptions(method: m), steps: 50, objective: { x, k in
                    let r = rosenbrock.eval(x)
                    return (k >= 3 ? .nan : r.value, r.grad)
                })
            }
            XCTAssertEqual(msg, "minimize: the loss is nan at step 3", m.rawValue)
        }
        // a real divergence: gd on x² with lr 1.5 doubles |x| each step until it overflows
        let msg = message {
            try minimizeFlat(x0: [1], options: { var o = OptimOptions(method: .gd); o.lr = 1.5; return o }(), steps: 2000,
                             objective: { x, _ in (x[0] * x[0], [2 * x[0]]) })
        }
        XCTAssertEqual(msg, "minimize: the loss is inf at step 512")
        XCTAssertEqual(message {
            try minimizeFlat(x0: [1, 2], options: OptimOptions(method: .adam), steps: 5, objective: { _, k in
                (1, [0, k == 2 ? -.infinity : 1])
            })
        }, "minimize: the gradient is -inf at step 2 (parameter 1 of 2)")
        XCTAssertEqual(message {
            try minimizeFlat(x0: [1, 2], options: OptimOptions(method: .rmsprop), steps: 5, objective: { _, _ in (1, [0]) })
        }, "minimize: the gradient has 1 values but x has 2, at step 0")
        // the final evaluation of a first-order fit is checked too
        XCTAssertEqual(message {
            try minimizeFlat(x0: [1], options: OptimOptions(method: .gd), steps: 2, objective: { _, k in (k == 2 ? .infinity : 1, [1]) })
        }, "minimize: the loss is inf at step 2")
    }

    func testObjectiveErrorsCarryTheStep() {
        XCTAssertEqual(message {
            try minimizeFlat(x0: [1], options: OptimOptions(method: .lbfgs), steps: 5, objective: { x, k in
                if k == 1 { throw CoreError("mse: p and y must have the same shape") }
                return ((x[0] - 3) * (x[0] - 3), [2 * (x[0] - 3)])
            })
        }, "minimize: at step 1: mse: p and y must have the same shape")
        struct Other: Error {}
        XCTAssertThrowsError(try minimizeFlat(x0: [1], options: OptimOptions(method: .gd), steps: 5,
                                              objective: { _, _ in throw Other() })) { XCTAssertTrue($0 is Other) }
        XCTAssertEqual(message {
            try minimizeFlat(x0: [1], options: OptimOptions(method: .gd), steps: 5, objective: { x, _ in (x[0], [1]) },
                             onStep: { k, _, _ in if k == 2 { throw CoreError("callback failed") } })
        }, "callback failed")
    }

    // MARK: - options

    func testDefaultsAreTorchs() {
        let gd = OptimOptions(method: .gd), mom = OptimOptions(method: .momentum)
        let adam = OptimOptions(method: .adam), adamw = OptimOptions(method: .adamw)
        let rms = OptimOptions(method: .rmsprop), lbfgs = OptimOptions(method: .lbfgs)
        XCTAssertEqual([gd.lr, gd.weightDecay], [1e-3, 0])
        XCTAssertEqual([mom.lr, mom.momentum, mom.weightDecay], [1e-3, 0.9, 0])
        XCTAssertFalse(mom.nesterov)
        XCTAssertEqual([adam.lr, adam.beta1, adam.beta2, adam.eps, adam.weightDecay], [1e-3, 0.9, 0.999, 1e-8, 0])
        XCTAssertEqual([adamw.lr, adamw.beta1, adamw.beta2, adamw.eps, adamw.weightDecay], [1e-3, 0.9, 0.999, 1e-8, 1e-2])
        XCTAssertEqual([rms.lr, rms.alpha, rms.eps, rms.weightDecay, rms.momentum], [1e-2, 0.99, 1e-8, 0, 0])
        XCTAssertFalse(rms.centered)
        XCTAssertEqual([lbfgs.lr, lbfgs.toleranceGrad, lbfgs.toleranceChange], [1, 1e-7, 1e-9])
        XCTAssertEqual(lbfgs.historySize, 100)
        XCTAssertNil(lbfgs.maxEval)
    }

    func testParameterNames() {
        XCTAssertEqual(OptimOptions.parameterNames(for: .gd), ["lr", "weight_decay"])
        XCTAssertEqual(OptimOptions.parameterNames(for: .momentum), ["lr", "momentum", "nesterov", "weight_decay"])
        XCTAssertEqual(OptimOptions.parameterNames(for: .adam), ["lr", "betas", "eps", "weight_decay"])
        XCTAssertEqual(OptimOptions.parameterNames(for: .adamw), ["lr", "betas", "eps", "weight_decay"])
        XCTAssertEqual(OptimOptions.parameterNames(for: .rmsprop), ["lr", "alpha", "eps", "weight_decay", "momentum", "centered"])
        XCTAssertEqual(OptimOptions.parameterNames(for: .lbfgs),
                       ["lr", "history_size", "tolerance_grad", "tolerance_change", "max_eval"])
        // every listed parameter reads back its default
        for m in OptimMethod.allCases {
            let o = OptimOptions(method: m)
            for p in OptimOptions.parameters(for: m) {
                XCTAssertEqual(o.value(of: p.name), p.defaultValue, "\(m.rawValue).\(p.name)")
                XCTAssertFalse(p.doc.isEmpty)
            }
            XCTAssertNil(o.value(of: "no_such"))
        }
        XCTAssertEqual(OptimOptions(method: .adamw).value(of: "betas"), .numbers([0.9, 0.999]))
        XCTAssertEqual(OptimOptions(method: .gd).value(of: "betas"), nil)
    }

    func testSetChecksNamesAndKinds() throws {
        var o = OptimOptions(method: .adam)
        try o.set("betas", .numbers([0.5, 0.75]))
        try o.set("lr", .number(0.25))
        XCTAssertEqual([o.beta1, o.beta2, o.lr], [0.5, 0.75, 0.25])
        var gd = OptimOptions(method: .gd)
        XCTAssertEqual(message { try gd.set("betas", .numbers([0.9, 0.99])) },
                       "minimize: method \"gd\" has no parameter 'betas'; its parameters are lr, weight_decay")
        XCTAssertEqual(message { try gd.set("lr", .bool(true)) }, "minimize: lr must be a number, got true")
        var mom = OptimOptions(method: .momentum)
        XCTAssertEqual(message { try mom.set("nesterov", .number(1)) }, "minimize: nesterov must be true or false, got 1")
        XCTAssertEqual(message { try o.set("betas", .numbers([0.9])) },
                       "minimize: betas must be a list of two numbers [beta1, beta2], got [0.9]")
        var l = OptimOptions(method: .lbfgs)
        XCTAssertEqual(message { try l.set("history_size", .number(2.5)) }, "minimize: history_size must be a whole number, got 2.5")
        XCTAssertEqual(message { try l.set("history_size", .number(1e300)) }, "minimize: history_size must be a whole number, got 1e+300")
        try l.set("history_size", .number(7))
        XCTAssertEqual(l.historySize, 7)
        XCTAssertEqual(message { try OptimMethod(name: "sgd") },
                       "minimize: unknown method \"sgd\"; the methods are \"gd\", \"momentum\", \"adam\", \"adamw\", \"rmsprop\", \"lbfgs\"")
    }

    func testValidation() {
        func err(_ m: OptimMethod, _ name: String, _ v: OptimValue) -> String {
            message {
                var o = OptimOptions(method: m)
                try o.set(name, v)
                return try minimizeFlat(x0: [1], options: o, steps: 1, objective: { x, _ in (x[0] * x[0], [2 * x[0]]) })
            }
        }
        XCTAssertEqual(err(.gd, "lr", .number(0)), "minimize: lr must be a positive number, got 0")
        XCTAssertEqual(err(.adam, "lr", .number(-0.1)), "minimize: lr must be a positive number, got -0.1")
        XCTAssertEqual(err(.lbfgs, "lr", .number(.nan)), "minimize: lr must be a positive number, got nan")
        XCTAssertEqual(err(.gd, "weight_decay", .number(-1)), "minimize: weight_decay must be ≥ 0, got -1")
        XCTAssertEqual(err(.momentum, "momentum", .number(1)), "minimize: momentum must be in [0, 1), got 1")
        XCTAssertEqual(err(.rmsprop, "momentum", .number(-0.5)), "minimize: momentum must be in [0, 1), got -0.5")
        XCTAssertEqual(message {
            var o = OptimOptions(method: .momentum)
            try o.set("momentum", .number(0))
            try o.set("nesterov", .bool(true))
            try o.validate()
            return 0
        }, "minimize: nesterov needs momentum > 0")
        XCTAssertEqual(err(.adam, "betas", .numbers([1, 0.999])), "minimize: betas[0] must be in [0, 1), got 1")
        XCTAssertEqual(err(.adamw, "betas", .numbers([0.9, -0.1])), "minimize: betas[1] must be in [0, 1), got -0.1")
        XCTAssertEqual(err(.adam, "eps", .number(-1e-8)), "minimize: eps must be ≥ 0, got -1e-08")
        XCTAssertEqual(err(.rmsprop, "alpha", .number(1.5)), "minimize: alpha must be in [0, 1), got 1.5")
        XCTAssertEqual(err(.lbfgs, "history_size", .number(0)), "minimize: history_size must be at least 1, got 0")
        XCTAssertEqual(err(.lbfgs, "max_eval", .number(0)), "minimize: max_eval must be at least 1, got 0")
        XCTAssertEqual(err(.lbfgs, "tolerance_grad", .number(-1)), "minimize: tolerance_grad must be ≥ 0, got -1")
        XCTAssertEqual(err(.lbfgs, "tolerance_change", .number(.infinity)), "minimize: tolerance_change must be ≥ 0, got inf")
        XCTAssertEqual(message {
            try minimizeFlat(x0: [1], options: OptimOptions(method: .gd), steps: -1, objective: { _, _ in (0, [0]) })
        }, "minimize: steps must be ≥ 0, got -1")
        XCTAssertEqual(message {
            try minimizeFlat(x0: [1], options: OptimOptions(method: .gd), steps: 1, tol: -1, objective: { _, _ in (0, [0]) })
        }, "minimize: tol must be ≥ 0, got -1.0")
        XCTAssertEqual(message {
            try minimizeFlat(x0: [1], options: OptimOptions(method: .lbfgs), steps: 1, tol: 1e-3, objective: { _, _ in (0, [0]) })
        }, "minimize: tol applies to the first-order methods; lbfgs stops by its tolerance_change and tolerance_grad")
        // the valid defaults of every method run
        for m in OptimMethod.allCases {
            XCTAssertNoThrow(try OptimOptions(method: m).validate(), m.rawValue)
        }
    }

    func testFirstOrderOptimizerDirectly() throws {
        // one torch SGD step with nesterov and weight decay, written out
        var o = OptimOptions(method: .momentum)
        o.lr = 0.1; o.nesterov = true; o.weightDecay = 0.5
        var opt = try FirstOrderOptimizer(options: o, count: 2)
        var x = [1.0, -2.0]
        try opt.step(&x, gradient: [0.5, 0.25])
        // g' = g + 0.5 x = [1, -0.75]; buf = g'; d = g' + 0.9 buf = [1.9, -1.425]; x -= 0.1 d
        XCTAssertEqual(x[0], 0.81, accuracy: 1e-15)
        XCTAssertEqual(x[1], -1.8575, accuracy: 1e-15)
        XCTAssertEqual(opt.stepCount, 1)
        XCTAssertThrowsError(try opt.step(&x, gradient: [1]))
        XCTAssertThrowsError(try FirstOrderOptimizer(options: OptimOptions(method: .lbfgs), count: 2))
    }
}
