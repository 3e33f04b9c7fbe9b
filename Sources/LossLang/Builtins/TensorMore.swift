import LossCore

// More tensor built-ins (docs/reference.md §3 "More tensor built-ins"): sorting and order statistics,
// cumsum, where, any/all, shape helpers, triangles, linear systems, len and accuracy. Each equals
// NumPy in float64 (Scripts/gen_fixtures_tensor.py writes the reference cases,
// Tests/LossLangTests/Fixtures/tensor.json); example outputs were computed with NumPy.
// Gradient rules route through LossCore's backward passes (Sorting.swift, TensorMore.swift,
// LinalgSolve.swift). Functions that are constant almost everywhere (argsort, argtopk, any, all,
// len, accuracy) have a zero gradient, as argmax does; unique has none.

/// One entry, with errors named after the built-in and an optional gradient rule.
private func entry(_ name: String, _ group: BuiltinGroup, _ params: [Param], summary: String, formula: String? = nil,
                   reference: String, notes: String? = nil, example: String, output: String,
                   backward: ((Args, Tensor, Tensor) throws -> [String: Tensor])? = nil,
                   _ impl: @escaping (Args) throws -> Value) -> Builtin {
    let b = namingErrors(Builtin(name, group: group, params: params, summary: summary, formula: formula,
                                 reference: reference, notes: notes, example: example, output: output, impl: impl))
    if let rule = backward { b.withBackward(rule) }
    return b
}

/// An entry of the Tensors group.
private func entry(_ name: String, _ params: [Param], summary: String, formula: String? = nil,
                   reference: String, notes: String? = nil, example: String, output: String,
                   backward: ((Args, Tensor, Tensor) throws -> [String: Tensor])? = nil,
                   _ impl: @escaping (Args) throws -> Value) -> Builtin {
    entry(name, .tensor, params, summary: summary, formula: formula, reference: reference, notes: notes,
          example: example, output: output, backward: backward, impl)
}

/// A zero gradient for every tensor parameter given (piecewise-constant built-ins).
private func zeroRule(_ names: String...) -> (Args, Tensor, Tensor) throws -> [String: Tensor] {
    { args, _, _ in
        var out: [String: Tensor] = [:]
        for n in names { if let t = args[n].asTensor { out[n] = try Tensor.zeros(t.shape) } }
        return out
    }
}

/// A truth-valued tensor as a value: true/false when it is a single value, else a 0/1 mask.
private func truth(_ t: Tensor) -> Value {
    t.rank == 0 ? .bool(t.data[0] != 0) : .tensor(t)
}

/// An integer or a vector of integers (axes, reps).
private func ints(_ a: Args, _ param: String, what: String) throws -> [Int] {
    let v = a[param]
    guard let t = v.asTensor, t.rank <= 1 else { throw a.fail("\(param) must be \(what), got \(v.typeName)") }
    return try t.data.map { try Args.toInt($0, "\(a.name): \(param)") }
}

private let xParam = Param("x", "a number or tensor")
private let sortAxis = Param("axis", default: .number(-1), "axis to sort along (negative counts from the end)")
private let descendingParam = Param("descending", default: .bool(false), "largest first (nan first) instead of smallest first (nan last)")
private let reduceAxis = Param("axis", default: .none, "axis to reduce (negative counts from the end); none reduces every element")
private let keepParam = Param("keepdims", default: .bool(false), "keep the reduced axis with length 1 (for broadcasting against x)")
private let matrixParam = Param("a", "a square matrix [n, n]")

private func sortRule(_ args: Args, _ out: Tensor, _ g: Tensor) throws -> [String: Tensor] {
    let x = try args.tensor("x"), axis = try args.int("axis")
    let idx = try x.sortedWithIndices(axis: axis, descending: try args.bool("descending"), what: args.name).indices
    return ["x": try Tensor.scatterAlongAxis(g, indices: idx, axis: axis, shape: x.shape)]
}

