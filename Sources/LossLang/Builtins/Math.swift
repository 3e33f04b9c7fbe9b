import LossCore

// Element-wise math (docs/reference.md §3). Every function takes a number or a tensor and keeps its shape;
// outputs of the examples were computed with NumPy (Scripts/gen_core_reference.py).

private let xParam = Param("x", "a number or tensor")

/// The same entry with an implementation whose every error names the built-in
/// ("zeros: shape [100000, 100000] is too large …"), also errors raised by shared helpers.
func namingErrors(_ b: Builtin) -> Builtin {
    let name = b.name, impl = b.impl
    return Builtin(b.name, aliases: b.aliases, group: b.group, params: b.params, variadic: b.variadic,
                   summary: b.summary, formula: b.formula, reference: b.reference, notes: b.notes,
                   example: b.example, output: b.exampleOutput) { args in
        do { return try impl(args) } catch let e as CoreError where !e.message.hasPrefix("\(name):") {
            throw CoreError("\(name): \(e.message)", hint: e.hint)
        }
    }
}

/// One entry for an element-wise function of one argument.
private func unary(_ name: String, _ op: UnaryOp, summary: String, formula: String, reference: String,
                   notes: String? = nil, example: String, output: String) -> Builtin {
    Builtin(name, group: .math, params: [xParam], summary: summary, formula: formula, reference: reference,
            notes: notes, example: example, output: output) { a in
        Value.from(try a.tensor("x").apply(op))
    }
}

