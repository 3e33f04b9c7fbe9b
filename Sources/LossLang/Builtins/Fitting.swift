import Foundation
import LossCore

// `minimize` (docs/reference.md §7): binds the arguments to LossCore's optimizers
// (LossCore/Optim), flattens a number, tensor or record into the flat parameter vector they
// work on, runs `valueAndGradient` as their objective, feeds mini-batches, collects the
// callback's trace, shows a progress line on a terminal, and turns the first Ctrl-C into
// `stopped: "interrupted"`.

/// The numbers and tensors inside a value (records walked in field order) as one vector, and back.
struct FlatParams {
    /// The shape of each number (nil) or tensor leaf, in order.
    var leaves: [[Int]?] = []
    var count = 0

    init(_ v: Value, into flat: inout [Double]) {
        collect(v, &flat)
    }

    private mutating func collect(_ v: Value, _ flat: inout [Double]) {
        switch v {
        case .number(let x): leaves.append(nil); flat.append(x); count += 1
        case .tensor(let t): leaves.append(t.shape); flat.append(contentsOf: t.data); count += t.count
        case .record(let r): for x in r.values { collect(x, &flat) }
        default: break
        }
    }

    /// `template` with its numbers and tensors taken in order from `flat`.
    func rebuild(_ template: Value, _ flat: [Double]) -> Value {
        var i = 0
        return rebuild(template, flat, &i)
    }

    private func rebuild(_ v: Value, _ flat: [Double], _ i: inout Int) -> Value {
        switch v {
        case .number:
            defer { i += 1 }
            return .number(flat[i])
        case .tensor(let t):
            defer { i += t.count }
            return .tensor(Tensor(shape: t.shape, data: Array(flat[i..<(i + t.count)])))
        case .record(var r):
            for k in 0..<r.count { r.setValue(at: k, rebuild(r.values[k], flat, &i)) }
            return .record(r)
        default:
            return v
        }
    }

    /// The gradient value (same structure, none for other fields) as a vector.
    static func flatten(_ g: Value, into flat: inout [Double]) {
        switch g {
        case .number(let x): flat.append(x)
        case .tensor(let t): flat.append(contentsOf: t.data)
        case .record(let r): for x in r.values { flatten(x, into: &flat) }
        default: break
        }
    }
}

/// The rows of a `data:` record: every field a tensor (rows along the first axis) or a list,
/// of one length.
struct FitData {
    let record: Record
    let rows: Int

    init(_ v: Value, fail: (String, String?) -> CoreError) throws {
        guard case .record(let r) = v, r.count > 0 else {
            throw fail("data must be a record of fields with one row per sample, like (X: X, y: y); got \(v.typeName)", nil)
        }
        var n: Int? = nil
        for (name, x) in zip(r.names, r.values) {
            let len: Int
            switch x {
            case .tensor(let t) where t.rank >= 1: len = t.shape[0]
            case .list(let xs): len = xs.count
            default: throw fail("data field \(name) must be a tensor or a list (one row per sample), got \(x.typeName)", nil)
            }
            if let m = n, m != len {
                throw fail("the fields of data must have the same number of rows: \(r.names[0]) has \(m), \(name) has \(len)", nil)
            }
            n = len
        }
        record = r
        rows = n ?? 0
        if rows == 0 { throw fail("data has no rows", nil) }
    }

    /// The record of the rows `idx`, field by field.
    func batch(_ idx: ArraySlice<Int>) -> Value {
        var out = record
        for (k, x) in record.values.enumerated() {
            switch x {
            case .tensor(let t):
                let rowShape = Array(t.shape.dropFirst())
                let m = Tensor.count(of: rowShape)
                var data: [Double] = []
                data.reserveCapacity(idx.count * m)
                for i in idx { data.append(contentsOf: t.data[(i * m)..<((i + 1) * m)]) }
                out.setValue(at: k, .tensor(Tensor(shape: [idx.count] + rowShape, data: data)))
            case .list(let xs):
                out.setValue(at: k, .list(idx.map { xs[$0] }))
            default: break
            }
        }
        return .record(out)
    }
}

private struct FitInterrupted: Error {}