private func topkRule(_ args: Args, _ out: Tensor, _ g: Tensor) throws -> [String: Tensor] {
    let x = try args.tensor("x"), axis = try args.int("axis")
    let idx = try x.topk(try args.int("k"), axis: axis, what: args.name).indices
    return ["x": try Tensor.scatterAlongAxis(g, indices: idx, axis: axis, shape: x.shape)]
}

private func triangleEntry(_ name: String, upper: Bool) -> Builtin {
    let side = upper ? "upper" : "lower"
    return entry(name, [Param("x", "a matrix, or a batch of matrices [..., m, n]"),
                        Param("k", default: .number(0), "the diagonal: 0 the main one, k > 0 above it, k < 0 below it")],
                 summary: "The \(side) triangle of a matrix: elements \(upper ? "on and above" : "on and below") the k-th diagonal, zeros elsewhere.",
                 formula: upper ? "triu(x, k)ᵢⱼ = xᵢⱼ if j − i ≥ k, else 0" : "tril(x, k)ᵢⱼ = xᵢⱼ if j − i ≤ k, else 0",
                 reference: "NumPy np.\(name), torch.\(name) (identical; batched over the leading axes).",
                 notes: "A vector is an error (torch's rule; NumPy would broadcast it into a square matrix): diag(v) builds a matrix from a vector.",
                 example: upper ? "triu([1, 2, 3; 4, 5, 6; 7, 8, 9])" : "tril([1, 2, 3; 4, 5, 6; 7, 8, 9], k: -1)",
                 output: upper ? "3×3 tensor\n 1  2  3\n 0  5  6\n 0  0  9" : "3×3 tensor\n 0  0  0\n 4  0  0\n 7  8  0",
                 backward: { args, _, g in
                     ["x": try g.triangle(upper: upper, k: try args.int("k"), what: name)]
                 }) { a in
        .tensor(try a.tensor("x").triangle(upper: upper, k: try a.int("k"), what: name))
    }
}