func installMathBuiltins(_ r: Registry) {
    r.add([
        unary("abs", .abs, summary: "Absolute value, element-wise.", formula: "abs(x) = |x|",
              reference: "NumPy np.abs, torch.abs (identical).",
              example: "abs([-1.5, 0, 2])", output: "[1.5, 0, 2]"),
        unary("sign", .sign, summary: "Sign of each element: -1, 0 or 1.", formula: "sign(x) = x/|x| for x ≠ 0, 0 at 0",
              reference: "NumPy np.sign; torch.sign (which maps nan to 0, where this keeps nan, as NumPy).",
              example: "sign([-3, 0, 2])", output: "[-1, 0, 1]"),
        unary("sqrt", .sqrt, summary: "Square root, element-wise (nan below 0).", formula: "sqrt(x) = √x",
              reference: "NumPy np.sqrt, torch.sqrt (identical).",
              example: "sqrt([4, 2])", output: "[2, 1.41421]"),
        unary("exp", .exp, summary: "Exponential, element-wise.", formula: "exp(x) = eˣ",
              reference: "NumPy np.exp, torch.exp (identical).",
              example: "exp([0, 1])", output: "[1, 2.71828]"),
        unary("expm1", .expm1, summary: "eˣ − 1, accurate for small x.", formula: "expm1(x) = eˣ − 1",
              reference: "C99 expm1; NumPy np.expm1, torch.expm1 (identical).",
              notes: "exp(1e-10) - 1 loses about 7 digits to cancellation; expm1(1e-10) is exact to the last bit.",
              example: "expm1(1e-10)", output: "1e-10"),
        unary("log", .log, summary: "Natural logarithm, element-wise (log 0 = -inf, nan below 0).", formula: "log(x) = ln x",
              reference: "NumPy np.log, torch.log (identical). The losses clamp their logs at −100 as torch does; log itself does not.",
              example: "log([1, e, 0])", output: "[0, 1, -inf]"),
        unary("log1p", .log1p, summary: "log(1 + x), accurate for small x.", formula: "log1p(x) = ln(1 + x)",
              reference: "C99 log1p; NumPy np.log1p, torch.log1p (identical).",
              example: "log1p(1e-10)", output: "1e-10"),
        unary("log2", .log2, summary: "Base-2 logarithm, element-wise.", formula: "log2(x) = ln x / ln 2",
              reference: "NumPy np.log2, torch.log2 (identical).",
              example: "log2([1, 8])", output: "[0, 3]"),
        unary("log10", .log10, summary: "Base-10 logarithm, element-wise.", formula: "log10(x) = ln x / ln 10",
              reference: "NumPy np.log10, torch.log10 (identical).",
              example: "log10([10, 0.001])", output: "[1, -3]"),
        unary("sin", .sin, summary: "Sine (radians), element-wise.", formula: "sin(x)",
              reference: "NumPy np.sin, torch.sin (identical).",
              example: "sin([0, pi / 6])", output: "[0, 0.5]"),
        unary("cos", .cos, summary: "Cosine (radians), element-wise.", formula: "cos(x)",
              reference: "NumPy np.cos, torch.cos (identical).",
              example: "cos([0, pi])", output: "[1, -1]"),
        unary("tan", .tan, summary: "Tangent (radians), element-wise.", formula: "tan(x) = sin x / cos x",
              reference: "NumPy np.tan, torch.tan (identical).",
              example: "tan(pi / 4)", output: "1"),
        unary("tanh", .tanh, summary: "Hyperbolic tangent, element-wise.", formula: "tanh(x) = (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ)",
              reference: "NumPy np.tanh, torch.tanh (identical).",
              example: "tanh([0, 1])", output: "[0, 0.761594]"),
        unary("asin", .asin, summary: "Inverse sine in [−π/2, π/2] (nan outside [−1, 1]).", formula: "asin(x) = sin⁻¹ x",
              reference: "NumPy np.arcsin, torch.asin (identical).",
              example: "asin([0, 1])", output: "[0, 1.5708]"),
        unary("acos", .acos, summary: "Inverse cosine in [0, π] (nan outside [−1, 1]).", formula: "acos(x) = cos⁻¹ x",
              reference: "NumPy np.arccos, torch.acos (identical).",
              example: "acos([1, 0])", output: "[0, 1.5708]"),
        unary("atan", .atan, summary: "Inverse tangent in (−π/2, π/2).", formula: "atan(x) = tan⁻¹ x",
              reference: "NumPy np.arctan, torch.atan (identical).",
              example: "atan([0, 1])", output: "[0, 0.785398]"),
        unary("floor", .floor, summary: "Largest integer ≤ x, element-wise.", formula: "floor(x) = ⌊x⌋",
              reference: "NumPy np.floor, torch.floor (identical).",
              example: "floor([-1.5, 1.5])", output: "[-2, 1]"),
        unary("ceil", .ceil, summary: "Smallest integer ≥ x, element-wise.", formula: "ceil(x) = ⌈x⌉",
              reference: "NumPy np.ceil, torch.ceil (identical).",
              example: "ceil([-1.5, 1.5])", output: "[-1, 2]"),
        unary("round", .round, summary: "Nearest integer, halves to even (banker's rounding).",
              formula: "round(x) = nearest integer; ties go to the even one: round(0.5) = 0, round(1.5) = 2",
              reference: "NumPy np.round and torch.round (both half to even, as here); Python's round also.",
              example: "round([0.5, 1.5, 2.5, 2.6])", output: "[0, 2, 2, 3]"),

        Builtin("atan2", group: .math,
                params: [Param("y", "numerator (number or tensor)"), Param("x", "denominator (number or tensor)")],
                summary: "Angle of the point (x, y) in (−π, π], element-wise with broadcasting.",
                formula: "atan2(y, x) = the angle θ with (cos θ, sin θ) ∝ (x, y)",
                reference: "C atan2; NumPy np.arctan2(y, x), torch.atan2(y, x) (identical, same argument order).",
                example: "atan2([1, -1], [-1, -1])", output: "[2.35619, -2.35619]") { a in
            Value.from(try Tensor.binary(.atan2, try a.tensor("y"), try a.tensor("x"), what: "atan2"))
        },

        Builtin("clamp", group: .math,
                params: [xParam, Param("lo", "lower bound: number, tensor (broadcast) or none"),
                         Param("hi", "upper bound: number, tensor (broadcast) or none")],
                summary: "Limits every element to [lo, hi].",
                formula: "clamp(x, lo, hi) = min(max(x, lo), hi)",
                reference: "torch.clamp (identical: lo > hi gives hi, nan stays nan); NumPy np.clip.",
                notes: "Pass none for a missing bound: clamp(x, 0, none) is max(x, 0).",
                example: "clamp([-1, 0.5, 2], 0, 1)", output: "[0, 0.5, 1]") { a in
            let x = try a.tensor("x")
            let lo = try a.optionalTensor("lo"), hi = try a.optionalTensor("hi")
            return Value.from(try Tensor.clamp(x, lo: lo, hi: hi))
        },
    ].map(namingErrors))
}
