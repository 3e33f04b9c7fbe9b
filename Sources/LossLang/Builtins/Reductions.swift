import LossCore

// Reductions (docs/reference.md §3): each takes an optional `axis:` (negative counts from the end; none reduces
// every element) and `keepdims:`. Example outputs computed with NumPy (Scripts/gen_core_reference.py).

private let axisParam = Param("axis", default: .none, "axis to reduce (negative counts from the end); none reduces every element")
private let keepParam = Param("keepdims", default: .bool(false), "keep the reduced axis with length 1 (for broadcasting against x)")

/// (x, axis, keepdims) of a reduction call.
private func reductionArgs(_ a: Args) throws -> (Tensor, Int?, Bool) {
    (try a.tensor("x"), try a.optionalInt("axis"), try a.bool("keepdims"))
}

private func reduction(_ name: String, summary: String, formula: String, reference: String, notes: String? = nil,
                       example: String, output: String, _ f: @escaping (Tensor, Int?, Bool) throws -> Tensor) -> Builtin {
    Builtin(name, group: .reductions, params: [Param("x", "a number or tensor"), axisParam, keepParam],
            summary: summary, formula: formula, reference: reference, notes: notes,
            example: example, output: output) { a in
        let (x, axis, keep) = try reductionArgs(a)
        return Value.from(try f(x, axis, keep))
    }
}

/// min/max: one argument reduces, two are element-wise.
private func extremum(_ name: String, isMax: Bool, example: String, output: String) -> Builtin {
    let word = isMax ? "largest" : "smallest"
    return Builtin(name, group: .reductions,
                   params: [Param("x", "a number or tensor"),
                            Param("y", default: .none, "if given, the element-wise \(name) of x and y (broadcast)"),
                            axisParam, keepParam],
                   summary: "The \(word) element (along an axis), or with two arguments the element-wise \(name).",
                   formula: isMax ? "max(x) = max_i x_i;  max(x, y)_i = max(x_i, y_i)" : "min(x) = min_i x_i;  min(x, y)_i = min(x_i, y_i)",
                   reference: isMax ? "NumPy np.max / np.maximum, torch.amax / torch.maximum (nan propagates, as in both)."
                                    : "NumPy np.min / np.minimum, torch.amin / torch.minimum (nan propagates, as in both).",
                   notes: "A nan anywhere in the reduced values gives nan. Reducing an empty tensor is an error.",
                   example: example, output: output) { a in
        let x = try a.tensor("x")
        if let y = try a.optionalTensor("y") {
            if a.isGiven("axis") || a.isGiven("keepdims") {
                throw a.fail("axis and keepdims apply to the one-argument form (a reduction); \(name)(x, y) is element-wise")
            }
            return Value.from(try Tensor.binary(isMax ? .maximum : .minimum, x, y, what: name))
        }
        let axis = try a.optionalInt("axis"), keep = try a.bool("keepdims")
        return Value.from(isMax ? try x.amax(axis: axis, keepdims: keep, what: name)
                                : try x.amin(axis: axis, keepdims: keep, what: name))
    }
}