func installMoreTensorBuiltins(_ r: Registry) {
    r.add([
        // MARK: sorting
        entry("sort", [xParam, sortAxis, descendingParam],
              summary: "The values sorted along an axis (stable: equal values keep their order).",
              reference: "NumPy np.sort(x, axis, kind=\"stable\"), torch.sort(x, dim, descending, stable=True).values (identical; nan sorts last, and first when descending, as torch).",
              notes: "The gradient goes back to each value's original position.",
              example: "sort([3, 1, 2], descending: true)", output: "[3, 2, 1]",
              backward: sortRule) { a in
            Value.from(try a.tensor("x").sorted(axis: try a.int("axis"), descending: try a.bool("descending"), what: "sort"))
        },
        entry("argsort", [xParam, sortAxis, descendingParam],
              summary: "The indices (0-based) that sort x along an axis, stable: equal values keep their order.",
              formula: "x[argsort(x)] = sort(x)",
              reference: "NumPy np.argsort(x, axis, kind=\"stable\"), torch.argsort(x, dim, descending, stable=True) (identical; nan sorts last, and first when descending).",
              notes: "Descending order keeps ties in their original order too (torch's stable sort), which np.argsort(-x, kind=\"stable\") also gives. Indices are returned as numbers; their gradient is zero.",
              example: "argsort([3, 1, 2])", output: "[1, 2, 0]",
              backward: zeroRule("x")) { a in
            Value.from(try a.tensor("x").argsorted(axis: try a.int("axis"), descending: try a.bool("descending"), what: "argsort"))
        },
        entry("topk", [xParam, Param("k", "how many values (0 to the axis length)"),
                       Param("axis", default: .number(-1), "axis to select along (negative counts from the end)")],
              summary: "The k largest values along an axis, largest first.",
              formula: "topk(x, k) = sort(x, descending: true)[:k]",
              reference: "torch.topk(x, k, dim, largest=True, sorted=True).values; NumPy has no topk (-np.sort(-x)[..., :k] gives the same values).",
              notes: "Ties come lowest index first (the stable descending order; torch.topk leaves the order of ties unspecified). The gradient goes to the selected elements.",
              example: "topk([0.1, 0.5, 0.2, 0.9], 2)", output: "[0.9, 0.5]",
              backward: topkRule) { a in
            Value.from(try a.tensor("x").topk(try a.int("k"), axis: try a.int("axis"), what: "topk").values)
        },
        entry("argtopk", [xParam, Param("k", "how many indices (0 to the axis length)"),
                          Param("axis", default: .number(-1), "axis to select along (negative counts from the end)")],
              summary: "The indices (0-based) of the k largest values along an axis, largest first.",
              formula: "argtopk(x, k) = argsort(x, descending: true)[:k]",
              reference: "torch.topk(x, k, dim).indices; NumPy np.argsort(-x, kind=\"stable\")[..., :k].",
              notes: "Ties come lowest index first. Indices are returned as numbers; their gradient is zero.",
              example: "argtopk([0.1, 0.5, 0.2, 0.9], 2)", output: "[3, 1]",
              backward: zeroRule("x")) { a in
            Value.from(try a.tensor("x").topk(try a.int("k"), axis: try a.int("axis"), what: "argtopk").indices)
        },
        entry("unique", [xParam],
              summary: "The distinct values of x, sorted, as a vector (x is flattened).",
              reference: "NumPy np.unique(x) (identical, with nan kept once at the end: equal_nan=True); torch.unique(x, sorted=True).",
              notes: "Not differentiable.",
              example: "unique([3, 1, 3, 2, 1])", output: "[1, 2, 3]") { a in
            .tensor(try a.tensor("x").unique())
        },

        // MARK: order statistics
        entry("median", .reductions, [xParam, reduceAxis, keepParam],
              summary: "The median (along an axis): the middle value, or the mean of the two middle values of an even count.",
              formula: "median(x) = quantile(x, 0.5) = (x₍⌊(n−1)/2⌋₎ + x₍⌈(n−1)/2⌉₎) / 2 over the sorted values",
              reference: "NumPy np.median (identical: nan if a nan is present, nan for nothing). torch.median returns the lower of the two middle values instead.",
              notes: "The gradient goes to the middle value, or half to each of the two middle values.",
              example: "median([3, 1, 4, 1, 5, 9])", output: "3.5",
              backward: { args, _, g in
                  ["x": try Tensor.medianBackward(try args.tensor("x"), axis: try args.optionalInt("axis"), g)]
              }) { a in
            Value.from(try a.tensor("x").median(axis: try a.optionalInt("axis"), keepdims: try a.bool("keepdims")))
        },
        entry("quantile", .reductions, [xParam, Param("q", "the level(s) in [0, 1]: a number or a vector"), reduceAxis, keepParam],
              summary: "The q-th quantile(s) (along an axis), interpolating linearly between the sorted values.",
              formula: "quantile(x, q) = (1 − γ)·x₍ⱼ₎ + γ·x₍ⱼ₊₁₎,  j + γ = (n − 1)·q,  x₍ᵢ₎ the sorted values",
              reference: "NumPy np.quantile(x, q, axis, method=\"linear\") (identical, including its interpolation arithmetic and nan for a lane with nan); torch.quantile (interpolation \"linear\").",
              notes: "A vector q puts its axis first: quantile(x, [0.25, 0.75], axis: 0) has shape [2] + the reduced shape, as NumPy. An empty tensor is an error. Differentiable in x and in q.",
              example: "quantile([1, 2, 3, 4], [0.25, 0.5])", output: "[1.75, 2.5]",
              backward: { args, _, g in
                  let x = try args.tensor("x"), q = try args.tensor("q")
                  let (gx, gq) = try Tensor.quantileBackward(x, q, axis: try args.optionalInt("axis"), g)
                  return ["x": gx, "q": gq]
              }) { a in
            Value.from(try a.tensor("x").quantile(try a.tensor("q"), axis: try a.optionalInt("axis"), keepdims: try a.bool("keepdims")))
        },

        // MARK: cumsum, where, any, all
        entry("cumsum", [xParam, Param("axis", default: .none, "axis to accumulate along (negative counts from the end); none flattens x first")],
              summary: "Running sums along an axis; without an axis, of the flattened elements (as NumPy).",
              formula: "cumsum(x)ᵢ = Σ_{j ≤ i} xⱼ",
              reference: "NumPy np.cumsum (identical, also axis=None flattening); torch.cumsum needs a dim.",
              notes: "The sums are accumulated in order, as NumPy does.",
              example: "cumsum([1, 2; 3, 4], axis: 1)", output: "2×2 tensor\n 1  3\n 3  7",
              backward: { args, _, g in
                  let x = try args.tensor("x")
                  return ["x": try Tensor.cumsumBackward(x, axis: try args.optionalInt("axis"), g)]
              }) { a in
            Value.from(try a.tensor("x").cumsum(axis: try a.optionalInt("axis")))
        },
        entry("where", [Param("cond", "the condition: non-zero (true) picks a"), Param("a", "values where cond is true"),
                        Param("b", "values where cond is false")],
              summary: "Element-wise choice: a where cond is true (non-zero), b elsewhere; the three broadcast together.",
              formula: "where(c, a, b)ᵢ = aᵢ if cᵢ ≠ 0 else bᵢ",
              reference: "NumPy np.where(cond, a, b), torch.where (identical; nan counts as true).",
              notes: "Differentiable in a and b: the gradient goes to the side that was chosen.",
              example: "x = [-1, 2, -3]; where(x > 0, x, 0)", output: "[0, 2, 0]",
              backward: { args, _, g in
                  let c = try args.tensor("cond")
                  let (ga, gb) = try Tensor.selectBackward(c, g)
                  return ["a": ga, "b": gb, "cond": try Tensor.zeros(c.shape)]
              }) { a in
            Value.from(try Tensor.select(try a.tensor("cond"), try a.tensor("a"), try a.tensor("b")))
        },
        entry("any", .reductions, [xParam, reduceAxis, keepParam],
              summary: "Whether any element (along an axis) is true (non-zero): true/false, or a 0/1 tensor along an axis.",
              formula: "any(x) = ∃ i: xᵢ ≠ 0",
              reference: "NumPy np.any, torch.any (identical; nan counts as true, any of nothing is false).",
              notes: "A full reduction gives a bool, like a comparison of numbers; along an axis, a 0/1 tensor usable as a mask, like a comparison of tensors.",
              example: "any([0, 0, 1])", output: "true",
              backward: zeroRule("x")) { a in
            truth(try a.tensor("x").any(axis: try a.optionalInt("axis"), keepdims: try a.bool("keepdims")))
        },
        entry("all", .reductions, [xParam, reduceAxis, keepParam],
              summary: "Whether every element (along an axis) is true (non-zero): true/false, or a 0/1 tensor along an axis.",
              formula: "all(x) = ∀ i: xᵢ ≠ 0",
              reference: "NumPy np.all, torch.all (identical; nan counts as true, all of nothing is true).",
              notes: "A full reduction gives a bool; along an axis, a 0/1 tensor usable as a mask.",
              example: "all([1, 2; 0, 4] > 0, axis: 1)", output: "[1, 0]",
              backward: zeroRule("x")) { a in
            truth(try a.tensor("x").all(axis: try a.optionalInt("axis"), keepdims: try a.bool("keepdims")))
        },

        // MARK: shapes
        entry("squeeze", [xParam, Param("axis", default: .none, "an axis (or a vector of axes) of length 1 to remove; none removes every axis of length 1")],
              summary: "x without its axes of length 1 (all of them, or the given ones).",
              reference: "NumPy np.squeeze (identical: an axis whose length is not 1 is an error); torch.squeeze ignores such an axis.",
              example: "shape(squeeze(zeros([1, 3, 1])))", output: "[3]",
              backward: { args, _, g in
                  let x = try args.tensor("x")
                  return ["x": Tensor(shape: x.shape, data: g.data)]
              }) { a in
            let x = try a.tensor("x")
            let axes: [Int]? = a["axis"].isNone ? nil : try ints(a, "axis", what: "an axis or a vector of axes")
            return Value.from(try x.squeezed(axes: axes))
        },
        entry("unsqueeze", [xParam, Param("axis", "where the new axis goes: 0 to rank, negative counts from the end (-1 appends)")],
              summary: "x with a new axis of length 1 inserted at axis.",
              reference: "torch.unsqueeze, NumPy np.expand_dims (identical).",
              example: "unsqueeze([1, 2], 1)", output: "2×1 tensor\n 1\n 2",
              backward: { args, _, g in
                  let x = try args.tensor("x")
                  return ["x": Tensor(shape: x.shape, data: g.data)]
              }) { a in
            .tensor(try a.tensor("x").unsqueezed(try a.int("axis")))
        },
        entry("tile", [xParam, Param("reps", "repetitions per axis: a number, or a vector (the last entries go with the last axes)")],
              summary: "x repeated reps times along each axis.",
              reference: "NumPy np.tile (identical: short reps repeat the last axes, long reps add leading axes); torch.tile.",
              notes: "The gradient sums over the copies.",
              example: "tile([1, 2], [2, 2])", output: "2×4 tensor\n 1  2  1  2\n 1  2  1  2",
              backward: { args, _, g in
                  let x = try args.tensor("x")
                  return ["x": try Tensor.tileBackward(x, try ints(args, "reps", what: "a number or a vector of integers"), g)]
              }) { a in
            Value.from(try a.tensor("x").tiled(try ints(a, "reps", what: "a number or a vector of integers")))
        },
        triangleEntry("triu", upper: true),
        triangleEntry("tril", upper: false),

        // MARK: linear algebra
        entry("trace", [Param("x", "a matrix (need not be square)")],
              summary: "The sum of a matrix's main diagonal.",
              formula: "trace(x) = Σᵢ xᵢᵢ",
              reference: "NumPy np.trace, torch.trace (identical for matrices).",
              example: "trace([1, 2; 3, 4])", output: "5",
              backward: { args, _, g in
                  ["x": try Tensor.traceBackward(try args.tensor("x"), g.data.first ?? 0)]
              }) { a in
            Value.from(try a.tensor("x").trace())
        },
        entry("solve", [matrixParam, Param("b", "the right-hand side: a vector [n] or a matrix [n, k]")],
              summary: "The solution x of the linear system a·x = b.",
              formula: "solve(a, b) = a⁻¹·b",
              reference: "numpy.linalg.solve, torch.linalg.solve (LAPACK dgesv: LU with partial pivoting).",
              notes: "A singular matrix is an error, not nan, and so are nan and inf in a or b (NumPy raises LinAlgError); lstsq(a, b) solves singular or non-square systems in the least-squares sense. One matrix at a time (no batches). Differentiable in a and b.",
              example: "solve([3, 1; 1, 2], [9, 8])", output: "[2, 3]",
              backward: { args, out, g in
                  let (ga, gb) = try Linalg.solveBackward(try args.tensor("a"), out, g)
                  return ["a": ga, "b": gb]
              }) { a in
            .tensor(try Linalg.solve(try a.tensor("a"), try a.tensor("b")))
        },
        entry("inv", [Param("a", "a square matrix [n, n], or a batch of them [..., n, n]")],
              summary: "The inverse of a square matrix.",
              formula: "inv(a)·a = a·inv(a) = I",
              reference: "numpy.linalg.inv, torch.linalg.inv (LAPACK dgetrf + dgetri).",
              notes: "A singular matrix is an error, and so are nan and inf. To solve a·x = b, solve(a, b) is faster and more accurate than inv(a) @ b.",
              example: "inv([2, 0; 0, 4])", output: "2×2 tensor\n 0.5  0\n 0    0.25",
              backward: { _, out, g in ["a": try Linalg.invBackward(out, g)] }) { a in
            .tensor(try Linalg.inv(try a.tensor("a")))
        },
        entry("det", [Param("a", "a square matrix [n, n], or a batch of them [..., n, n]")],
              summary: "The determinant of a square matrix (0 for a singular one).",
              formula: "det(a) = Π diag(U) · (−1)^(row swaps),  P·a = L·U",
              reference: "numpy.linalg.det, torch.linalg.det (LU factorisation, LAPACK dgetrf).",
              notes: "A nan gives nan (as torch; NumPy may return 0). The gradient is adj(a)ᵀ (det(a)·a⁻ᵀ when a is invertible), also at singular matrices, where torch gives 0.",
              example: "det([1, 2; 3, 4])", output: "-2",
              backward: { args, out, g in ["a": try Linalg.detBackward(try args.tensor("a"), out, g)] }) { a in
            Value.from(try Linalg.det(try a.tensor("a")))
        },
        entry("lstsq", [Param("a", "the design matrix [m, n]"), Param("b", "the targets: a vector [m] or a matrix [m, k]")],
              summary: "The least-squares solution x minimising ‖a·x − b‖₂ (of minimum norm when a is rank-deficient).",
              formula: "lstsq(a, b) = argminₓ ‖a·x − b‖₂ = (aᵀa)⁻¹aᵀb for a of full column rank",
              reference: "numpy.linalg.lstsq(a, b)[0] (identical: LAPACK dgelsd with rcond = eps·max(m, n)); torch.linalg.lstsq(a, b, driver=\"gelsd\").solution.",
              notes: "The closed-form linear regression of the textbooks: with a column of ones in a for the intercept, lstsq(a, y) gives the weights. nan and inf in a or b are errors (NumPy raises LinAlgError). Differentiable in a and b when a has full rank.",
              example: "X = [0, 1; 1, 1; 2, 1; 3, 1]; lstsq(X, [-1, 0.2, 0.9, 2.1])", output: "[1, -0.95]",
              backward: { args, out, g in
                  let (ga, gb) = try Linalg.lstsqBackward(try args.tensor("a"), try args.tensor("b"), out, g)
                  return ["a": ga, "b": gb]
              }) { a in
            .tensor(try Linalg.lstsq(try a.tensor("a"), try a.tensor("b")))
        },

        // MARK: len, accuracy
        entry("len", [Param("x", "a tensor, list or string")],
              summary: "The length of x's first axis; of a list, its number of items; of a string, its number of characters.",
              reference: "Python len(); NumPy len(x) = x.shape[0]; torch len(x).",
              notes: "A number has no length (an error): size(x) counts the elements of any value.",
              example: "len([1, 2; 3, 4; 5, 6])", output: "3",
              backward: zeroRule("x")) { a in
            switch a["x"] {
            case .list(let xs): return .number(Double(xs.count))
            case .string(let s): return .number(Double(s.count))
            case .tensor(let t) where t.rank >= 1: return .number(Double(t.shape[0]))
            case .number, .bool, .tensor:
                throw a.fail("a number has no length", hint: "size(x) counts elements; shape(x) gives the length of every axis")
            default:
                throw a.fail("x must be a tensor, list or string, got \(a["x"].typeName)")
            }
        },
        entry("accuracy", .reductions, [Param("p", "predictions: probabilities or scores, per class along the last axis or one per label"),
                                        Param("y", "the labels: class indices (0-based) or 0/1")],
              summary: "The fraction of correct predictions: argmax of p over its last axis against class indices, or p > 0.5 against 0/1 labels.",
              formula: "accuracy(p, y) = mean(argmax(p, axis: -1) == y) when p has one more axis than y, else mean((p > 0.5) == y)",
              reference: "sklearn.metrics.accuracy_score; torchmetrics Accuracy (task \"multiclass\" on scores, \"binary\" with threshold 0.5). NumPy: np.mean(np.argmax(p, -1) == y).",
              notes: "Ties in the argmax go to the first class. Scores that are logits need 0, not 0.5, as the binary threshold: use accuracy(sigmoid(z), y). Labels outside the classes or not 0/1 are errors. No samples give nan. Its gradient is zero.",
              example: "accuracy([0.9, 0.1; 0.2, 0.8; 0.6, 0.4], [0, 1, 1])", output: "0.666667",
              backward: zeroRule("p", "y")) { a in
            .number(try Tensor.accuracy(try a.tensor("p"), try a.tensor("y")))
        },
    ])
}

private extension Value {
    var isNone: Bool { if case .none = self { return true }; return false }
}
