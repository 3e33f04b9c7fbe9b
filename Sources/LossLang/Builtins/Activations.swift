import LossCore

// Activations (docs/reference.md §3, §4.1), numerically stable. Example outputs computed with torch float64
// (Scripts/gen_core_reference.py).

private let xParam = Param("x", "a number or tensor")
private let axisParam = Param("axis", default: .number(-1), "axis of the distributions (negative counts from the end)")

func installActivationBuiltins(_ r: Registry) {
    r.add([
        Builtin("sigmoid", group: .activations, params: [xParam],
                summary: "The logistic function, element-wise, stable for large |x|.",
                formula: "σ(x) = 1 / (1 + e⁻ˣ)",
                reference: "torch.sigmoid, scipy.special.expit (identical). Computed as 1/(1 + e⁻ˣ) for x ≥ 0 and eˣ/(1 + eˣ) below, so exp never overflows.",
                example: "sigmoid([-1000, 0, 2])", output: "[0, 0.5, 0.880797]") { a in
            Value.from(try Activations.sigmoid(try a.tensor("x")))
        },
        Builtin("softmax", group: .activations, params: [xParam, axisParam],
                summary: "Turns scores into probabilities along an axis (they sum to 1).",
                formula: "softmax(x)ᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m),  m = max x",
                reference: "torch.softmax(x, dim = -1) (identical); Bridle 1990, \"Probabilistic interpretation of feedforward classification network outputs\".",
                notes: "The maximum is subtracted first, so large scores do not overflow: softmax([1000, 1000]) = [0.5, 0.5].",
                example: "softmax([1, 2, 3])", output: "[0.0900306, 0.244728, 0.665241]") { a in
            Value.from(try Activations.softmax(try a.tensor("x"), axis: try a.int("axis")))
        },
        Builtin("log_softmax", group: .activations, params: [xParam, axisParam],
                summary: "Logarithm of softmax along an axis, computed without forming softmax.",
                formula: "log_softmax(x)ᵢ = (xᵢ − m) − log Σⱼ exp(xⱼ − m),  m = max x",
                reference: "torch.log_softmax(x, dim = -1) (identical).",
                notes: "Stable where log(softmax(x)) is not: log_softmax([1000, 0]) is [0, -1000], while softmax underflows to 0 and its log to -inf.",
                example: "log_softmax([1000, 0])", output: "[0, -1000]") { a in
            Value.from(try Activations.logSoftmax(try a.tensor("x"), axis: try a.int("axis")))
        },
        Builtin("relu", group: .activations, params: [xParam],
                summary: "Rectified linear unit, element-wise.",
                formula: "relu(x) = max(0, x)",
                reference: "torch.relu (identical, nan stays nan); Nair & Hinton 2010, \"Rectified linear units improve restricted Boltzmann machines\".",
                example: "relu([-1, 0, 2])", output: "[0, 0, 2]") { a in
            Value.from(try Activations.relu(try a.tensor("x")))
        },
        Builtin("leaky_relu", group: .activations,
                params: [xParam, Param("slope", default: .number(0.01), "slope for negative x (torch's negative_slope)")],
                summary: "ReLU with a small slope for negative inputs, element-wise.",
                formula: "leaky_relu(x) = x for x > 0, slope·x otherwise",
                reference: "torch.nn.functional.leaky_relu (negative_slope = 0.01; identical); Maas, Hannun & Ng 2013, \"Rectifier nonlinearities improve neural network acoustic models\".",
                example: "leaky_relu([-2, 3], slope: 0.1)", output: "[-0.2, 3]") { a in
            Value.from(try Activations.leakyRelu(try a.tensor("x"), slope: try a.double("slope")))
        },
        Builtin("gelu", group: .activations, params: [xParam],
                summary: "Gaussian error linear unit (exact erf form), element-wise.",
                formula: "gelu(x) = x·Φ(x) = ½·x·(1 + erf(x/√2))",
                reference: "Hendrycks & Gimpel 2016, \"Gaussian Error Linear Units (GELUs)\"; torch.nn.functional.gelu with approximate = \"none\" (the default; identical). Computed as ½·x·erfc(−x/√2), which keeps its digits for very negative x where torch rounds to 0.",
                example: "gelu([-1, 0, 1])", output: "[-0.158655, 0, 0.841345]") { a in
            Value.from(try Activations.gelu(try a.tensor("x")))
        },
        Builtin("softplus", group: .activations, params: [xParam],
                summary: "Smooth approximation of ReLU, element-wise, stable.",
                formula: "softplus(x) = log(1 + eˣ)  (x itself above 20)",
                reference: "torch.nn.functional.softplus with beta = 1, threshold = 20 (identical: log1p(exp(x)), and x where x > 20); Dugas, Bengio, Bélisle, Nadeau & Garcia 2001, \"Incorporating second-order functional knowledge for better option pricing\".",
                example: "softplus([-20, 0, 30])", output: "[2.06115e-09, 0.693147, 30]") { a in
            Value.from(try Activations.softplus(try a.tensor("x")))
        },
    ].map(namingErrors))
}