func installReductionBuiltins(_ r: Registry) {
    r.add([
        reduction("sum", summary: "Sum of the elements (along an axis), pairwise-accurate.",
                  formula: "sum(x) = Σᵢ xᵢ",
                  reference: "NumPy np.sum (the same pairwise scheme), torch.sum.",
                  notes: "Summation is pairwise (blocks of 128, as NumPy), along any axis: the sum of 10 million values agrees with NumPy to 1e-12. The sum of nothing is 0.",
                  example: "sum([1, 2; 3, 4], axis: 0)", output: "[4, 6]") { try $0.sum(axis: $1, keepdims: $2) },
        reduction("mean", summary: "Arithmetic mean (along an axis).",
                  formula: "mean(x) = (1/n) Σᵢ xᵢ",
                  reference: "NumPy np.mean, torch.mean (identical; the mean of nothing is nan).",
                  example: "mean([1, 2; 3, 4], axis: 1)", output: "[1.5, 3.5]") { try $0.mean(axis: $1, keepdims: $2) },
        reduction("prod", summary: "Product of the elements (along an axis).",
                  formula: "prod(x) = Πᵢ xᵢ",
                  reference: "NumPy np.prod, torch.prod (the product of nothing is 1).",
                  example: "prod([1, 2, 3, 4])", output: "24") { try $0.prod(axis: $1, keepdims: $2) },
        extremum("min", isMax: false, example: "min([3, 1, 2])", output: "1"),
        extremum("max", isMax: true, example: "max([1, 5; 7, 2], axis: 1)", output: "[5, 7]"),
        reduction("argmin", summary: "Index (0-based) of the smallest element (along an axis); the first one on ties.",
                  formula: "argmin(x) = the first i with xᵢ = min x",
                  reference: "NumPy np.argmin, torch.argmin (a nan counts as the minimum, as in both).",
                  notes: "Without an axis, the index into the flattened tensor (row-major). Indices are returned as numbers.",
                  example: "argmin([3, 1, 2])", output: "1") { try $0.argmin(axis: $1, keepdims: $2) },
        reduction("argmax", summary: "Index (0-based) of the largest element (along an axis); the first one on ties.",
                  formula: "argmax(x) = the first i with xᵢ = max x",
                  reference: "NumPy np.argmax, torch.argmax (a nan counts as the maximum, as in both).",
                  notes: "Without an axis, the index into the flattened tensor (row-major). argmax(p, axis: -1) turns class probabilities into predicted labels.",
                  example: "argmax([0.1, 0.7, 0.2; 0.5, 0.3, 0.2], axis: 1)", output: "[1, 0]") { try $0.argmax(axis: $1, keepdims: $2) },
        reduction("var", summary: "Population variance (divides by n, ddof 0) (along an axis).",
                  formula: "var(x) = (1/n) Σᵢ (xᵢ − mean x)²",
                  reference: "NumPy np.var (default ddof = 0, identical). torch.var defaults to the unbiased estimate ÷ (n − 1) (correction = 1); multiply by n/(n − 1) to get it.",
                  notes: "Computed in two passes (mean, then squared deviations), both pairwise.",
                  example: "var([1, 2, 3, 4])", output: "1.25") { try $0.variance(axis: $1, keepdims: $2) },
        reduction("std", summary: "Population standard deviation (divides by n, ddof 0) (along an axis).",
                  formula: "std(x) = √var(x) = √((1/n) Σᵢ (xᵢ − mean x)²)",
                  reference: "NumPy np.std (default ddof = 0, identical). torch.std defaults to the unbiased estimate with n − 1.",
                  example: "std([1, 2, 3, 4])", output: "1.11803") { try $0.std(axis: $1, keepdims: $2) },
        Builtin("norm", group: .reductions,
                params: [Param("x", "a number or tensor"),
                         Param("p", default: .number(2), "order: 2 (Euclidean), 1, inf (max abs), -inf, 0 (count of non-zeros) or any p"),
                         axisParam, keepParam],
                summary: "Vector p-norm of the elements (along an axis).",
                formula: "norm(x, p) = (Σᵢ |xᵢ|ᵖ)^(1/p);  p = inf: maxᵢ |xᵢ|",
                reference: "torch.linalg.vector_norm (identical; a matrix is treated as a vector of its elements, so p = 2 is the Frobenius norm); NumPy np.linalg.norm for vectors.",
                notes: "p = 2 rescales when Σx² would overflow or underflow, so norm([1e200, 1e200]) is finite.",
                example: "norm([3, 4])", output: "5") { a in
            let (x, axis, keep) = try reductionArgs(a)
            return Value.from(try x.norm(p: try a.double("p"), axis: axis, keepdims: keep))
        },
        reduction("logsumexp", summary: "log Σ exp(x) (along an axis), computed stably.",
                  formula: "logsumexp(x) = m + log Σᵢ exp(xᵢ − m),  m = max x",
                  reference: "torch.logsumexp, scipy.special.logsumexp (identical, including -inf for all -inf inputs).",
                  notes: "Subtracting the maximum keeps exp from overflowing: logsumexp([1000, 1000]) = 1000 + log 2.",
                  example: "logsumexp([1000, 1000])", output: "1000.69") { try $0.logsumexp(axis: $1, keepdims: $2) },
    ].map(namingErrors))
}
