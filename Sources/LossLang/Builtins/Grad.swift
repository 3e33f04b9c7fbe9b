import LossCore

/// `grad(f, x, …, wrt: 0)`: reverse-mode automatic differentiation (docs/reference.md §3).
func installGradBuiltins(_ r: Registry) {
    r.add(Builtin("grad", group: .grad,
                  params: [Param("f", "a scalar-valued function (built-in, fn or lambda)"),
                           Param("x", "the point: f's first argument"),
                           Param("wrt", default: .number(0), "which argument to differentiate with respect to (0-based)")],
                  variadic: true,
                  summary: "Gradient of a scalar-valued function at a point, by reverse-mode automatic differentiation.",
                  formula: "grad(f, x) = ∂f/∂x (same shape as x);  grad(f, x, y, wrt: 1) = ∂f(x, y)/∂y",
                  reference: "Reverse-mode AD as in torch.autograd: f runs once while a tape records each operation; one backward sweep applies each operation's gradient rule (losses use analytic rules, e.g. softmax − target for cross-entropy with logits).",
                  notes: "Arguments after x are passed to f too; only the one chosen by wrt is differentiated (the others are constants).\nf must return a single number. Gradients through arithmetic, indexing, slicing, indexed assignment, @, broadcasting,\nreductions, activations, math functions and every loss. Class labels have no gradient.",
                  example: "grad(x -> sum(x^2), [1, 2, 3])", output: "[2, 4, 6]") { args in
        let f = try args.function("f")
        var inputs = [args["x"]] + args.rest
        let k = try args.int("wrt")
        guard k >= 0 && k < inputs.count else {
            throw args.fail("wrt must be between 0 and \(inputs.count - 1) (the index of one of f's \(inputs.count) argument\(inputs.count == 1 ? "" : "s")), got \(k)")
        }
        if Tape.current != nil {
            throw args.fail("grad inside grad (higher derivatives) is not supported")
        }
        guard let x = inputs[k].asTensor else {
            throw args.fail("can only differentiate with respect to a number or tensor; argument \(k) is \(inputs[k].typeName)")
        }
        let tape = Tape()
        Tape.current = tape
        defer { Tape.current = nil }
        let leaf = tape.leaf(x)
        inputs[k] = .tensor(leaf)
        let out = try args.call(f, inputs)
        guard let y = out.asTensor else {
            throw args.fail("f must return a number, got \(out.typeName)")
        }
        guard y.count == 1 else {
            throw args.fail("f must return a single number (a scalar), got a tensor of shape \(formatShape(y.shape))",
                            hint: "reduce it first, e.g. x -> sum(f(x)) or x -> mean(f(x))")
        }
        var g = try tape.gradient(of: y, wrt: leaf)
        g.node = -1
        if case .number = args[args.builtin.params[1].name], k == 0 { return Value.from(g) }
        if x.rank == 0 { return .number(g.data.first ?? 0) }
        return .tensor(g)
    }.withBackward { _, _, _ in [:] })
}
