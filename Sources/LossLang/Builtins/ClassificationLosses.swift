import LossCore

// docs/reference.md §4.2: classification losses. The numerics live in LossCore
// (Losses/Classification.swift, and the analytic gradients for `grad` in
// Losses/ClassificationBackward.swift); these entries bind the arguments and document them.

private let logitsParam = Param("logits", default: .bool(false),
                                "true: the first argument holds raw scores, and sigmoid/softmax is applied inside in a stable form")

/// `axis:` of the row losses (docs/reference.md §4.6): where the classes are.
private func classAxisParam(_ p: String) -> Param {
    Param("axis", default: .number(-1),
          "the class axis of \(p): -1 (the last, default) or 1 for torch's [N, C, d1, …] layout; class indices then have \(p)'s shape without it")
}

/// How `axis:` works, for the notes.
private let classAxisNote = " axis: 1 takes torch's layout: p [N, C, d1, …] with class indices [N, d1, …] (or a target of p's shape), "
    + "e.g. per-pixel segmentation logits [N, C, H, W]; \"none\" gives one loss per position, [N, d1, …]. A negative axis "
    + "counts from the end. The result equals the call with the class axis moved last (moveaxis), and so does the gradient."

/// focal's, poly1's and poly's `axis:`.
private let ptAxisParam = Param("axis", default: .number(-1),
                                "the class axis of p for class-index targets: -1 (the last, default) or 1 for torch's [N, C, d1, …] layout (binary labels of p's shape are element-wise: any valid axis)")

/// How focal, poly1 and poly read their target.
private let ptTargets = """
    Targets: a y of p's shape holds binary labels per element (sigmoid-style, as torchvision's \
    sigmoid_focal_loss; p_t = p where y = 1 and 1 − p where y = 0, soft labels in [0, 1] allowed, \
    every element is a sample); a y of p's shape without its last axis holds 0-based class indices \
    (softmax-style over the last axis; p_t = p[y], each row is a sample). With logits: true, \
    1 − p_t is computed as σ(−x) or −expm1(log p_t), without cancellation, so saturated inputs stay exact. \
    With class indices, axis: 1 takes torch's per-pixel layout: p [N, C, d1, …], y [N, d1, …], "none" gives \
    [N, d1, …] (the same as the call with the class axis moved last; so is the gradient).
    """

/// The divisor of "mean" with `sample_weight:` for cross_entropy and nll: the samples whose
/// class index is not ignore_index (Keras' ignore_class masks them out of the mean); nil
/// (every sample) without ignore_index or with probability targets.
private func ignoredCount(_ a: Args) throws -> Int? {
    guard let ignore = try a.optionalInt("ignore_index") else { return nil }
    let y = try a.tensor("y"), p = try a.tensor(a.builtin.params[0].name)
    guard y.rank + 1 == p.rank else { return nil }
    return y.data.reduce(0) { $1 == Double(ignore) ? $0 : $0 + 1 }
}

/// bce's target, smoothed when `label_smoothing:` is set.
private func bceTarget(_ a: Args) throws -> Tensor {
    let eps = try a.double("label_smoothing")
    return eps == 0 ? try a.tensor("y") : try Losses.smoothedBinaryLabels(a.tensor("y"), eps, "bce")
}

