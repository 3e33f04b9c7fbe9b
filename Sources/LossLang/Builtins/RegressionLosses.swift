import LossCore

// docs/reference.md §4.5: regression losses. Element-wise: every element is a sample, inputs
// broadcast like torch, `weight:` multiplies each element's loss before the
// reduction and "mean" divides by the element count (not by Σ weight).

private func weightParam() -> Param {
    Param("weight", default: .none,
          "multiplies each element's loss before the reduction; the shape of the loss or one that broadcasts to it (\"mean\" still divides by the element count)")
}

/// The `reduction:` of every element-wise loss.
private let elementwiseReduction = reductionParam(over: "every element", none: "the per-element losses")

/// The common notes of every element-wise loss.
private let elementwiseNotes = """
    Every element is a sample: "mean" averages over all elements, "none" returns the per-element losses \
    in the broadcast shape of the inputs. Inputs of different shapes broadcast as in NumPy (torch \
    broadcasts too, with a warning). `weight:` multiplies each element's loss before the reduction, and \
    "mean" then divides by the number of elements, not by Σ weight.
    """

/// rmse's weight with `sample_weight:` folded in: the sample weights multiply each squared error
/// (as `weight:` does), so the square root is taken of the weighted mean, √((1/n) Σ s·w·e²).
private func rmseWeight(_ a: Args) throws -> Tensor? {
    let weight = try a.optionalTensor("weight")
    guard let s = try a.optionalTensor("sample_weight") else { return weight }
    // shapes that don't fit: rmse itself reports them
    guard let shape = Broadcast.shape(try a.tensor("pred").shape, try a.tensor("y").shape) else { return weight }
    let sw = try SampleWeights(s, perSample: shape, "rmse").expanded
    guard let w = weight else { return Tensor(shape: shape, data: sw) }
    guard Broadcast.shape(w.shape, shape) == shape else { return w }
    return Tensor(shape: shape, data: zip(try w.broadcast(to: shape).data, sw).map { $0 * $1 })
}

