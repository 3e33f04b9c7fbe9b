import LossCore

/// `grad(f, x, …, wrt: 0)`: reverse-mode automatic differentiation (docs/reference.md §3).
func installGradBuiltins(_ r: Registry) {
    r.add(Builtin("grad", group: .grad,
                  params: [Param("f", "a scalar-valued function (built-in, fn or lambda)"),
                           Param("x", "the point: f's first argument (a number, tensor or record)"),
                           Param("wrt", default: .number(0), "which argument to differentiate with respect to (0-based)")],
                  variadic: true,
                  summary: "Gradient of a scalar-valued function at a point, by reverse-mode automatic differentiation.",
                  formula: "grad(f, x) = ∂f/∂x (same shape as x);  grad(f, x, y, wrt: 1) = ∂f(x, y)/∂y",
                  reference: "Reverse-mode AD as in torch.autograd: f runs once while a tape records each operation; one backward sweep applies each operation's gradient rule (losses use analytic rules, e.g. softmax − target for cross-entropy with logits).",
                  notes: "Arguments after x are passed to f too; only the one chosen by wrt is differentiated (the others are constants).\nFor a record x, the result is a record of the same fields: the gradient of every number or tensor field (others are none).\nf must return a single number. Gradients through arithmetic, indexing, slicing, indexed assignment, @, broadcasting,\nreductions, activations, math functions and every loss. Class labels have no gradient.",
                  example: "grad(x -> sum(x^2), [1, 2, 3])", output: "[2, 4, 6]") { args in
        let (_, g) = try differentiate(args)
        return g
    }.withBackward { _, _, _ in [:] })
}

/// The value and gradient of `args`' f at its point (the argument chosen by `wrt`), by one
/// forward and one backward pass. A record point gives a record of gradients.
func differentiate(_ args: Args) throws -> (value: Double, grad: Value) {
    let f = try args.function("f")
    let inputs = [args["x"]] + args.rest
    let k = try args.int("wrt")
    guard k >= 0 && k < inputs.count else {
        throw args.fail("wrt must be between 0 and \(inputs.count - 1) (the index of one of f's \(inputs.count) argument\(inputs.count == 1 ? "" : "s")), got \(k)")
    }
    return try valueAndGradient(f, inputs, wrt: k, caller: args.caller, fail: args.fail)
}

/// f(inputs) and its gradient with respect to inputs[k] (a number, tensor or record), by one
/// forward and one backward pass; `fail` makes the errors of the calling built-in.
func valueAndGradient(_ f: Function, _ inputs: [Value], wrt k: Int, caller: FunctionCaller,
                      fail: (String, String?) -> CoreError) throws -> (value: Double, grad: Value) {
    if Tape.current != nil {
        throw fail("grad inside grad (higher derivatives) is not supported", nil)
    }
    var inputs = inputs
    let point = inputs[k]
    switch point {
    case .record: break
    default:
        guard point.asTensor != nil else {
            throw fail("can only differentiate with respect to a number or tensor (or a record of them); argument \(k) is \(point.typeName)", nil)
        }
    }
    let tape = Tape()
    Tape.current = tape
    defer { Tape.current = nil }
    var leaves: [Tensor] = []
    inputs[k] = trackLeaves(point, tape, &leaves)
    if leaves.isEmpty {
        throw fail("the record has no number or tensor field to differentiate", nil)
    }
    let out = try caller.call(f, inputs)
    guard let y = out.asTensor else {
        throw fail("f must return a number, got \(out.typeName)", nil)
    }
    guard y.count == 1 else {
        throw fail("f must return a single number (a scalar), got a tensor of shape \(formatShape(y.shape))",
                   "reduce it first, e.g. x -> sum(f(x)) or x -> mean(f(x))")
    }
    let grads = try tape.gradients(of: y, wrt: leaves)
    var next = 0
    return (y.data[0], gradientValue(point, grads, &next))
}

/// `v` with every number and tensor (inside records too) replaced by a leaf of `tape`.
private func trackLeaves(_ v: Value, _ tape: Tape, _ leaves: inout [Tensor]) -> Value {
    switch v {
    case .number(let x):
        let leaf = tape.leaf(Tensor(scalar: x)); leaves.append(leaf); return .tensor(leaf)
    case .tensor(let t):
        let leaf = tape.leaf(t); leaves.append(leaf); return .tensor(leaf)
    case .record(var r):
        for i in 0..<r.count { r.setValue(at: i, trackLeaves(r.values[i], tape, &leaves)) }
        return .record(r)
    default:
        return v
    }
}

/// The gradients in the structure of the point: numbers for numbers, tensors for
/// tensors, records for records; none for fields that are not differentiated.
private func gradientValue(_ point: Value, _ grads: [Tensor], _ next: inout Int) -> Value {
    switch point {
    case .number:
        defer { next += 1 }
        return .number(grads[next].data.first ?? 0)
    case .tensor:
        defer { next += 1 }
        var g = grads[next]
        g.node = -1
        return Value.from(g)
    case .record(var r):
        for i in 0..<r.count { r.setValue(at: i, gradientValue(r.values[i], grads, &next)) }
        return .record(r)
    default:
        return .none
    }
}

func installValueAndGrad(_ r: Registry) {
    r.add(Builtin("value_and_grad", group: .grad,
                  params: [Param("f", "a scalar-valued function (built-in, fn or lambda)"),
                           Param("x", "the point: f's first argument (a number, tensor or record)"),
                           Param("wrt", default: .number(0), "which argument to differentiate with respect to (0-based)")],
                  variadic: true,
                  summary: "The value f(x) and the gradient ∇f(x) from one forward and one backward pass, as the record (value:, grad:).",
                  formula: "value_and_grad(f, x) = (value: f(x), grad: ∂f/∂x)",
                  reference: "jax.value_and_grad; in PyTorch, loss = f(x); loss.backward() gives both.",
                  notes: "Takes the same arguments as grad; the gradient has the structure of x (a record of gradients for a record).",
                  example: "value_and_grad(x -> sum(x^2), [1, 2])", output: "(value: 5, grad: [2, 4])") { args in
        let (v, g) = try differentiate(args)
        return .record(Record(names: ["value", "grad"], values: [.number(v), g]))
    })
}