func installFittingBuiltins(_ r: Registry) {
    let methods = OptimMethod.allCases.map(\.rawValue)
    // every method's options, each once, in the order of the reference's table
    var optionNames: [String] = []
    var optionDocs: [String: String] = [:]
    for m in OptimMethod.allCases {
        for p in OptimOptions.parameters(for: m) where p.name != "lr" && !optionNames.contains(p.name) {
            optionNames.append(p.name)
            let users = OptimMethod.allCases.filter { OptimOptions.parameterNames(for: $0).contains(p.name) }.map(\.rawValue)
            optionDocs[p.name] = "\(p.doc) (\(users.joined(separator: ", ")))"
        }
    }
    var params: [Param] = [
        Param("f", "the function to minimize: f(x) → a number; with data:, f(x, batch)"),
        Param("x0", "the start: a number, tensor or record (fields that are not numbers or tensors stay as they are)"),
        Param("method", default: .string("adam"), "\"" + methods.joined(separator: "\", \"") + "\""),
        Param("lr", default: .none, "learning rate; none: the method's default (gd, momentum, adam, adamw 1e-3; rmsprop 1e-2; lbfgs 1)"),
        Param("steps", default: .number(1000), "steps to take (lbfgs: its max_iter); with data:, epochs × batches instead"),
        Param("tol", default: .number(0), "stop when the loss changes by less than tol between steps (0: never; not lbfgs)"),
        Param("data", default: .none, "a record of fields with one row per sample, e.g. (X: X, y: y): f is called as f(x, batch)"),
        Param("batch", default: .none, "rows per mini-batch (none: all the rows)"),
        Param("epochs", default: .number(1), "passes over data"),
        Param("shuffle", default: .bool(true), "shuffle the rows each epoch (reproducible with seed(n))"),
        Param("callback", default: .none, "(step, x, loss) -> value, called at the start of every `every`-th step; its values are the result's trace"),
        Param("every", default: .number(1), "steps between callback calls"),
    ]
    for n in optionNames { params.append(Param(n, default: .none, optionDocs[n] ?? "")) }

    r.add(Builtin("minimize", group: .fitting, params: params,
                  summary: "Minimizes a function of a number, tensor or record with gd, momentum, adam, adamw, rmsprop or lbfgs, equal to torch.optim step by step.",
                  formula: "gd: x ← x − lr·∇f;  momentum: v ← μv + ∇f, x ← x − lr·v;  adam: m ← β₁m + (1−β₁)∇f, v ← β₂v + (1−β₂)∇f², x ← x − lr·m̂/(√v̂ + ε)\nresult (x: x*, loss: f(x*), history: [f(x_k) per step], steps: n, stopped: \"steps\" | \"tol\" | \"interrupted\")",
                  reference: "torch.optim: SGD (gd, momentum with nesterov), Adam, AdamW, RMSprop, LBFGS(line_search_fn=\"strong_wolfe\"), with PyTorch's defaults; each step equals torch's in float64 (checked to 1e-10 over 100 steps).\nKingma & Ba 2015 (Adam); Loshchilov & Hutter 2019 (AdamW); Nocedal & Wright, Numerical Optimization, ch. 7 (L-BFGS).",
                  notes: """
                  history[k] is f at the start of step k (the value that step's gradient came with); loss is f at the returned x.
                  lbfgs is one torch LBFGS.step(closure) with max_iter = steps (tolerance_grad 1e-7, tolerance_change 1e-9); its history holds each iteration's loss.
                  Options of one method given to another are errors (adam has no momentum:). Gradients come from grad (reverse mode), so f may use any differentiable built-in.
                  With data: (X: X, y: y), batch: 32, epochs: 10, f(x, b) gets b with the same fields holding a batch's rows (the last batch of an epoch may be smaller);
                  history holds each step's batch loss, and loss is f(x*, data) on all the rows.
                  callback: (k, x, loss) -> … gets the values of history[k]; the result then has a trace field: a tensor when every value is a number or tensors of one shape, else a list.
                  On a terminal a fit longer than half a second shows a progress line; Ctrl-C ends the fit with stopped: "interrupted", a second Ctrl-C stops the statement.
                  """,
                  example: "minimize(x -> (x - 3)^2, 0, method: \"lbfgs\", steps: 20).x",
                  output: "3") { args in
        try runMinimize(args)
    })
}