func installRegressionLosses(_ r: Registry) {
    r.add(Builtin(
        "mae", aliases: ["l1"], group: .regression,
        params: [Param("pred", "predictions"), Param("y", "targets"), weightParam(), sampleWeightParam, elementwiseReduction],
        summary: "Mean absolute error (L1 loss).",
        formula: "ℓᵢ = |predᵢ − yᵢ|;  MAE = (1/n) Σᵢ wᵢ·ℓᵢ",
        reference: "Least absolute deviations (Boscovich 1757; Laplace 1788). torch `l1_loss` (same, without `weight:`); "
            + "Keras `MeanAbsoluteError` averages over the last axis first (same value for equal row lengths).",
        notes: elementwiseNotes + " Robust to outliers: the gradient has the same size, sign(e), for every error.",
        example: "mae([[1, 2], [3, 5]], [[1, 1], [2, 2]], sample_weight: [1, 0.5])", output: "0.75",
        impl: { a in
            .from(try Losses.mae(a.tensor("pred"), a.tensor("y"), weight: a.optionalTensor("weight"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.maeBackward(a.tensor("pred"), a.tensor("y"), weight: a.optionalTensor("weight"), reduction: lossReduction(a),
                                   upstream: g, wrt: try trackedParams(a, "pred", "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "mse", aliases: ["l2"], group: .regression,
        params: [Param("pred", "predictions"), Param("y", "targets"), weightParam(), sampleWeightParam, elementwiseReduction],
        summary: "Mean squared error (L2 loss).",
        formula: "ℓᵢ = (predᵢ − yᵢ)²;  MSE = (1/n) Σᵢ wᵢ·ℓᵢ",
        reference: "Least squares: Legendre 1805, Nouvelles méthodes pour la détermination des orbites des comètes; "
            + "Gauss 1809. torch `mse_loss` (same, without `weight:`); Keras `MeanSquaredError`.",
        notes: elementwiseNotes + " The Gaussian negative log-likelihood with unit variance, up to constants.",
        example: "mse([2.5, 0, 2, 8], [3, -0.5, 2, 7])", output: "0.375",
        impl: { a in
            .from(try Losses.mse(a.tensor("pred"), a.tensor("y"), weight: a.optionalTensor("weight"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.mseBackward(a.tensor("pred"), a.tensor("y"), weight: a.optionalTensor("weight"), reduction: lossReduction(a),
                                   upstream: g, wrt: try trackedParams(a, "pred", "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "rmse", group: .regression,
        params: [Param("pred", "predictions"), Param("y", "targets"), weightParam(), sampleWeightParam, elementwiseReduction],
        summary: "Root mean squared error: the square root of the MSE, taken after the reduction.",
        formula: "RMSE = √( (1/n) Σᵢ wᵢ·(predᵢ − yᵢ)² )",
        reference: "sklearn `root_mean_squared_error`; Keras `RootMeanSquaredError` (a metric); torch has no counterpart "
            + "(`sqrt(mse_loss(...))`).",
        notes: "The square root is taken after the reduction: rmse(pred, y, reduction: r) == sqrt(mse(pred, y, reduction: r)). "
            + "So \"mean\" is the usual RMSE, \"sum\" is √Σ e² (the Euclidean norm of the error, like torch `dist`), and "
            + "\"none\" gives √(w·e²) per element, i.e. abs(pred − y) without a weight. "
            + "Inputs broadcast as in NumPy; `weight:` multiplies each squared error before the reduction. "
            + "grad: 0 at a perfect fit (torch's sqrt(mse_loss) gives nan there).",
        example: "rmse([2.5, 0, 2, 8], [3, -0.5, 2, 7])", output: "0.612372",
        impl: { a in
            .from(try Losses.rmse(a.tensor("pred"), a.tensor("y"), weight: rmseWeight(a), reduction: lossReduction(a)))
        }).withBackward { a, out, g in
            try Losses.rmseBackward(a.tensor("pred"), a.tensor("y"), weight: rmseWeight(a), reduction: lossReduction(a),
                                    output: out, upstream: g, wrt: try trackedParams(a, "pred", "y"))
        })

    r.add(Builtin(
        "huber", group: .regression,
        params: [Param("pred", "predictions"), Param("y", "targets"),
                 Param("delta", default: .number(1), "where the loss turns from quadratic to linear (> 0)"),
                 weightParam(), sampleWeightParam, elementwiseReduction],
        summary: "Huber loss: quadratic for small errors, linear for large ones (robust regression).",
        formula: "e = pred − y;  ℓ = ½e² if |e| ≤ δ, else δ·(|e| − ½δ)",
        reference: "P. J. Huber 1964, Robust Estimation of a Location Parameter (Annals of Mathematical Statistics). "
            + "torch `huber_loss` (same); Huber_δ = δ·smooth_l1 with β = δ; Keras `Huber`, optax `huber_loss` (same per element).",
        notes: elementwiseNotes + " The gradient is e inside [−δ, δ] and ±δ outside: MSE near the target, MAE far from it.",
        example: "huber([0.5, 2, -3], [0, 0, 0], delta: 1, reduction: \"none\")", output: "[0.125, 1.5, 2.5]",
        impl: { a in
            .from(try Losses.huber(a.tensor("pred"), a.tensor("y"), delta: a.double("delta"),
                                   weight: a.optionalTensor("weight"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.huberBackward(a.tensor("pred"), a.tensor("y"), delta: a.double("delta"), weight: a.optionalTensor("weight"),
                                     reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "pred", "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "smooth_l1", group: .regression,
        params: [Param("pred", "predictions"), Param("y", "targets"),
                 Param("beta", default: .number(1), "where the loss turns from quadratic to linear (≥ 0; 0 is L1)"),
                 weightParam(), sampleWeightParam, elementwiseReduction],
        summary: "Smooth L1 loss: ½e²/β for |e| < β, else |e| − ½β (Fast R-CNN's box regression loss).",
        formula: "e = pred − y;  ℓ = ½e²/β if |e| < β, else |e| − ½β;  Huber_δ = δ·smooth_l1_{β=δ}",
        reference: "R. Girshick 2015, Fast R-CNN (ICCV). torch `smooth_l1_loss` (same; β = 0 is `l1_loss`).",
        notes: elementwiseNotes + " Unlike huber, the linear part has slope 1 whatever β, so it approaches L1 as β → 0.",
        example: "smooth_l1([0.5, 2, -3], [0, 0, 0], beta: 2, reduction: \"none\")", output: "[0.0625, 1, 2]",
        impl: { a in
            .from(try Losses.smoothL1(a.tensor("pred"), a.tensor("y"), beta: a.double("beta"),
                                      weight: a.optionalTensor("weight"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.smoothL1Backward(a.tensor("pred"), a.tensor("y"), beta: a.double("beta"), weight: a.optionalTensor("weight"),
                                        reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "pred", "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "log_cosh", group: .regression,
        params: [Param("pred", "predictions"), Param("y", "targets"), weightParam(), sampleWeightParam, elementwiseReduction],
        summary: "Log-cosh loss: log cosh(pred − y), about ½e² for small errors and |e| − log 2 for large ones.",
        formula: "ℓ = log cosh(e) = |e| + log(1 + e^(−2|e|)) − log 2,  e = pred − y",
        reference: "P. Chen, G. Chen, S. Zhang 2019, Log Hyperbolic Cosine Loss Improves Variational Auto-Encoder. "
            + "Keras `LogCosh` (means over the last axis first: the same value for equal row lengths); torch has none.",
        notes: elementwiseNotes + " Computed in a stable form: no overflow for huge errors (cosh(1000) is inf in float64, "
            + "log_cosh is 999.307) and no cancellation for tiny ones.",
        example: "log_cosh([0, 1, 1000], [0, 0, 0], reduction: \"none\")", output: "[0, 0.433781, 999.307]",
        impl: { a in
            .from(try Losses.logCosh(a.tensor("pred"), a.tensor("y"), weight: a.optionalTensor("weight"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.logCoshBackward(a.tensor("pred"), a.tensor("y"), weight: a.optionalTensor("weight"), reduction: lossReduction(a),
                                       upstream: g, wrt: try trackedParams(a, "pred", "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "poisson_nll", group: .regression,
        params: [Param("input", "the predicted rate λ, or log λ with log_input: true"),
                 Param("y", "observed counts"),
                 Param("log_input", default: .bool(true), "input is log λ (the loss is then exp(input) − y·input)"),
                 Param("full", default: .bool(false), "add the Stirling approximation of log(y!) where y > 1"),
                 Param("eps", default: .number(1e-8), "added to input inside the log when log_input is false"),
                 weightParam(), sampleWeightParam, elementwiseReduction],
        summary: "Poisson negative log-likelihood of counts y under rate λ (torch semantics).",
        formula: "log_input: ℓ = e^input − y·input;  else ℓ = input − y·log(input + eps);  "
            + "full: + y·log y − y + ½log(2πy) where y > 1",
        reference: "Poisson regression: J. A. Nelder, R. W. M. Wedderburn 1972, Generalized Linear Models (JRSS A). "
            + "torch `poisson_nll_loss` (same, including eps and the Stirling term masked to 0 for y ≤ 1); "
            + "Keras `Poisson` is pred − y·log(pred + 1e-7) (log_input: false).",
        notes: elementwiseNotes + " The term log(y!) is dropped unless full: true, so the loss can be negative. "
            + "With log_input: false a negative rate gives nan, as in torch. "
            + "grad with respect to y: the Stirling term of full: true contributes 0 where y ≤ 1 (torch: nan at y ≤ 0).",
        example: "poisson_nll([0.5, 1, 2], [1, 2, 5])", output: "-0.24798",
        impl: { a in
            .from(try Losses.poissonNLL(a.tensor("input"), a.tensor("y"), logInput: a.bool("log_input"), full: a.bool("full"),
                                        eps: a.double("eps"), weight: a.optionalTensor("weight"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.poissonNLLBackward(a.tensor("input"), a.tensor("y"), logInput: a.bool("log_input"), full: a.bool("full"),
                                          eps: a.double("eps"), weight: a.optionalTensor("weight"), reduction: lossReduction(a),
                                          upstream: g, wrt: try trackedParams(a, "input", "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "gaussian_nll", group: .regression,
        params: [Param("input", "the predicted mean μ"), Param("y", "targets"),
                 Param("var", "the predicted variance σ² (≥ 0): input's shape, that shape without its last axis, with one axis of size 1, or a number"),
                 Param("full", default: .bool(false), "add the constant ½log(2π)"),
                 Param("eps", default: .number(1e-6), "var is clamped to at least eps, for stability"),
                 weightParam(), sampleWeightParam, elementwiseReduction],
        summary: "Gaussian negative log-likelihood of y under N(input, var) (torch semantics).",
        formula: "ℓ = ½(log max(var, eps) + (input − y)² / max(var, eps))  [+ ½log(2π) with full]",
        reference: "D. A. Nix, A. S. Weigend 1994, Estimating the mean and variance of the target probability distribution (ICNN). "
            + "torch `gaussian_nll_loss` (same rules for var's shape, clamping and errors).",
        notes: elementwiseNotes + " var may have input's shape (one variance per element), input's shape without the last "
            + "axis or with one axis of size 1 (shared along that axis), or be a number (one for all). Negative variances are "
            + "errors; variances below eps are clamped to eps.",
        example: "gaussian_nll([1, 2, 3], [1.5, 2, 2], [0.5, 1, 2])", output: "0.166667",
        impl: { a in
            .from(try Losses.gaussianNLL(a.tensor("input"), a.tensor("y"), variance: a.tensor("var"), full: a.bool("full"),
                                         eps: a.double("eps"), weight: a.optionalTensor("weight"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.gaussianNLLBackward(a.tensor("input"), a.tensor("y"), variance: a.tensor("var"), full: a.bool("full"),
                                           eps: a.double("eps"), weight: a.optionalTensor("weight"), reduction: lossReduction(a),
                                           upstream: g, wrt: try trackedParams(a, "input", "y", "var"))
        }.withSampleWeight())
}
