import LossCore

// Tensor construction, shape and product built-ins (docs/reference.md §3 "Tensor").
// Example outputs computed with NumPy/torch (Scripts/gen_core_reference.py).

private func tensorEntry(_ name: String, _ params: [Param], variadic: Bool = false, summary: String, formula: String? = nil,
                         reference: String, notes: String? = nil, example: String, output: String,
                         _ impl: @escaping (Args) throws -> Value) -> Builtin {
    Builtin(name, group: .tensor, params: params, variadic: variadic, summary: summary, formula: formula,
            reference: reference, notes: notes, example: example, output: output, impl: impl)
}

/// A shape for reshape: a vector of integers (one may be -1) or a single number.
private func reshapeTarget(_ a: Args) throws -> [Int] {
    let v = a["shape"]
    guard let t = v.asTensor, t.rank <= 1 else {
        throw a.fail("shape must be a shape like [2, -1] or a number, got \(v.typeName)")
    }
    return try t.data.map { try Args.toInt($0, "reshape: shape entries") }
}

private let shapeParam = Param("shape", "a shape like [2, 3], or a number for a vector")

func installTensorBuiltins(_ r: Registry) {
    r.add([
        tensorEntry("shape", [Param("x", "a number or tensor")],
                    summary: "The shape of x as a vector (a number has shape []).",
                    reference: "NumPy x.shape, torch x.shape.",
                    example: "shape(zeros([2, 3]))", output: "[2, 3]") { a in
            let x = try a.tensor("x")
            return .tensor(Tensor(x.shape.map(Double.init)))
        },
        tensorEntry("size", [Param("x", "a number, tensor, list or string")],
                    summary: "The number of elements of x (of a list: its items; of a string: its characters).",
                    reference: "NumPy x.size, torch x.numel(); Python len() for lists and strings.",
                    example: "size(zeros([2, 3]))", output: "6") { a in
            if case .list(let xs) = a["x"] { return .number(Double(xs.count)) }
            if case .string(let s) = a["x"] { return .number(Double(s.count)) }
            return .number(Double(try a.tensor("x").count))
        },
        tensorEntry("rank", [Param("x", "a number or tensor")],
                    summary: "The number of axes of x (0 for a number).",
                    reference: "NumPy x.ndim, torch x.dim().",
                    example: "rank(zeros([2, 3]))", output: "2") { a in
            .number(Double(try a.tensor("x").rank))
        },
        tensorEntry("reshape", [Param("x", "a tensor"), Param("shape", "the new shape; one entry may be -1 (inferred)")],
                    summary: "The same elements (row-major order) in a new shape.",
                    reference: "NumPy np.reshape, torch.reshape (identical, including one -1).",
                    example: "reshape([1, 2, 3, 4, 5, 6], [2, -1])", output: "2×3 tensor\n 1  2  3\n 4  5  6") { a in
            Value.from(try a.tensor("x").reshaped(try reshapeTarget(a)))
        },
        tensorEntry("transpose", [Param("x", "a tensor")],
                    summary: "Matrix transpose (also written x'); for rank > 2 the axes are reversed.",
                    formula: "transpose(x)ᵢⱼ = xⱼᵢ",
                    reference: "NumPy x.T (identical: axes reversed; numbers and vectors unchanged); torch x.mT swaps only the last two axes.",
                    example: "transpose([1, 2, 3; 4, 5, 6])", output: "3×2 tensor\n 1  4\n 2  5\n 3  6") { a in
            Value.from(try a.tensor("x").transposed())
        },
        tensorEntry("concat", [Param("a", "first tensor"), Param("b", "second tensor"),
                               Param("axis", default: .number(0), "axis to join along (negative counts from the end)")],
                    summary: "Joins two tensors along an existing axis.",
                    reference: "torch.cat, NumPy np.concatenate (identical); numbers join vectors as one-element vectors (like Julia's vcat).",
                    notes: "The shapes must agree on every axis except `axis`.",
                    example: "concat([1, 2; 3, 4], [5, 6; 7, 8], axis: 1)", output: "2×4 tensor\n 1  2  5  6\n 3  4  7  8") { a in
            Value.from(try Tensor.concat([try a.tensor("a"), try a.tensor("b")], axis: try a.int("axis")))
        },
        tensorEntry("stack", [Param("x", "the first tensor; more follow as further arguments")], variadic: true,
                    summary: "Stacks tensors of the same shape along a new first axis.",
                    formula: "stack(x₁, …, xₖ)[i] = xᵢ₊₁",
                    reference: "torch.stack, NumPy np.stack (axis 0).",
                    notes: "stack(a, b, c) of vectors [n] gives a matrix [3, n]. A single tensor is already a stack of its rows and is returned as it is.",
                    example: "stack([1, 2], [3, 4])", output: "2×2 tensor\n 1  2\n 3  4") { a in
            var items = [a["x"]] + a.rest
            if items.count == 1 {
                if case .list(let xs) = items[0] { items = xs }
                else if let t = items[0].asTensor, t.rank >= 1 { return .tensor(t) }
            }
            var ts: [Tensor] = []
            for (i, v) in items.enumerated() {
                guard let t = v.asTensor else { throw a.fail("argument \(i + 1) must be a tensor or number, got \(v.typeName)") }
                ts.append(t)
            }
            return Value.from(try Tensor.stack(ts))
        },
        tensorEntry("flatten", [Param("x", "a number or tensor")],
                    summary: "All elements as a vector, in row-major order.",
                    reference: "NumPy x.flatten(), torch.flatten (identical).",
                    example: "flatten([1, 2; 3, 4])", output: "[1, 2, 3, 4]") { a in
            .tensor(try a.tensor("x").flattened())
        },
        tensorEntry("zeros", [shapeParam],
                    summary: "A tensor of zeros.",
                    reference: "NumPy np.zeros, torch.zeros.",
                    example: "zeros(3)", output: "[0, 0, 0]") { a in
            Value.from(try Tensor.zeros(try a.shape("shape")))
        },
        tensorEntry("ones", [shapeParam],
                    summary: "A tensor of ones.",
                    reference: "NumPy np.ones, torch.ones.",
                    example: "ones([2, 2])", output: "2×2 tensor\n 1  1\n 1  1") { a in
            Value.from(try Tensor.ones(try a.shape("shape")))
        },
        tensorEntry("full", [shapeParam, Param("v", "the fill value")],
                    summary: "A tensor filled with v.",
                    reference: "NumPy np.full, torch.full.",
                    example: "full([2], 0.5)", output: "[0.5, 0.5]") { a in
            Value.from(try Tensor.full(try a.shape("shape"), try a.double("v")))
        },
        tensorEntry("eye", [Param("n", "the size")],
                    summary: "The n×n identity matrix.",
                    reference: "NumPy np.eye, torch.eye.",
                    example: "eye(2)", output: "2×2 tensor\n 1  0\n 0  1") { a in
            Value.from(try Tensor.eye(try a.int("n")))
        },
        tensorEntry("linspace", [Param("a", "first value"), Param("b", "last value (included)"), Param("n", "number of values")],
                    summary: "n evenly spaced values from a to b, both included.",
                    formula: "linspace(a, b, n)ᵢ = a + i·(b − a)/(n − 1)",
                    reference: "NumPy np.linspace (the same arithmetic; the last value is exactly b), torch.linspace.",
                    example: "linspace(0, 1, 5)", output: "[0, 0.25, 0.5, 0.75, 1]") { a in
            .tensor(try Tensor.linspace(try a.double("a"), try a.double("b"), count: try a.int("n")))
        },
        tensorEntry("range", [Param("a", "start (or, alone, the stop with start 0)"),
                              Param("b", default: .none, "stop (excluded)"),
                              Param("step", default: .number(1), "step (not 0; may be negative or fractional)")],
                    summary: "Values from a up to (not including) b in steps of step.",
                    formula: "range(a, b, step) = [a, a + step, …], ⌈(b − a)/step⌉ values",
                    reference: "numpy.arange (the same values); Python range(stop) / range(start, stop, step) for integers; torch.arange.",
                    notes: "range(5) is [0, 1, 2, 3, 4]. With a fractional step, rounding can make the count surprising, as in NumPy: prefer linspace.",
                    example: "range(0, 1, 0.25)", output: "[0, 0.25, 0.5, 0.75]") { a in
            let first = try a.double("a")
            let step = try a.double("step")
            if let stop = try a.optionalDouble("b") {
                return .tensor(try Tensor.arange(first, stop, step: step))
            }
            return .tensor(try Tensor.arange(0, first, step: step))
        },
        tensorEntry("onehot", [Param("labels", "0-based class indices (a number or tensor)"),
                               Param("C", default: .none, "the number of classes; none uses max(labels) + 1"),
                               Param("axis", default: .number(-1), "where the class axis goes in the result: -1 (last, default) or e.g. 1 for [N, C, H, W] masks from labels [N, H, W]")],
                    summary: "One-hot encoding of class indices: shape labels.shape + [C] (the class axis at axis).",
                    formula: "onehot(y, C)[…, c] = 1 if y = c else 0",
                    reference: "torch.nn.functional.one_hot (identical, with num_classes = -1 when C is none; the result is float here). "
                        + "With axis: 1, MONAI `one_hot(labels, C, dim=1)` / DiceLoss's to_onehot_y (MONAI's labels keep a channel "
                        + "axis of 1, [N, 1, H, W]: pass them without it) == torch one_hot(y, C).movedim(-1, 1).",
                    notes: "onehot(y, C, axis: 1) turns labels [N, H, W] into the masks [N, C, H, W] that dice(p, g, axis: 1) compares with softmax(x, axis: 1).",
                    example: "onehot([0, 2], 3)", output: "2×3 tensor\n 1  0  0\n 0  0  1") { a in
            Value.from(try Tensor.onehot(try a.tensor("labels"), classes: try a.optionalInt("C"), axis: try a.int("axis")))
        },
        tensorEntry("diag", [Param("x", "a vector or a matrix")],
                    summary: "A vector's diagonal matrix, or a matrix's main diagonal.",
                    reference: "NumPy np.diag, torch.diag (identical, offset 0).",
                    example: "diag([1, 2])", output: "2×2 tensor\n 1  0\n 0  2") { a in
            Value.from(try Tensor.diag(try a.tensor("x")))
        },
        tensorEntry("dot", [Param("a", "a vector (or vectors along the last axis)"), Param("b", "a vector of the same length")],
                    summary: "Dot product over the last axis: a number for two vectors, one per row for batches.",
                    formula: "dot(a, b) = Σᵢ aᵢ bᵢ",
                    reference: "torch.dot / np.dot for vectors; for higher ranks torch.linalg.vecdot / np.vecdot (leading axes broadcast). For matrix products use @.",
                    example: "dot([1, 2, 3], [4, 5, 6])", output: "32") { a in
            Value.from(try Tensor.dot(try a.tensor("a"), try a.tensor("b")))
        },
        tensorEntry("cross", [Param("a", "3-vector(s) along the last axis"), Param("b", "3-vector(s) along the last axis")],
                    summary: "Cross product of 3-vectors (batched over leading axes).",
                    formula: "a × b = (a₂b₃ − a₃b₂, a₃b₁ − a₁b₃, a₁b₂ − a₂b₁)",
                    reference: "torch.linalg.cross, NumPy np.cross (last axis, leading axes broadcast).",
                    example: "cross([1, 0, 0], [0, 1, 0])", output: "[0, 0, 1]") { a in
            Value.from(try Tensor.cross(try a.tensor("a"), try a.tensor("b")))
        },
        tensorEntry("outer", [Param("a", "a vector (flattened if not)"), Param("b", "a vector (flattened if not)")],
                    summary: "Outer product: the matrix of all products aᵢ·bⱼ.",
                    formula: "outer(a, b)ᵢⱼ = aᵢ bⱼ",
                    reference: "NumPy np.outer (flattens its inputs, as here), torch.outer.",
                    example: "outer([1, 2], [1, 10, 100])", output: "2×3 tensor\n 1  10  100\n 2  20  200") { a in
            Value.from(try Tensor.outer(try a.tensor("a"), try a.tensor("b")))
        },
        tensorEntry("normalize", [Param("x", "a tensor"), Param("axis", default: .number(-1), "axis of the vectors")],
                    summary: "Scales each vector along axis to unit Euclidean length.",
                    formula: "normalize(x) = x / max(‖x‖₂, 1e-12)",
                    reference: "torch.nn.functional.normalize (p = 2, eps = 1e-12; identical).",
                    notes: "A zero vector stays zero (the norm is clamped at 1e-12).",
                    example: "normalize([3, 4])", output: "[0.6, 0.8]") { a in
            Value.from(try Tensor.normalize(try a.tensor("x"), axis: try a.int("axis")))
        },
        tensorEntry("cosine", [Param("a", "a tensor"), Param("b", "a tensor (broadcast against a)"),
                               Param("axis", default: .number(-1), "axis of the vectors")],
                    summary: "Cosine similarity of the vectors along axis, in [−1, 1].",
                    formula: "cos(a, b) = Σᵢ (aᵢ / max(‖a‖, ε)) (bᵢ / max(‖b‖, ε)),  ε = 1e-8",
                    reference: "torch.nn.functional.cosine_similarity (eps = 1e-8; identical, each vector divided by its clamped norm first).",
                    example: "cosine([1, 0], [1, 1])", output: "0.707107") { a in
            Value.from(try Tensor.cosine(try a.tensor("a"), try a.tensor("b"), axis: try a.int("axis")))
        },
        tensorEntry("cdist", [Param("a", "points as rows [N, D] (or batches [..., N, D])"),
                              Param("b", "points as rows [M, D] (or batches [..., M, D])")],
                    summary: "Pairwise Euclidean distances between the rows of a and of b: [N, M].",
                    formula: "cdist(a, b)ᵢⱼ = ‖aᵢ − bⱼ‖₂",
                    reference: "torch.cdist (p = 2), scipy.spatial.distance.cdist. Computed directly (not through a matrix product), so distances of near points keep their digits; torch switches to a matrix product for more than 25 rows.",
                    example: "cdist([0, 0; 3, 4], [0, 0; 0, 1])", output: "2×2 tensor\n 0  1\n 5  4.24264") { a in
            Value.from(try Tensor.cdist(try a.tensor("a"), try a.tensor("b")))
        },
    ].map(namingErrors))
}