func installClassificationLosses(_ r: Registry) {
    r.add(Builtin(
        "bce", aliases: ["binary_cross_entropy"], group: .classification,
        params: [Param("p", "predicted probabilities (or raw scores with logits: true)"),
                 Param("y", "targets of p's shape: 0/1 labels or probabilities in [0, 1]"),
                 Param("weight", default: .none, "multiplies each element's loss; p's shape or one that broadcasts to it"),
                 Param("pos_weight", default: .none, "weight of the positive term y·log p; one value per class along the last axis (or any shape that broadcasts to p's)"),
                 Param("label_smoothing", default: .number(0), "ε in [0, 1]: the target becomes y·(1 − ε) + ε/2 (Keras)"),
                 sampleWeightParam,
                 logitsParam, reductionParam(over: "every element", none: "the per-element losses")],
        summary: "Binary cross-entropy (log loss), element-wise: every element is a sample.",
        formula: "ℓ = −w·[pw·y·log p + (1−y)·log(1−p)],  logs clamped at −100;  logits: p = σ(x), ℓ = w·[(1−y)·x − (1 + (pw−1)·y)·log σ(x)]",
        reference: "Cox 1958, The regression analysis of binary sequences (the log-likelihood of logistic regression). "
            + "torch `binary_cross_entropy` (same, incl. the −100 clamp; torch has no pos_weight for probabilities) and, with "
            + "logits: true, `binary_cross_entropy_with_logits` (same stable form, pos_weight along the last axis). "
            + "Keras `BinaryCrossentropy` instead clips p to [1e-7, 1 − 1e-7] and averages over the last axis first.",
        notes: "y must have p's shape (for class indices use cross_entropy); probabilities outside [0, 1] are errors "
            + "(pass logits: true for raw scores). \"mean\" divides by the number of elements, not by Σ weight (as torch). "
            + "pos_weight > 1 raises recall: pos_weight = #negatives/#positives balances the classes. "
            + "label_smoothing: ε as Keras `BinaryCrossentropy(label_smoothing=ε)` (y ← y·(1 − ε) + ε/2, checked in [0, 1] first).",
        example: "bce([0.9, 0.2, 0.6], [1, 0, 1])", output: "0.279777",
        impl: { a in
            .from(try Losses.bce(a.tensor("p"), try bceTarget(a), weight: a.optionalTensor("weight"),
                                 posWeight: a.optionalTensor("pos_weight"), logits: a.bool("logits"),
                                 reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            var out = try Losses.bceBackward(a.tensor("p"), try bceTarget(a), weight: a.optionalTensor("weight"),
                                             posWeight: a.optionalTensor("pos_weight"), logits: a.bool("logits"),
                                             reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "p", "y"))
            let eps = try a.double("label_smoothing")
            if eps != 0, let gy = out["y"] { out["y"] = Tensor(shape: gy.shape, data: gy.data.map { $0 * (1 - eps) }) }
            return out
        }.withSampleWeight())

    r.add(Builtin(
        "cross_entropy", aliases: ["ce"], group: .classification,
        params: [Param("p", "predicted class probabilities [N, C] or [C] (raw scores with logits: true); classes on the last axis"),
                 Param("y", "class indices [N] (0-based), or class probabilities of p's shape"),
                 Param("weight", default: .none, "one weight per class, shape [C]"),
                 Param("ignore_index", default: .none, "a class-index value whose samples give 0 and are left out of the mean"),
                 Param("label_smoothing", default: .number(0), "ε in [0, 1]: the target becomes (1 − ε)·y + ε/C"),
                 classAxisParam("p"),
                 sampleWeightParam,
                 logitsParam, reductionParam(over: "the samples (weighted mean: ÷ Σ w[yᵢ])")],
        summary: "Cross-entropy over the class axis (the last, or axis:), with class-index or class-probability targets (torch conventions).",
        formula: "ℓᵢ = −Σ_c w_c·y_ic·log p_ic  (indices: ℓᵢ = −w[yᵢ]·log p_i,yᵢ);  mean = Σ ℓᵢ / Σ w[yᵢ];  smoothing: y ← (1−ε)·y + ε/C;  logits: log p = x − logsumexp(x)",
        reference: "Shannon 1948, A Mathematical Theory of Communication (cross-entropy); label smoothing: Szegedy, Vanhoucke, "
            + "Ioffe, Shlens, Wojna 2016, Rethinking the Inception Architecture for Computer Vision. "
            + "torch `cross_entropy` on log p; with logits: true exactly torch `cross_entropy` (weighted mean ÷ Σ w[y], "
            + "ignore_index, label_smoothing) except that classes are on the last axis by default (torch: axis 1; pass "
            + "axis: 1 for torch's layout) and ignore_index defaults to none (torch: −100). "
            + "torch `cross_entropy(x, y, weight=w, ignore_index=k, label_smoothing=ε, reduction=r)` on x [N, C, d…] == "
            + "cross_entropy(x, y, weight: w, ignore_index: k, label_smoothing: ε, reduction: r, logits: true, axis: 1). "
            + "Optax `softmax_cross_entropy` (distributions, logits, no reduction).",
        notes: "Probabilities (the default) take log p clamped at −100 and are not renormalised; values outside [0, 1] are "
            + "errors. Class indices must be integers in [0, C) (or equal to ignore_index). With probability targets the "
            + "\"mean\" divides by the number of samples and ignore_index is an error, as in torch. "
            + "kl(p, q) == cross_entropy(q, p, reduction: \"none\") − entropy(p). "
            + "sample_weight: multiplies w[yᵢ]·ℓᵢ, and \"mean\" divides by the number of samples not ignored (Keras "
            + "`SparseCategoricalCrossentropy(ignore_class=k)(y, p, sample_weight=s)`; class weights then act as Keras' "
            + "fit(class_weight=…), not as torch's ÷ Σ w[yᵢ])." + classAxisNote,
        example: "cross_entropy([[[2, 0.5], [1, 2.5], [0.1, 0.3]]], [[0, 1]], logits: true, axis: 1)", output: "0.31854",
        impl: { a in
            .from(try Losses.crossEntropy(a.tensor("p"), a.tensor("y"), weight: a.optionalTensor("weight"),
                                          ignoreIndex: a.optionalInt("ignore_index"),
                                          labelSmoothing: a.double("label_smoothing"), logits: a.bool("logits"),
                                          axis: a.int("axis"),
                                          reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.crossEntropyBackward(a.tensor("p"), a.tensor("y"), weight: a.optionalTensor("weight"),
                                            ignoreIndex: a.optionalInt("ignore_index"),
                                            labelSmoothing: a.double("label_smoothing"), logits: a.bool("logits"),
                                            axis: a.int("axis"),
                                            reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "p", labels: "y"))
        }.withSampleWeight(count: { a in try ignoredCount(a) }))

    r.add(Builtin(
        "nll", group: .classification,
        params: [Param("logp", "log-probabilities [N, C] or [C] (e.g. log_softmax(x)); classes on the last axis"),
                 Param("y", "class indices [N] (0-based)"),
                 Param("weight", default: .none, "one weight per class, shape [C]"),
                 Param("ignore_index", default: .none, "a class-index value whose samples give 0 and are left out of the mean"),
                 classAxisParam("logp"),
                 sampleWeightParam,
                 reductionParam(over: "the samples (weighted mean: ÷ Σ w[yᵢ])")],
        summary: "Negative log-likelihood of the true class, given log-probabilities.",
        formula: "ℓᵢ = −w[yᵢ]·logp_i,yᵢ;  mean = Σ ℓᵢ / Σ w[yᵢ]",
        reference: "Fisher 1922, On the mathematical foundations of theoretical statistics (maximum likelihood). "
            + "torch `nll_loss` (same, classes on the last axis instead of axis 1, ignore_index default none instead of −100): "
            + "torch `nll_loss(logp, y, weight=w, ignore_index=k)` on logp [N, C, d…] == nll(logp, y, weight: w, ignore_index: k, axis: 1).",
        notes: "nll(log_softmax(x), y) == cross_entropy(x, y, logits: true). logp is used as given (no clamp, no check). "
            + "sample_weight: as for cross_entropy (\"mean\" ÷ the number of samples not ignored, not ÷ Σ w[yᵢ])."
            + classAxisNote.replacingOccurrences(of: " (or a target of p's shape)", with: "").replacingOccurrences(of: "p [N", with: "logp [N"),
        example: "nll([[[-0.5, -2], [-1, -0.2], [-2, -3]]], [[0, 1]], axis: 1)", output: "0.35",
        impl: { a in
            .from(try Losses.nll(a.tensor("logp"), a.tensor("y"), weight: a.optionalTensor("weight"),
                                 ignoreIndex: a.optionalInt("ignore_index"), axis: a.int("axis"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.nllBackward(a.tensor("logp"), a.tensor("y"), weight: a.optionalTensor("weight"),
                                   ignoreIndex: a.optionalInt("ignore_index"), axis: a.int("axis"), reduction: lossReduction(a),
                                   upstream: g, wrt: try trackedParams(a, "logp", labels: "y"))
        }.withSampleWeight(count: { a in try ignoredCount(a) }))

    r.add(Builtin(
        "hinge", group: .classification,
        params: [Param("s", "scores (decision values)"), Param("t", "labels −1 or +1, s's shape"),
                 Param("margin", default: .number(1), "the margin the score must clear"),
                 sampleWeightParam,
                 reductionParam(over: "every element", none: "the per-element losses")],
        summary: "Hinge loss of maximum-margin (SVM) classification, element-wise.",
        formula: "ℓ = max(0, margin − t·s),  t ∈ {−1, +1}",
        reference: "Cortes & Vapnik 1995, Support-vector networks. sklearn `hinge_loss` (binary) and Keras `Hinge` "
            + "(Keras silently maps 0/1 labels to ±1 and averages over the last axis; here 0/1 labels are an error). "
            + "torch has no binary hinge (`soft_margin_loss` is the logistic variant).",
        notes: "Labels must be exactly −1 or +1: for 0/1 labels y pass 2*y - 1. Correct predictions inside the margin "
            + "still cost; the loss is 0 only for t·s ≥ margin.",
        example: "hinge([0.8, -0.5, 2], [1, 1, -1])", output: "1.56667",
        impl: { a in
            .from(try Losses.hinge(a.tensor("s"), a.tensor("t"), margin: a.double("margin"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.hingeBackward(a.tensor("s"), a.tensor("t"), margin: a.double("margin"), reduction: lossReduction(a),
                                     upstream: g, wrt: try trackedParams(a, "s", labels: "t"))
        }.withSampleWeight())

    r.add(Builtin(
        "squared_hinge", group: .classification,
        params: [Param("s", "scores (decision values)"), Param("t", "labels −1 or +1, s's shape"),
                 Param("margin", default: .number(1), "the margin the score must clear"),
                 sampleWeightParam,
                 reductionParam(over: "every element", none: "the per-element losses")],
        summary: "Squared hinge loss (L2-SVM), element-wise: smooth at the margin.",
        formula: "ℓ = max(0, margin − t·s)²,  t ∈ {−1, +1}",
        reference: "Tang 2013, Deep Learning using Linear Support Vector Machines (L2-SVM). Keras `SquaredHinge` "
            + "(maps 0/1 labels silently; here an error), sklearn `LinearSVC(loss=\"squared_hinge\")`.",
        notes: "Labels must be exactly −1 or +1: for 0/1 labels y pass 2*y - 1.",
        example: "squared_hinge([0.8, -0.5, 2], [1, 1, -1])", output: "3.76333",
        impl: { a in
            .from(try Losses.squaredHinge(a.tensor("s"), a.tensor("t"), margin: a.double("margin"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.squaredHingeBackward(a.tensor("s"), a.tensor("t"), margin: a.double("margin"), reduction: lossReduction(a),
                                            upstream: g, wrt: try trackedParams(a, "s", labels: "t"))
        }.withSampleWeight())

    r.add(Builtin(
        "multiclass_hinge", aliases: ["svm"], group: .classification,
        params: [Param("s", "class scores [N, C] or [C]; classes on the last axis"),
                 Param("y", "class indices [N] (0-based)"),
                 Param("margin", default: .number(1), "Δ, the margin the true class must win by"),
                 Param("p", default: .number(1), "exponent of each hinge term (1: hinge, 2: squared hinge)"),
                 Param("variant", default: .string("weston_watkins"), "\"weston_watkins\" (sum over the wrong classes) or \"crammer_singer\" (the worst wrong class)"),
                 sampleWeightParam,
                 reductionParam(over: "the samples")],
        summary: "Multi-class SVM (hinge) loss over the last axis, with class-index targets.",
        formula: "weston_watkins: ℓᵢ = Σ_{j≠yᵢ} max(0, margin − s_yᵢ + s_j)^p;  crammer_singer: ℓᵢ = max(0, margin − s_yᵢ + max_{j≠yᵢ} s_j)^p",
        reference: "Weston & Watkins 1999, Support vector machines for multi-class pattern recognition; Crammer & Singer 2001, "
            + "On the algorithmic implementation of multiclass kernel-based vector machines. cs231n's multiclass SVM loss "
            + "(weston_watkins). torch `multi_margin_loss` is weston_watkins ÷ C (p 1 or 2 only); sklearn `hinge_loss` "
            + "(multiclass) is crammer_singer with margin 1.",
        notes: "The exponent p applies to both variants. With one class the loss is 0.",
        example: "multiclass_hinge([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]], [0, 1, 2])", output: "5.26667",
        impl: { a in
            let v = try a.choice("variant", MulticlassHingeVariant.allCases.map(\.rawValue))
            return .from(try Losses.multiclassHinge(a.tensor("s"), a.tensor("y"), margin: a.double("margin"), p: a.double("p"),
                                                    variant: MulticlassHingeVariant(rawValue: v) ?? .westonWatkins,
                                                    reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            let v = try a.choice("variant", MulticlassHingeVariant.allCases.map(\.rawValue))
            return try Losses.multiclassHingeBackward(a.tensor("s"), a.tensor("y"), margin: a.double("margin"), p: a.double("p"),
                                                      variant: MulticlassHingeVariant(rawValue: v) ?? .westonWatkins,
                                                      reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "s", labels: "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "focal", group: .classification,
        params: [Param("p", "predicted probabilities (raw scores with logits: true)"),
                 Param("y", "binary labels of p's shape, or class indices (p's shape without its last axis)"),
                 Param("gamma", default: .number(2), "γ ≥ 0, the focusing parameter; 0 gives cross-entropy"),
                 Param("alpha", default: .none, "class balance: binary labels α_t = α·y + (1−α)(1−y) (α in [0, 1], broadcast to p); class indices: a number or one weight per class"),
                 ptAxisParam,
                 Param("label_smoothing", default: .number(0), "ε in [0, 1] (Keras): binary labels become y·(1 − ε) + ε/2; class indices the one-hot (1 − ε)·[c = y] + ε/C, summed over the classes"),
                 sampleWeightParam,
                 logitsParam, reductionParam(over: "the samples")],
        summary: "Focal loss: cross-entropy down-weighted on well-classified examples, for class imbalance.",
        formula: "ℓ = −α_t·(1 − p_t)^γ·log p_t",
        reference: "Lin, Goyal, Girshick, He, Dollár 2017, Focal Loss for Dense Object Detection. torchvision "
            + "`sigmoid_focal_loss(x, y, alpha=0.25, gamma=2)` == focal(x, y, alpha: 0.25, logits: true) (torchvision's "
            + "alpha defaults to 0.25, here to none: no weighting; torchvision also computes 1 − p_t by cancellation). "
            + "label_smoothing: Keras `BinaryFocalCrossentropy(apply_class_balancing=True, alpha=α, gamma=γ, label_smoothing=ε)` "
            + "(binary labels) and `CategoricalFocalCrossentropy(alpha=α, gamma=γ, label_smoothing=ε)` on one_hot(y) (class indices).",
        notes: ptTargets + " γ = 0 without alpha equals bce (binary labels) or cross_entropy (class indices); "
            + "the paper uses γ = 2, α = 0.25 with logits. Stable for γ < 1 and saturated inputs (no 0·∞). "
            + "label_smoothing: ε smooths the target before p_t, α_t and the modulating factor, as Keras: binary labels become "
            + "y·(1 − ε) + ε/2 (as bce's), class indices the one-hot y_c = (1 − ε)·[c = y] + ε/C, and then the loss sums over "
            + "every class, Σ_c y_c·α_c·(1 − p_c)^γ·(−log p_c). Keras also clips p to [1e-7, 1 − 1e-7] and divides p by its row "
            + "sum (here p is used as given, logs clamped at −100).",
        example: "focal([0.9, 0.2], [1, 0], label_smoothing: 0.1)", output: "0.00984469",
        impl: { a in
            .from(try Losses.focal(a.tensor("p"), a.tensor("y"), gamma: a.double("gamma"), alpha: a.optionalTensor("alpha"),
                                   labelSmoothing: a.double("label_smoothing"), logits: a.bool("logits"), axis: a.int("axis"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.focalBackward(a.tensor("p"), a.tensor("y"), gamma: a.double("gamma"), alpha: a.optionalTensor("alpha"),
                                     labelSmoothing: a.double("label_smoothing"), logits: a.bool("logits"), axis: a.int("axis"),
                                     reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "p", labels: "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "poly1", group: .classification,
        params: [Param("p", "predicted probabilities (raw scores with logits: true)"),
                 Param("y", "binary labels of p's shape, or class indices (p's shape without its last axis)"),
                 Param("epsilon", default: .number(1), "ε, the perturbation of the first polynomial coefficient"),
                 Param("gamma", default: .number(0), "γ ≥ 0: with γ > 0, the Poly-1 form of the focal loss"),
                 ptAxisParam,
                 sampleWeightParam,
                 logitsParam, reductionParam(over: "the samples")],
        summary: "Poly-1 loss: cross-entropy plus ε·(1 − p_t) (or the focal loss plus ε·(1 − p_t)^{γ+1}).",
        formula: "ℓ = −log p_t + ε·(1 − p_t);  γ > 0: ℓ = −(1 − p_t)^γ·log p_t + ε·(1 − p_t)^{γ+1}",
        reference: "Leng, Tan, Liu, Cubuk, Shi, Cheng, Anguelov 2022, PolyLoss: A Polynomial Expansion Perspective of "
            + "Classification Loss Functions (ICLR). Optax `poly_loss_cross_entropy(logits, one_hot(y), epsilon)` == "
            + "poly1(logits, y, epsilon: ε, logits: true, reduction: \"none\") (Optax also takes soft label distributions).",
        notes: ptTargets + " ε = 0 gives cross-entropy (γ = 0) or the focal loss; the paper suggests ε = 1 for "
            + "classification, and ε = −1 with γ for detection.",
        example: "poly1([0.9, 0.2], [1, 0])", output: "0.314252",
        impl: { a in
            .from(try Losses.poly1(a.tensor("p"), a.tensor("y"), epsilon: a.double("epsilon"), gamma: a.double("gamma"),
                                   logits: a.bool("logits"), axis: a.int("axis"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.poly1Backward(a.tensor("p"), a.tensor("y"), epsilon: a.double("epsilon"), gamma: a.double("gamma"),
                                     logits: a.bool("logits"), axis: a.int("axis"), reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "p", labels: "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "poly", group: .classification,
        params: [Param("p", "predicted probabilities (raw scores with logits: true)"),
                 Param("y", "binary labels of p's shape, or class indices (p's shape without its last axis)"),
                 Param("epsilon", default: .tensor(Tensor([1])), "[ε1, …, εN]: perturbations of the first N polynomial coefficients (a number is [ε1])"),
                 ptAxisParam,
                 sampleWeightParam,
                 logitsParam, reductionParam(over: "the samples")],
        summary: "Poly-N loss: cross-entropy plus a polynomial Σ_j ε_j·(1 − p_t)^j.",
        formula: "ℓ = −log p_t + Σ_{j=1}^{N} ε_j·(1 − p_t)^j",
        reference: "Leng, Tan, Liu, Cubuk, Shi, Cheng, Anguelov 2022, PolyLoss: A Polynomial Expansion Perspective of "
            + "Classification Loss Functions (ICLR), Poly-N (eq. 3). No torch/Optax counterpart (Optax has Poly-1).",
        notes: ptTargets + " Cross-entropy is Σ_j (1 − p_t)^j / j; Poly-N adds ε_j to the first N coefficients, as in "
            + "the paper (the primer's Σ ε_i (1 − p_t)^i / i divides by i; here, as in the paper, it does not). "
            + "poly(p, y, epsilon: [ε]) == poly1(p, y, epsilon: ε); epsilon: [] is cross-entropy.",
        example: "poly([0.9, 0.2], [1, 0], epsilon: [1, 0.5])", output: "0.326752",
        impl: { a in
            .from(try Losses.poly(a.tensor("p"), a.tensor("y"), epsilon: a.tensor("epsilon"), logits: a.bool("logits"),
                                  axis: a.int("axis"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.polyBackward(a.tensor("p"), a.tensor("y"), epsilon: a.tensor("epsilon"), logits: a.bool("logits"),
                                    axis: a.int("axis"), reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "p", labels: "y"))
        }.withSampleWeight())
}
