import LossCore

/// The items of a tensor along its first axis: numbers for a vector, rows (tensors of one
/// rank less) otherwise.
private func items(_ args: Args, _ param: String) throws -> (Tensor, [Value]) {
    let v = args[param]
    guard let t = v.asTensor else {
        throw args.fail("\(param) must be a tensor, got \(v.typeName)")
    }
    guard let n = t.shape.first else {
        throw args.fail("\(param) must be a tensor with at least one axis, got a number",
                        hint: "wrap it in brackets: [x]")
    }
    let rowShape = Array(t.shape.dropFirst())
    let row = n == 0 ? 0 : t.count / n
    var out: [Value] = []
    out.reserveCapacity(n)
    for i in 0..<n {
        if rowShape.isEmpty {
            out.append(.number(t.data[i]))
        } else {
            out.append(.tensor(Tensor(shape: rowShape, data: Array(t.data[(i * row)..<((i + 1) * row)]))))
        }
    }
    return (t, out)
}

/// Stacks per-item results into one tensor: numbers → vector, equal-shape tensors → [n, …].
private func stack(_ args: Args, _ results: [Value], what: String) throws -> Tensor {
    guard let first = results.first else { return Tensor([]) }
    func shapeOf(_ v: Value, _ i: Int) throws -> Tensor {
        switch v {
        case .number, .bool, .tensor: return v.asTensor ?? Tensor(scalar: 0)
        default: throw args.fail("\(what) must return numbers or tensors, got \(v.typeName) for item \(i)")
        }
    }
    let t0 = try shapeOf(first, 0)
    let itemShape = t0.shape
    let per = t0.count
    _ = try Tensor.checkedCount([results.count] + itemShape)
    var data: [Double] = []
    data.reserveCapacity(results.count * per)
    for (i, v) in results.enumerated() {
        let t = try shapeOf(v, i)
        guard t.shape == itemShape else {
            func describe(_ s: [Int]) -> String { s.isEmpty ? "a number" : "shape \(formatShape(s))" }
            throw args.fail("\(what) returned \(describe(itemShape)) for item 0 but \(describe(t.shape)) for item \(i); " +
                            "results must all have the same shape to be stacked")
        }
        data.append(contentsOf: t.data)
    }
    return Tensor(shape: [results.count] + itemShape, data: data)
}

/// Runs `body` with a way to call f(x): a user function goes straight into the interpreter's
/// frame (no argument array, no protocol call); anything else through `args.call`.
@inline(__always)
private func withCallback<R>(_ args: Args, _ f: Function, _ body: ((Value) throws -> Value) throws -> R) throws -> R {
    if case .user(let u) = f.kind, let I = args.caller as? Interpreter {
        return try body { x in try I.callDirect(u, x) }
    }
    return try body { x in try args.call(f, [x]) }
}

/// `withCallback` for f(acc, x).
@inline(__always)
private func withCallback2<R>(_ args: Args, _ f: Function, _ body: ((Value, Value) throws -> Value) throws -> R) throws -> R {
    if case .user(let u) = f.kind, let I = args.caller as? Interpreter {
        return try body { a, x in try I.callDirect(u, a, x) }
    }
    return try body { a, x in try args.call(f, [a, x]) }
}

func installHigherOrderBuiltins(_ r: Registry) {
    r.add(Builtin(
        "map", group: .higherOrder,
        params: [Param("f", "a function of one argument"),
                 Param("xs", "a tensor: f gets each number of a vector, or each row (first-axis slice) of a matrix")],
        summary: "Applies f to each item of xs along its first axis and stacks the results.",
        formula: "map(f, xs)[i] = f(xs[i])",
        reference: "Python's map / jax.vmap over axis 0 (but f is called once per item); Julia's map over eachslice(xs, dims=1).",
        notes: "Number results give a vector; tensor results of one shape S give a tensor of shape [n, S…]; " +
            "results of different shapes are an error. An empty xs gives the empty vector.",
        example: "map(x -> x^2, [1, 2, 3])", output: "[1, 4, 9]",
        impl: { args in
            try withCallback(args, try args.function("f")) { f in
                if case .tensor(let t) = args["xs"], t.rank == 1 {
                    // a vector: number results go straight into the output buffer; the first
                    // other result switches to collecting values (stacked as below)
                    let n = t.count
                    var out: [Double] = []
                    out.reserveCapacity(n)
                    var i = 0
                    while i < n {
                        let v = try f(.number(t.data[i]))
                        if case .number(let y) = v { out.append(y) }
                        else if case .bool(let b) = v { out.append(b ? 1 : 0) }
                        else {
                            var results: [Value] = out.map { .number($0) }
                            results.reserveCapacity(n)
                            results.append(v)
                            i += 1
                            while i < n { results.append(try f(.number(t.data[i]))); i += 1 }
                            return .tensor(try stack(args, results, what: "f"))
                        }
                        i += 1
                    }
                    return .tensor(Tensor(shape: [n], data: out))
                }
                let (_, xs) = try items(args, "xs")
                var results: [Value] = []
                results.reserveCapacity(xs.count)
                for x in xs { results.append(try f(x)) }
                return .tensor(try stack(args, results, what: "f"))
            }
        }))

    r.add(Builtin(
        "filter", group: .higherOrder,
        params: [Param("f", "a predicate of one argument, returning true/false (or a number: nonzero is true)"),
                 Param("xs", "a tensor: f gets each number of a vector, or each row of a matrix")],
        summary: "The items of xs (numbers of a vector, rows of a matrix) for which f is true.",
        formula: "[x for x in xs if f(x)]",
        reference: "Python's filter; NumPy's boolean-mask indexing xs[mask] along axis 0.",
        notes: "The result keeps xs's shape except along the first axis; nothing kept gives 0 rows.",
        example: "filter(x -> x > 1, [0, 3, 1, 5])", output: "[3, 5]",
        impl: { args in
            try withCallback(args, try args.function("f")) { f in
                let (t, xs) = try items(args, "xs")
                let row = xs.isEmpty ? 0 : t.count / xs.count
                var data: [Double] = []
                var kept = 0
                for (i, x) in xs.enumerated() {
                    let r = try f(x)
                    guard let keep = r.isTruthy else {
                        throw args.fail("f must return true or false, got \(r.typeName) for item \(i)")
                    }
                    if keep {
                        data.append(contentsOf: t.data[(i * row)..<((i + 1) * row)])
                        kept += 1
                    }
                }
                return .tensor(Tensor(shape: [kept] + t.shape.dropFirst(), data: data))
            }
        }))

    r.add(Builtin(
        "reduce", group: .higherOrder,
        params: [Param("f", "a function of two arguments (accumulator, item)"),
                 Param("xs", "a tensor: its numbers (vector) or rows (matrix) are folded in order"),
                 Param("init", "the starting accumulator (returned as is when xs is empty)")],
        summary: "Folds xs from the left: f(…f(f(init, xs[0]), xs[1])…, xs[n−1]).",
        formula: "acc₀ = init, accᵢ₊₁ = f(accᵢ, xs[i]); result acc_n",
        reference: "Python's functools.reduce(f, xs, init); Julia's foldl.",
        notes: "The accumulator can be any value (number, tensor, …).",
        example: "reduce((a, b) -> a + b, [1, 2, 3], 10)", output: "16",
        impl: { args in
            try withCallback2(args, try args.function("f")) { f in
                let (_, xs) = try items(args, "xs")
                var acc = args["init"]
                for x in xs { acc = try f(acc, x) }
                return acc
            }
        }))
}