private func runMinimize(_ args: Args) throws -> Value {
    let f = try args.function("f")
    let x0 = args["x0"]
    let method = try OptimMethod(name: try args.string("method"))
    var options = OptimOptions(method: method)
    let allowed = OptimOptions.parameterNames(for: method)
    for (i, p) in args.builtin.params.enumerated() where args.given[i] {
        let isOption = p.name == "lr" || OptimMethod.allCases.contains { OptimOptions.parameterNames(for: $0).contains(p.name) }
        guard isOption else { continue }
        if case .none = args.values[i], p.name == "lr" { continue }
        guard allowed.contains(p.name) else {
            throw args.fail("method \"\(method.rawValue)\" has no parameter '\(p.name)'; its parameters are \(allowed.joined(separator: ", "))",
                            hint: Diagnostics.suggest(p.name, among: allowed).map { "did you mean '\($0)'?" })
        }
        let v: OptimValue
        switch args.values[i] {
        case .number(let x): v = .number(x)
        case .bool(let b): v = .bool(b)
        case .tensor(let t) where t.rank == 1: v = .numbers(t.data)
        default: throw args.fail("\(p.name) must be a number, got \(args.values[i].typeName)")
        }
        do { try options.set(p.name, v) } catch let e as CoreError {
            throw CoreError(e.message.hasPrefix("minimize: ") ? e.message : "minimize: " + e.message, hint: e.hint)
        }
    }
    try options.validate()

    var flat: [Double] = []
    switch x0 {
    case .number, .tensor, .record: break
    default: throw args.fail("x0 must be a number, tensor or record, got \(x0.typeName)")
    }
    let layout = FlatParams(x0, into: &flat)
    if layout.count == 0 { throw args.fail("x0 has no number or tensor to fit") }

    // mini-batches
    let data: FitData? = try { if case .none = args["data"] { return nil }; return try FitData(args["data"], fail: args.fail) }()
    var steps = try args.int("steps")
    var batchRows: [ArraySlice<Int>] = []   // the batches of every step, in order
    if let d = data {
        if args.isGiven("steps") {
            throw args.fail("with data:, the number of steps is epochs × batches; give epochs: instead of steps:")
        }
        let batch = try args.optionalInt("batch") ?? d.rows
        guard batch >= 1 else { throw args.fail("batch must be at least 1, got \(batch)") }
        guard batch <= d.rows else {
            throw args.fail("batch (\(batch)) is larger than the data (\(d.rows) rows)", hint: "use batch: \(d.rows) or fewer")
        }
        let epochs = try args.int("epochs")
        guard epochs >= 1 else { throw args.fail("epochs must be at least 1, got \(epochs)") }
        let perEpoch = (d.rows + batch - 1) / batch
        guard epochs <= 10_000_000 / perEpoch else { throw args.fail("epochs × batches must be at most 10000000") }
        let shuffle = try args.bool("shuffle")
        var order = Array(0..<d.rows)
        for _ in 0..<epochs {
            if shuffle { order = Random.permutation(d.rows) }
            var s = 0
            while s < d.rows { batchRows.append(order[s..<Swift.min(s + batch, d.rows)]); s += batch }
        }
        steps = batchRows.count
    } else {
        for name in ["batch", "shuffle"] where args.isGiven(name) {
            throw args.fail("\(name): needs data: (the rows to batch)")
        }
        if args.isGiven("epochs") { throw args.fail("epochs: needs data: (the rows to pass over)") }
    }
    guard steps >= 0 else { throw args.fail("steps must be ≥ 0, got \(steps)") }
    let tol = try args.double("tol")

    let callback: Function? = try { if case .none = args["callback"] { return nil }; return try args.function("callback") }()
    let every = try args.int("every")
    guard every >= 1 else { throw args.fail("every must be at least 1, got \(every)") }
    var trace: [Value] = []

    func evaluate(_ x: [Double], _ step: Int) throws -> (value: Double, grad: [Double]) {
        var inputs = [layout.rebuild(x0, x)]
        if let d = data {
            inputs.append(step < batchRows.count && method != .lbfgs ? d.batch(batchRows[step]) : .record(d.record))
        }
        let (v, g): (Double, Value)
        do {
            // (LossCore prefixes "minimize: at step k: ")
            (v, g) = try valueAndGradient(f, inputs, wrt: 0, caller: args.caller, fail: { CoreError($0, hint: $1) })
        } catch let e as LangError where e.kind == .interrupt {
            Interrupt.requested = false
            throw FitInterrupted()
        } catch let e as LimitError where e.kind == .interrupted {
            // Ctrl-C seen inside a kernel: the core leaves the flag set for the interpreter
            Interrupt.requested = false
            throw FitInterrupted()
        }
        var gf: [Double] = []
        gf.reserveCapacity(layout.count)
        FlatParams.flatten(g, into: &gf)
        return (v, gf)
    }

    // progress on a terminal, for fits longer than half a second
    let session = (args.caller as? Interpreter)?.session
    let start = DispatchTime.now().uptimeNanoseconds
    var lastShown: UInt64 = 0
    var shown = false
    func progress(_ k: Int, _ loss: Double) {
        guard let show = session?.onProgress else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let elapsed = Double(now - start) / 1e9
        guard elapsed > 0.5, now - lastShown > 100_000_000 else { return }
        lastShown = now
        shown = true
        let left = k > 0 ? elapsed / Double(k) * Double(steps - k) : 0
        show("minimize: step \(k)/\(steps)  loss \(Display.number(loss))  \(formatSeconds(elapsed)) elapsed, \(formatSeconds(left)) left  (Ctrl-C ends the fit)")
    }
    defer { if shown { session?.onProgress?(nil) } }

    var lastX = flat, lastLoss = Double.nan, history: [Double] = []
    var stopRequested = false   // Ctrl-C seen in the callback: the fit ends at the next step
    let result: FlatFitResult
    do {
        result = try minimizeFlat(x0: flat, options: options, steps: steps, tol: tol, objective: evaluate,
                                  shouldStop: {
                                      if Interrupt.requested { Interrupt.requested = false; return true }
                                      return stopRequested
                                  },
                                  onStep: { k, x, loss in
                                      lastX = x; lastLoss = loss; history.append(loss)
                                      if let cb = callback, k % every == 0 {
                                          do {
                                              trace.append(try args.call(cb, [.number(Double(k)), layout.rebuild(x0, x), .number(loss)]))
                                          } catch let e as LangError where e.kind == .interrupt {
                                              Interrupt.requested = false
                                              stopRequested = true
                                          } catch let e as LimitError where e.kind == .interrupted {
                                              Interrupt.requested = false
                                              stopRequested = true
                                          }
                                      }
                                      progress(k, loss)
                                  })
    } catch is FitInterrupted {
        // Ctrl-C inside f: the fit ends at the last step that completed
        // (as minimizeFlat's own early stops: x = x_k, loss = f(x_k), history[0..<k], steps = k)
        let k = Swift.max(0, history.count - 1)
        result = FlatFitResult(x: lastX, loss: lastLoss, history: Array(history.prefix(k)), steps: k, stopped: .interrupted)
    }

    var loss = result.loss
    if let d = data, method == .lbfgs || result.stopped != .steps {
        // with mini-batches, loss is f on every row
        loss = try valueAndGradient(f, [layout.rebuild(x0, result.x), .record(d.record)], wrt: 0, caller: args.caller, fail: args.fail).value
    }
    var fields: [(String, Value)] = [
        ("x", layout.rebuild(x0, result.x)),
        ("loss", .number(loss)),
        ("history", .tensor(Tensor(result.history))),
        ("steps", .number(Double(result.steps))),
        ("stopped", .string(result.stopped.rawValue)),
    ]
    if callback != nil { fields.append(("trace", traceValue(trace))) }
    return .record(Record(fields))
}

/// The callback's values: a tensor when every value is a number or tensors of one shape
/// (stacked along a new first axis), else a list.
private func traceValue(_ items: [Value]) -> Value {
    if items.isEmpty { return .tensor(Tensor([])) }
    let ts = items.compactMap { v -> Tensor? in
        switch v {
        case .number, .bool, .tensor: return v.asTensor
        default: return nil
        }
    }
    guard ts.count == items.count, let shape = ts.first?.shape, ts.allSatisfy({ $0.shape == shape }) else { return .list(items) }
    var data: [Double] = []
    data.reserveCapacity(ts.count * Tensor.count(of: shape))
    for t in ts { data.append(contentsOf: t.data) }
    return .tensor(Tensor(shape: [ts.count] + shape, data: data))
}

private func formatSeconds(_ s: Double) -> String {
    if s < 60 { return String(format: "%.1f s", s) }
    return String(format: "%d:%02d", Int(s) / 60, Int(s) % 60)
}
