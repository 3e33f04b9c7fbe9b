import LossCore

// docs/reference.md §4.6: the losses people port from torch.nn, Keras and the papers behind
// optax and the learning-to-rank libraries. The numerics live in LossCore
// (Losses/PortedLosses.swift, gradients in Losses/PortedBackward.swift). Reference values:
// Scripts/gen_fixtures_ported.py → Tests/LossLangTests/Fixtures/ported.json.

private let elementwise = reductionParam(over: "every element", none: "the per-element losses")
private let perRow = reductionParam(over: "the rows (every axis but the last)", none: "one value per row")

private let rowsNote = "x is [N, C] (rows are samples, the last axis holds the classes) or [C] for one sample; "
    + "more leading axes are more samples."

private func weightParam() -> Param {
    Param("weight", default: .none,
          "multiplies each element's loss before the reduction; the shape of the loss or one that broadcasts to it (\"mean\" still divides by the element count)")
}

private let kerasNote = "Every element is a sample: \"mean\" averages over all elements (Keras means over the last axis, "
    + "then over the batch: the same value for rows of equal length). Inputs broadcast as in NumPy; `weight:` multiplies each "
    + "element's loss before the reduction. Keras computes in float32; the fixtures compare with a float64 port of Keras' code."

func installPortedLosses(_ r: Registry) {
    r.add(Builtin(
        "hinge_embedding", group: .embedding,
        params: [Param("x", "inputs, usually distances between the two items of a pair"),
                 Param("y", "labels −1 or +1, x's shape (or one that broadcasts)"),
                 Param("margin", default: .number(1), "the distance dissimilar pairs must exceed"),
                 sampleWeightParam,
                 elementwise],
        summary: "Hinge embedding loss: x for similar pairs (y = 1), max(0, margin − x) for dissimilar ones (y = −1).",
        formula: "ℓ = x if y = 1;  ℓ = max(0, margin − x) if y = −1",
        reference: "torch `hinge_embedding_loss` (same; torch also adds both terms for labels other than ±1, here an error). "
            + "Cf. the contrastive loss of R. Hadsell, S. Chopra, Y. LeCun 2006, Dimensionality Reduction by Learning an Invariant "
            + "Mapping (CVPR), which squares both terms.",
        notes: "Labels must be exactly −1 or +1 (for 0/1 labels y pass 2*y - 1). Element-wise: every element is a sample. "
            + "grad: with respect to x; at x = margin for y = −1 the gradient is 0, as in torch.",
        example: "hinge_embedding([0.3, 2, 0.5, 1.5], [1, 1, -1, -1], reduction: \"none\")", output: "[0.3, 2, 0.5, 0]",
        impl: { a in
            .from(try Losses.hingeEmbedding(a.tensor("x"), a.tensor("y"), margin: a.double("margin"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.hingeEmbeddingBackward(a.tensor("x"), a.tensor("y"), margin: a.double("margin"), reduction: lossReduction(a),
                                              upstream: g, wrt: try trackedParams(a, "x", labels: "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "soft_margin", group: .classification,
        params: [Param("x", "scores"), Param("y", "labels −1 or +1, x's shape (or one that broadcasts)"), sampleWeightParam, elementwise],
        summary: "Soft margin loss: the logistic loss of ±1 labels, element-wise.",
        formula: "ℓ = log(1 + e^(−y·x)),  y ∈ {−1, +1}",
        reference: "torch `soft_margin_loss` (same). Logistic regression with ±1 labels; the smooth counterpart of the hinge "
            + "(Cortes & Vapnik 1995). Computed as −log σ(y·x), stable for large |x|.",
        notes: "Labels must be exactly −1 or +1 (for 0/1 labels y pass 2*y - 1, or use bce with logits: true). "
            + "soft_margin(x, 2*y - 1) == bce(x, y, logits: true). grad: −y·σ(−y·x) with respect to x.",
        example: "soft_margin([2, -1, 0.5], [1, 1, -1])", output: "0.804756",
        impl: { a in
            .from(try Losses.softMargin(a.tensor("x"), a.tensor("y"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.softMarginBackward(a.tensor("x"), a.tensor("y"), reduction: lossReduction(a),
                                          upstream: g, wrt: try trackedParams(a, "x", labels: "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "multilabel_soft_margin", group: .classification,
        params: [Param("x", "scores (logits) [N, C] or [C]"),
                 Param("y", "0/1 labels (or probabilities) of x's shape, one per class"),
                 Param("weight", default: .none, "one weight per class [C] (or any shape that broadcasts to x's)"),
                 sampleWeightParam,
                 perRow],
        summary: "Multi-label soft margin loss: the mean over the classes of the binary logistic loss, one value per sample.",
        formula: "ℓᵢ = −(1/C) Σ_c w_c·[y_ic·log σ(x_ic) + (1 − y_ic)·log σ(−x_ic)]",
        reference: "torch `multilabel_soft_margin_loss` (same: the mean over the last axis, then the reduction over the samples). "
            + "Equal to bce(x, y, logits: true) averaged over each row.",
        notes: rowsNote + " y must hold values in [0, 1]. grad: w·(σ(x) − y)/C with respect to x, −w·x/C with respect to y.",
        example: "multilabel_soft_margin([[2, -1, 0.5], [0, 1, -2]], [[1, 0, 1], [0, 1, 0]], reduction: \"none\")",
        output: "[0.304756, 0.377779]",
        impl: { a in
            .from(try Losses.multilabelSoftMargin(a.tensor("x"), a.tensor("y"), weight: a.optionalTensor("weight"),
                                                  reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.multilabelSoftMarginBackward(a.tensor("x"), a.tensor("y"), weight: a.optionalTensor("weight"),
                                                    reduction: lossReduction(a), upstream: g,
                                                    wrt: try trackedParams(a, "x", labels: "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "multilabel_margin", group: .classification,
        params: [Param("x", "scores [N, C] or [C]"),
                 Param("y", "x's shape: each row lists its target class indices (0-based), ended by the first −1"),
                 sampleWeightParam,
                 perRow],
        summary: "Multi-label margin loss: every target class must score 1 above every non-target class (torch).",
        formula: "ℓᵢ = Σ_{j ∈ targets} Σ_{k ∉ targets} max(0, 1 − (x_ij − x_ik)) / C",
        reference: "torch `multilabel_margin_loss` (same, including the division by C and duplicated targets counted "
            + "twice). The multi-label ranking hinge of A. Elisseeff, J. Weston 2001, A kernel method for multi-labelled classification (NIPS).",
        notes: rowsNote + " Each row of y holds the row's target classes, then −1; what follows the first −1 is ignored, "
            + "and a row starting with −1 has no targets (loss 0). Other values must be class indices in [0, C). "
            + "grad: −1/C on the target's score and +1/C on the other's for every active term (1 − (x_j − x_k) > 0).",
        example: "multilabel_margin([0.1, 0.2, 0.4, 0.8], [3, 0, -1, 1])", output: "0.85",
        impl: { a in
            .from(try Losses.multilabelMargin(a.tensor("x"), a.tensor("y"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.multilabelMarginBackward(a.tensor("x"), a.tensor("y"), reduction: lossReduction(a),
                                                upstream: g, wrt: try trackedParams(a, "x", labels: "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "msle", group: .regression,
        params: [Param("pred", "predictions"), Param("y", "targets"), weightParam(), sampleWeightParam, elementwise],
        summary: "Mean squared logarithmic error (Keras): the squared error of log(1 + ·), for targets spanning magnitudes.",
        formula: "ℓ = (log(1 + max(pred, ε)) − log(1 + max(y, ε)))²,  ε = 1e-7",
        reference: "Keras `MeanSquaredLogarithmicError` / `mean_squared_logarithmic_error` (same, including the clamp at "
            + "Keras' epsilon 1e-7, so negative values count as 1e-7); sklearn `mean_squared_log_error` has no clamp "
            + "(it rejects values outside its domain instead).",
        notes: kerasNote + " log(1 + ·) is computed as log1p. grad: 0 with respect to a value below ε (the clamp passes none).",
        example: "msle([1, 3, 0], [1, 1, 2])", output: "0.562467",
        impl: { a in
            .from(try Losses.msle(a.tensor("pred"), a.tensor("y"), weight: a.optionalTensor("weight"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.msleBackward(a.tensor("pred"), a.tensor("y"), weight: a.optionalTensor("weight"), reduction: lossReduction(a),
                                    upstream: g, wrt: try trackedParams(a, "pred", "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "mape", group: .regression,
        params: [Param("pred", "predictions"), Param("y", "targets"), weightParam(), sampleWeightParam, elementwise],
        summary: "Mean absolute percentage error (Keras): 100·|y − pred| / |y|, in percent.",
        formula: "ℓ = 100·|y − pred| / max(|y|, ε),  ε = 1e-7",
        reference: "Keras `MeanAbsolutePercentageError` / `mean_absolute_percentage_error` (same, ε = Keras' epsilon 1e-7); "
            + "sklearn `mean_absolute_percentage_error` uses the float64 machine epsilon and gives a fraction, not percent.",
        notes: kerasNote + " A target of 0 divides by ε: huge values, as in Keras. grad: 100·sign(pred − y)/max(|y|, ε) "
            + "with respect to pred (0 where pred = y).",
        example: "mape([110, 45, 3], [100, 50, 2])", output: "23.3333",
        impl: { a in
            .from(try Losses.mape(a.tensor("pred"), a.tensor("y"), weight: a.optionalTensor("weight"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.mapeBackward(a.tensor("pred"), a.tensor("y"), weight: a.optionalTensor("weight"), reduction: lossReduction(a),
                                    upstream: g, wrt: try trackedParams(a, "pred", "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "generalized_ce", group: .classification,
        params: [Param("p", "predicted class probabilities [N, C] or [C] (raw scores with logits: true); classes on the last axis"),
                 Param("y", "class indices [N] (0-based)"),
                 Param("q", default: .number(0.7), "the exponent, > 0: q → 0 is cross-entropy, q = 1 is MAE (the paper uses (0, 1])"),
                 Param("logits", default: .bool(false), "true: p holds raw scores and softmax is applied inside"),
                 sampleWeightParam,
                 reductionParam(over: "the samples")],
        summary: "Generalized cross-entropy (L_q loss): robust to noisy labels, between cross-entropy and MAE.",
        formula: "ℓ = (1 − p_t^q)/q,  p_t = p[y]  (logits: p = softmax(x), computed as −expm1(q·log p_t)/q)",
        reference: "Z. Zhang, M. R. Sabuncu 2018, Generalized Cross Entropy Loss for Training Deep Neural Networks with Noisy "
            + "Labels (NeurIPS), the L_q loss. The fixtures use a float64 torch transcription of that formula (implementations "
            + "apply softmax to logits first: logits: true).",
        notes: "Probabilities outside [0, 1] are errors (pass logits: true for raw scores). Bounded by 1/q, so a mislabelled "
            + "sample cannot dominate. grad: −p_t^(q−1) with respect to p[y]; with logits −p_t^q·(onehot(y) − softmax(x)), "
            + "i.e. cross-entropy's gradient weighted by p_t^q.",
        example: "generalized_ce([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]], [0, 2])", output: "0.372554",
        impl: { a in
            .from(try Losses.generalizedCE(a.tensor("p"), a.tensor("y"), q: a.double("q"), logits: a.bool("logits"),
                                           reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.generalizedCEBackward(a.tensor("p"), a.tensor("y"), q: a.double("q"), logits: a.bool("logits"),
                                             reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "p", labels: "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "listnet", group: .classification,
        params: [Param("scores", "predicted scores [N, L] (N lists of L items) or [L]"),
                 Param("relevance", "relevance grades of the items, scores' shape"),
                 sampleWeightParam,
                 reductionParam(over: "the lists")],
        summary: "ListNet (top-one) learning-to-rank loss: cross-entropy between the softmax of the relevance and of the scores.",
        formula: "ℓ = −Σ_j softmax(relevance)_j · log softmax(scores)_j  (per list)",
        reference: "Z. Cao, T. Qin, T.-Y. Liu, M.-F. Tsai, H. Li 2007, Learning to Rank: From Pairwise Approach to Listwise "
            + "Approach (ICML), the top-one probability with φ = exp. allRank `listNet` is the same without its eps "
            + "and padding mask; TF-Ranking `SoftmaxLoss` differs: it divides the labels by their sum instead of taking their softmax.",
        notes: "Each row is a list; all rows have the same length. Relevance grades are used as logits of the target "
            + "distribution (grades 0, 1, 2 weigh e^0, e^1, e^2). grad: softmax(scores) − softmax(relevance) with respect to "
            + "scores; with respect to relevance too (soft targets).",
        example: "listnet([[3, 1, 2], [0.5, 0.2, 0.1]], [[2, 0, 1], [0, 1, 2]])", output: "1.026",
        impl: { a in
            .from(try Losses.listnet(a.tensor("scores"), a.tensor("relevance"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.listnetBackward(a.tensor("scores"), a.tensor("relevance"), reduction: lossReduction(a),
                                       upstream: g, wrt: try trackedParams(a, "scores", labels: "relevance"))
        }.withSampleWeight())

    r.add(Builtin(
        "listmle", group: .classification,
        params: [Param("scores", "predicted scores [N, L] (N lists of L items) or [L]"),
                 Param("relevance", "relevance grades of the items, scores' shape: only their order matters"),
                 sampleWeightParam,
                 reductionParam(over: "the lists")],
        summary: "ListMLE learning-to-rank loss: −log of the Plackett–Luce likelihood of the true order under the scores.",
        formula: "π = the items by decreasing relevance;  ℓ = Σ_i [log Σ_{k ≥ i} e^(s_π(k)) − s_π(i)]  (per list)",
        reference: "F. Xia, T.-Y. Liu, J. Wang, W. Zhang, H. Li 2008, Listwise Approach to Learning to Rank: Theory and "
            + "Algorithm (ICML). allRank `listMLE` is the same except that it shuffles tied items at random and adds eps "
            + "1e-10 inside the log.",
        notes: "Ties: items of equal relevance are ranked in their order in the list (the first one first), a stable sort, "
            + "so the loss is deterministic. Computed with running log-sum-exps, stable for large scores. grad: with respect "
            + "to scores; relevance only fixes the order (no gradient).",
        example: "listmle([[3, 1, 2], [0.5, 0.2, 0.1]], [[2, 0, 1], [0, 1, 2]])", output: "1.42766",
        impl: { a in
            .from(try Losses.listmle(a.tensor("scores"), a.tensor("relevance"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.listmleBackward(a.tensor("scores"), a.tensor("relevance"), reduction: lossReduction(a),
                                       upstream: g, wrt: try trackedParams(a, "scores", labels: "relevance"))
        }.withSampleWeight())

    r.add(Builtin(
        "sparsemax", group: .activations,
        params: [Param("x", "a number or tensor of scores"),
                 Param("axis", default: .number(-1), "axis of the distributions (negative counts from the end)")],
        summary: "Sparsemax: the Euclidean projection onto the probability simplex, a softmax that gives exact zeros.",
        formula: "sparsemax(x) = argmin_{p ≥ 0, Σp = 1} ‖p − x‖² = max(x − τ, 0),  τ such that Σ max(x − τ, 0) = 1",
        reference: "A. F. T. Martins, R. F. Astudillo 2016, From Softmax to Sparsemax: A Sparse Model of Attention and "
            + "Multi-Label Classification (ICML), Algorithm 1. optax `projections.projection_simplex` (scale 1) and "
            + "`jax.nn.sparsemax`; the fixtures use a float64 torch port of the sort-based algorithm.",
        notes: "τ is found by sorting: the largest k with 1 + k·x_(k) > Σ_{j ≤ k} x_(j), τ = (Σ_{j ≤ k} x_(j) − 1)/k, "
            + "computed on x − max x so that large offsets keep their digits. A lane with nan or +inf gives nan. "
            + "grad: u − mean of u over the support {p > 0}, and 0 off it.",
        example: "sparsemax([0.5, 0.6, 0.2])", output: "[0.4, 0.5, 0.1]",
        impl: { a in
            .from(try Losses.sparsemax(a.tensor("x"), axis: a.int("axis")))
        }).withBackward { a, _, g in
            ["x": try Losses.sparsemaxBackward(a.tensor("x"), axis: a.int("axis"), upstream: g)]
        })

    r.add(Builtin(
        "sparsemax_loss", group: .classification,
        params: [Param("x", "scores [N, C] or [C]; classes on the last axis"),
                 Param("y", "class indices [N] (0-based)"),
                 sampleWeightParam,
                 reductionParam(over: "the samples")],
        summary: "Multiclass sparsemax loss: the Fenchel–Young loss of sparsemax, 0 exactly when sparsemax(x) is one-hot at y.",
        formula: "p = sparsemax(x);  ℓ = Σ_j p_j·(x_j − x_y) + ½(1 − ‖p‖²) = −x_y + ½Σ_{j ∈ S}(x_j² − τ²) + ½",
        reference: "A. F. T. Martins, R. F. Astudillo 2016, From Softmax to Sparsemax (ICML), the sparsemax loss. optax "
            + "`multiclass_sparsemax_loss` (same formula; optax returns one value per sample, i.e. reduction: \"none\"); "
            + "the fixtures use a float64 torch port of optax's code.",
        notes: "The sparse counterpart of cross-entropy: convex, ≥ 0, and its gradient is sparsemax(x) − onehot(y).",
        example: "sparsemax_loss([[0.5, 0.6, 0.2], [2, 0, 0]], [0, 0], reduction: \"none\")", output: "[0.31, 0]",
        impl: { a in
            .from(try Losses.sparsemaxLoss(a.tensor("x"), a.tensor("y"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.sparsemaxLossBackward(a.tensor("x"), a.tensor("y"), reduction: lossReduction(a), upstream: g,
                                             wrt: try trackedParams(a, "x", labels: "y"))
        }.withSampleWeight())

    let pmlNote = "z is [N, D]: rows are embeddings, L2-normalised inside (torch F.normalize), compared by cosine similarity; "
        + "labels has one class label per row. Positives of an anchor are the other rows with its label, negatives the rows "
        + "with another label. As pytorch-metric-learning: an anchor without positives (its class has one row in the batch) "
        + "has loss 0, and \"mean\" averages over the anchors whose loss is > 0 (its AvgNonZeroReducer), 0 if there are none; "
        + "\"none\" gives one value per anchor (row)."

    r.add(Builtin(
        "supcon", group: .embedding,
        params: [Param("z", "embeddings [N, D]"), Param("labels", "class labels [N], one per row of z"),
                 Param("temperature", default: .number(0.1), "τ > 0 dividing the cosine similarities"),
                 reductionParam(over: "the anchors with a loss > 0 (pytorch-metric-learning's AvgNonZeroReducer)")],
        summary: "Supervised contrastive loss: pulls together all rows of a class, pushes apart the others (SupCon).",
        formula: "ℓᵢ = −(1/|P(i)|) Σ_{p ∈ P(i)} log( exp(cos(zᵢ, z_p)/τ) / Σ_{a ≠ i} exp(cos(zᵢ, z_a)/τ) )",
        reference: "P. Khosla, P. Teterwak, C. Wang, A. Sarna, Y. Tian, P. Isola, A. Maschinot, C. Liu, D. Krishnan 2020, "
            + "Supervised Contrastive Learning (NeurIPS), L^sup_out (eq. 2). Same as pytorch-metric-learning `SupConLoss` "
            + "(default CosineSimilarity and AvgNonZeroReducer), checked against it.",
        notes: pmlNote + " As pytorch-metric-learning, a batch without any positive pair or without any negative pair gives 0. "
            + "grad: with respect to z.",
        example: "supcon([[1, 0], [0.8, 0.6], [0, 1], [-0.6, 0.8]], [0, 0, 1, 1], temperature: 0.5)", output: "0.43019",
        impl: { a in
            .from(try Losses.supcon(a.tensor("z"), a.tensor("labels"), temperature: a.double("temperature"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.supconBackward(a.tensor("z"), a.tensor("labels"), temperature: a.double("temperature"),
                                      reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "z", labels: "labels"))
        })

    r.add(Builtin(
        "circle", group: .embedding,
        params: [Param("z", "embeddings [N, D]"), Param("labels", "class labels [N], one per row of z"),
                 Param("m", default: .number(0.4), "the relaxation margin"),
                 Param("gamma", default: .number(80), "the scale γ > 0"),
                 reductionParam(over: "the anchors with a loss > 0 (pytorch-metric-learning's AvgNonZeroReducer)")],
        summary: "Circle loss: pair similarities re-weighted by how far each is from its optimum, over all pairs of the batch.",
        formula: "ℓᵢ = softplus( log Σ_{p} exp(−γ·α_p·(s_p − Δ_p)) + log Σ_{n} exp(γ·α_n·(s_n − Δ_n)) )\n"
            + "s = cos, α_p = max(0, 1 + m − s_p), α_n = max(0, s_n + m), Δ_p = 1 − m, Δ_n = m",
        reference: "Y. Sun, C. Cheng, Y. Zhang, C. Zhang, L. Zheng, Z. Wang, Y. Wei 2020, Circle Loss: A Unified Perspective "
            + "of Pair Similarity Optimization (CVPR). Same as pytorch-metric-learning `CircleLoss` (its defaults "
            + "m = 0.4, γ = 80: the paper's setting for fine-grained retrieval), checked against it.",
        notes: pmlNote + " An anchor without positives or without negatives has loss 0. The weights α are constants in the "
            + "gradient (the paper and pytorch-metric-learning detach them). softplus is torch's (x itself above 20). "
            + "grad: with respect to z.",
        example: "circle([[1, 0], [0.8, 0.6], [0, 1], [-0.6, 0.8]], [0, 0, 1, 1], gamma: 4)", output: "0.829904",
        impl: { a in
            .from(try Losses.circle(a.tensor("z"), a.tensor("labels"), m: a.double("m"), gamma: a.double("gamma"),
                                    reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.circleBackward(a.tensor("z"), a.tensor("labels"), m: a.double("m"), gamma: a.double("gamma"),
                                      reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "z", labels: "labels"))
        })

    r.add(Builtin(
        "cosent", group: .embedding,
        params: [Param("a", "embeddings of the first sentences [N, D]"),
                 Param("b", "embeddings of the second sentences [N, D]; row k of a and b is pair k"),
                 Param("scores", "the gold similarity of each pair [N]; only their order counts"),
                 Param("scale", default: .number(20), "multiplies the cosine differences (1/temperature)")],
        summary: "CoSENT: every pair with a higher gold score must have a higher cosine similarity than every pair with a lower one.",
        formula: "ℓ = log(1 + Σ_{(i, j): scores_i > scores_j} exp(scale·(cos_j − cos_i))),  cos_k = cos(a_k, b_k)",
        reference: "J. Su 2022, CoSENT (kexue.fm/archives/8847). "
            + "Same as sentence-transformers `CoSENTLoss` (scale 20, pairwise_cos_sim), ported to torch float64 for the fixtures.",
        notes: "One number for the whole batch (no reduction): the loss compares pairs of pairs. Pairs with equal gold "
            + "scores are not compared. grad: with respect to a and b; scores only give the order (no gradient).",
        example: "cosent([[1, 0], [1, 1], [0, 1]], [[1, 0.2], [0, 1], [1, 0]], [1, 0.5, 0])", output: "0.0042053",
        impl: { a in
            .from(try Losses.cosent(a.tensor("a"), a.tensor("b"), a.tensor("scores"), scale: a.double("scale")))
        }).withBackward { a, _, g in
            try Losses.cosentBackward(a.tensor("a"), a.tensor("b"), a.tensor("scores"), scale: a.double("scale"), upstream: g,
                                      wrt: try trackedParams(a, "a", "b", labels: "scores"))
        })

    r.add(Builtin(
        "ctc", group: .classification,
        params: [Param("log_probs", "log-probabilities [T, N, C]: time, batch, classes (e.g. log_softmax over the last axis)"),
                 Param("targets", "label sequences: padded [N, S] (row b holds target_lengths[b] labels) or concatenated [Σ target_lengths]"),
                 Param("input_lengths", "the length of each input sequence [N] (≤ T)"),
                 Param("target_lengths", "the length of each target sequence [N]"),
                 Param("blank", default: .number(0), "the class index of the blank"),
                 Param("zero_infinity", default: .bool(false), "give 0 (and a zero gradient) for impossible alignments instead of inf"),
                 reductionParam(over: "the sequences (\"mean\" first divides each loss by its target length, as torch)")],
        summary: "Connectionist temporal classification: −log of the total probability of all alignments of the target.",
        formula: "ℓ_b = −log Σ_{π ∈ B⁻¹(target_b)} Π_t exp(log_probs[t, b, π_t]),  B removes repeats, then blanks;  "
            + "mean = (1/N) Σ_b ℓ_b / max(target_lengths[b], 1)",
        reference: "A. Graves, S. Fernández, F. Gomez, J. Schmidhuber 2006, Connectionist Temporal Classification: Labelling "
            + "Unsegmented Sequence Data with Recurrent Neural Networks (ICML), forward–backward in log space. Same as torch "
            + "`ctc_loss` (padded or concatenated targets, reductions, zero_infinity), checked against it in float64.",
        notes: "Targets must be class indices other than blank; what follows target_lengths[b] in a padded row is ignored. "
            + "An input too short for its target (T_b < L + repeats) has no alignment: the loss is inf (0 with zero_infinity). "
            + "grad: with respect to log_probs, the exact derivative −Σ_{s: l'_s = c} α_t(s)β_t(s)/(p·y_t(c)); torch's ctc_loss "
            + "returns that plus exp(log_probs) (the gradient for log_probs = log_softmax(x) folded in): the same gradient "
            + "with respect to x once the log_softmax is differentiated, different for a raw log_probs leaf.",
        example: "ctc(log([[[0.5, 0.5]], [[0.5, 0.5]]]), [[1]], [2], [1], reduction: \"sum\")", output: "0.287682",
        impl: { a in
            .from(try Losses.ctc(a.tensor("log_probs"), a.tensor("targets"), inputLengths: a.tensor("input_lengths"),
                                 targetLengths: a.tensor("target_lengths"), blank: a.int("blank"),
                                 zeroInfinity: a.bool("zero_infinity"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.ctcBackward(a.tensor("log_probs"), a.tensor("targets"), inputLengths: a.tensor("input_lengths"),
                                   targetLengths: a.tensor("target_lengths"), blank: a.int("blank"),
                                   zeroInfinity: a.bool("zero_infinity"), reduction: lossReduction(a), upstream: g,
                                   wrt: try trackedParams(a, "log_probs", labels: "targets", "input_lengths", "target_lengths"))
        })
}
