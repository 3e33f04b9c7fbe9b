import LossCore

// docs/reference.md §4.3: embeddings and metric learning. Rows are samples and the last axis is the
// embedding; the per-sample losses are reduced over the batch axis (axis 0).
// Reference values: Scripts/gen_fixtures_embedding.py (torch float64, info-nce-pytorch,
// sentence-transformers, pytorch-metric-learning), Tests/LossLangTests/Fixtures/embedding.json.

private let rowsNote = "Inputs are [N, D] (rows are samples, the last axis is the embedding) or [D] for one sample, "
    + "which gives one number whatever the reduction."

/// `distance: "cosine"` on triplet and contrastive; for triplet, norm and squared must keep their defaults.
private func cosineDistance(_ a: Args) throws -> Bool {
    guard try a.choice("distance", ["euclidean", "cosine"]) == "cosine" else { return false }
    if a.builtin.name == "triplet" {
        if try a.double("norm") != 2 || a.bool("squared") {
            throw a.fail("norm and squared apply to the Euclidean distance, not to distance: \"cosine\"")
        }
    }
    return true
}

func installEmbeddingLosses(_ r: Registry) {
    r.add(Builtin(
        "triplet", group: .embedding,
        params: [
            Param("anchor", "anchor embeddings [N, D] (or [D])"),
            Param("positive", "embeddings of the same identity as the anchors, the shape of anchor"),
            Param("negative", "embeddings of another identity, the shape of anchor"),
            Param("margin", default: .number(1), "required gap between the negative and the positive distance (> 0)"),
            Param("norm", default: .number(2), "p of the p-norm distance (any p > 0, or inf)"),
            Param("swap", default: .bool(false), "use min(d(a, n), d(p, n)) as the negative distance (distance swap)"),
            Param("squared", default: .bool(false), "use the squared Euclidean distance ‖a − b‖² (FaceNet), without eps"),
            Param("distance", default: .string("euclidean"), "\"euclidean\" (the p-norm above) or \"cosine\": d = 1 − cos(a, b)"),
            sampleWeightParam,
            reductionParam(over: "the samples (axis 0)"),
        ],
        summary: "Triplet margin loss: the anchor must be closer to the positive than to the negative by a margin.",
        formula: "ℓ = max(0, d(a, p) − d(a, n) + margin),  d(x, y) = ‖x − y + 1e-6‖_norm\n"
            + "swap: d(a, n) → min(d(a, n), d(p, n));  squared: d(x, y) = ‖x − y‖²",
        reference: "F. Schroff, D. Kalenichenko, J. Philbin 2015, FaceNet: A Unified Embedding for Face Recognition and "
            + "Clustering (CVPR); distance swap: V. Balntas, E. Riba, D. Ponsa, K. Mikolajczyk 2016, Learning local feature "
            + "descriptors with triplets and shallow convolutional neural networks (BMVC). Same as torch "
            + "`triplet_margin_loss` (p: norm, eps 1e-6 added to the difference, margin > 0 required); `squared: true` is "
            + "FaceNet's ‖f(a) − f(p)‖² − ‖f(a) − f(n)‖² + α, which torch does not offer.",
        notes: rowsNote + " The eps keeps zero distances differentiable (a == p == n gives exactly the margin); "
            + "squared: true needs norm 2. grad: with respect to anchor, positive, negative and margin (torch's rules: the "
            + "hinge passes the gradient where its argument is ≥ 0, swap ties share it). distance: \"cosine\" is torch "
            + "`TripletMarginWithDistanceLoss(distance_function=lambda x, y: 1 - F.cosine_similarity(x, y))` (norm and squared "
            + "do not apply).",
        example: "triplet([[0, 0], [1, 1]], [[0, 1], [1, 2]], [[1, 0.5], [1, 1.5]], reduction: \"none\")",
        output: "[0.881966, 1.5]",
        impl: { a in
            if try cosineDistance(a) {
                return .from(try Losses.tripletCosine(anchor: a.tensor("anchor"), positive: a.tensor("positive"),
                                                      negative: a.tensor("negative"), margin: a.double("margin"), swap: a.bool("swap"),
                                                      reduction: lossReduction(a)))
            }
            return .from(try Losses.triplet(anchor: a.tensor("anchor"), positive: a.tensor("positive"), negative: a.tensor("negative"),
                                     margin: a.double("margin"), norm: a.double("norm"), swap: a.bool("swap"),
                                     squared: a.bool("squared"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            if try cosineDistance(a) {
                return try Losses.tripletCosineBackward(anchor: a.tensor("anchor"), positive: a.tensor("positive"),
                                                        negative: a.tensor("negative"), margin: a.double("margin"),
                                                        swap: a.bool("swap"), reduction: lossReduction(a), upstream: g,
                                                        wrt: try trackedParams(a, "anchor", "positive", "negative", "margin"))
            }
            return try Losses.tripletBackward(anchor: a.tensor("anchor"), positive: a.tensor("positive"), negative: a.tensor("negative"),
                                    margin: a.double("margin"), norm: a.double("norm"), swap: a.bool("swap"),
                                    squared: a.bool("squared"), reduction: lossReduction(a), upstream: g,
                                    wrt: try trackedParams(a, "anchor", "positive", "negative", "margin"))
        }.withSampleWeight())

    r.add(Builtin(
        "contrastive", group: .embedding,
        params: [
            Param("x1", "first embeddings of the pairs [N, D] (or [D])"),
            Param("x2", "second embeddings of the pairs, the shape of x1"),
            Param("y", "one 0/1 label per pair (a vector of N, or one number for all pairs)"),
            Param("margin", default: .number(1), "dissimilar pairs closer than this are penalised"),
            Param("similar", default: .number(0), "the label value meaning \"similar\": 0 (Hadsell et al.) or 1 (retrieval convention)"),
            Param("distance", default: .string("euclidean"), "\"euclidean\" (‖x1 − x2‖) or \"cosine\": D = 1 − cos(x1, x2)"),
            sampleWeightParam,
            reductionParam(over: "the samples (axis 0)"),
        ],
        summary: "Contrastive loss: pulls similar pairs together and pushes dissimilar pairs at least a margin apart.",
        formula: "D = ‖x1 − x2‖;  ℓ = ½D² if y = similar, else ½·max(0, margin − D)²",
        reference: "R. Hadsell, S. Chopra, Y. LeCun 2006, Dimensionality Reduction by Learning an Invariant Mapping (CVPR). "
            + "torch has no built-in counterpart; pytorch-metric-learning `ContrastiveLoss` uses pos_margin/neg_margin "
            + "hinges without the ½ and squares, and many tutorials write y·d² + (1 − y)·max(0, m − d)² (similar: 1, no ½).",
        notes: rowsNote + " In the paper y = 0 marks similar pairs (the default here); with similar: 1, y = 1 marks "
            + "similar pairs. Labels other than 0 and 1 are an error. A zero distance is fine: ½·0 for a similar pair, "
            + "½·margin² for a dissimilar one. grad: with respect to x1, x2 and margin (0 at a zero distance). distance: \"cosine\" "
            + "uses D = 1 − cos(x1, x2) (torch cosine_similarity, eps 1e-8).",
        example: "contrastive([[0, 0], [1, 1]], [[0.3, 0.4], [1.2, 1]], [0, 1], reduction: \"none\")",
        output: "[0.125, 0.32]",
        impl: { a in
            if try cosineDistance(a) {
                return .from(try Losses.contrastiveCosine(a.tensor("x1"), a.tensor("x2"), a.tensor("y"), margin: a.double("margin"),
                                                          similar: a.double("similar"), reduction: lossReduction(a)))
            }
            return .from(try Losses.contrastive(a.tensor("x1"), a.tensor("x2"), a.tensor("y"), margin: a.double("margin"),
                                         similar: a.double("similar"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            if try cosineDistance(a) {
                return try Losses.contrastiveCosineBackward(a.tensor("x1"), a.tensor("x2"), a.tensor("y"), margin: a.double("margin"),
                                                            similar: a.double("similar"), reduction: lossReduction(a), upstream: g,
                                                            wrt: try trackedParams(a, "x1", "x2", "margin", labels: "y"))
            }
            return try Losses.contrastiveBackward(a.tensor("x1"), a.tensor("x2"), a.tensor("y"), margin: a.double("margin"),
                                        similar: a.double("similar"), reduction: lossReduction(a), upstream: g,
                                        wrt: try trackedParams(a, "x1", "x2", "margin", labels: "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "margin_ranking", group: .embedding,
        params: [
            Param("x1", "scores of the first items"),
            Param("x2", "scores of the second items (broadcast against x1)"),
            Param("y", "+1 where x1 should rank higher, −1 where x2 should"),
            Param("margin", default: .number(0), "required score gap"),
            sampleWeightParam,
            reductionParam(over: "every element"),
        ],
        summary: "Margin ranking loss: penalises pairs whose scores are in the wrong order (or closer than the margin).",
        formula: "ℓ = max(0, −y·(x1 − x2) + margin),  y ∈ {−1, +1}",
        reference: "Pairwise ranking hinge of R. Herbrich, T. Graepel, K. Obermayer 1999, Support Vector Learning for "
            + "Ordinal Regression (ICANN); T. Joachims 2002, Optimizing Search Engines using Clickthrough Data (KDD). "
            + "Same as torch `margin_ranking_loss` / `nn.MarginRankingLoss`, except that labels other than ±1 are an "
            + "error here (torch puts any y into the formula).",
        notes: "Element-wise: x1, x2 and y broadcast together (NumPy rules) and every element is a sample. "
            + "grad: with respect to x1, x2 and margin.",
        example: "margin_ranking([0.8, 0.3, 0.5], [0.4, 0.6, 0.5], [1, 1, -1], margin: 0.1, reduction: \"none\")",
        output: "[0, 0.4, 0.1]",
        impl: { a in
            .from(try Losses.marginRanking(a.tensor("x1"), a.tensor("x2"), a.tensor("y"), margin: a.double("margin"),
                                           reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.marginRankingBackward(a.tensor("x1"), a.tensor("x2"), a.tensor("y"), margin: a.double("margin"),
                                          reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "x1", "x2", "margin", labels: "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "cosine_embedding", group: .embedding,
        params: [
            Param("x1", "first embeddings [N, D] (or [D])"),
            Param("x2", "second embeddings, the shape of x1"),
            Param("y", "+1 for similar pairs, −1 for dissimilar (a vector of N, or one number)"),
            Param("margin", default: .number(0), "dissimilar pairs are penalised above this cosine (−1 to 1; 0 to 0.5 is typical)"),
            sampleWeightParam,
            reductionParam(over: "the samples (axis 0)"),
        ],
        summary: "Cosine embedding loss: similar pairs should point the same way, dissimilar pairs below a cosine margin.",
        formula: "ℓ = 1 − cos(x1, x2) if y = 1;  max(0, cos(x1, x2) − margin) if y = −1\n"
            + "cos = Σx1·x2 / √((Σx1² + ε)(Σx2² + ε)),  ε = 1e-12 (as float32)",
        reference: "Cosine similarity of twin (siamese) networks: J. Bromley, I. Guyon, Y. LeCun, E. Säckinger, R. Shah 1993, "
            + "Signature Verification using a \"Siamese\" Time Delay Neural Network (NIPS). Same as torch "
            + "`cosine_embedding_loss` / `nn.CosineEmbeddingLoss`, including its eps (float32 1e-12 inside each squared "
            + "norm, so zero vectors have cosine 0), except that labels other than ±1 are an error here (torch gives "
            + "them loss 0).",
        notes: rowsNote + " grad: with respect to x1, x2 and margin.",
        example: "cosine_embedding([[1, 0], [1, 1]], [[1, 1], [-1, 2]], [1, -1], margin: 0.2, reduction: \"none\")",
        output: "[0.292893, 0.116228]",
        impl: { a in
            .from(try Losses.cosineEmbedding(a.tensor("x1"), a.tensor("x2"), a.tensor("y"), margin: a.double("margin"),
                                             reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.cosineEmbeddingBackward(a.tensor("x1"), a.tensor("x2"), a.tensor("y"), margin: a.double("margin"),
                                            reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "x1", "x2", "margin", labels: "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "infonce", group: .embedding,
        params: [
            Param("query", "query embeddings [N, D]"),
            Param("positive", "the positive key of each query [N, D]"),
            Param("negatives", default: .none, "negative keys: [M, D] shared (\"unpaired\") or [N, M, D] per query (\"paired\"); none: the other rows' positives"),
            Param("temperature", default: .number(0.1), "τ > 0 dividing the cosine similarities"),
            Param("negative_mode", default: .string("unpaired"), "\"unpaired\" (negatives [M, D]) or \"paired\" (negatives [N, M, D])"),
            sampleWeightParam,
            reductionParam(over: "the queries"),
        ],
        summary: "InfoNCE: cross-entropy of picking each query's positive key among negatives, by cosine similarity / τ.",
        formula: "ℓ_i = −log( exp(q̂_i·k̂⁺_i/τ) / (exp(q̂_i·k̂⁺_i/τ) + Σ_j exp(q̂_i·k̂⁻_j/τ)) ),  x̂ = x / max(‖x‖, 1e-12)",
        reference: "A. van den Oord, Y. Li, O. Vinyals 2018, Representation Learning with Contrastive Predictive Coding "
            + "(arXiv:1807.03748). Same as `info_nce` of the info-nce-pytorch package (RElbers), with the same defaults; "
            + "the paper scores with a log-bilinear f_k instead of the cosine.",
        notes: "Without negatives, the logits are Q̂·K̂ᵀ/τ with the positives on the diagonal (in-batch negatives), "
            + "which is mnr with scale 1/τ. Embeddings are L2-normalised as torch's F.normalize (a zero row has cosine 0). "
            + "grad: with respect to query, positive, negatives and temperature (learned in CLIP-style training).",
        example: "infonce([[1, 0], [0, 1]], [[0.9, 0.1], [0.2, 0.8]])",
        output: "0.000365076",
        impl: { a in
            let mode = InfoNCENegativeMode(rawValue: try a.choice("negative_mode", InfoNCENegativeMode.allCases.map(\.rawValue))) ?? .unpaired
            return .from(try Losses.infoNCE(query: a.tensor("query"), positive: a.tensor("positive"),
                                            negatives: a.optionalTensor("negatives"), temperature: a.double("temperature"),
                                            negativeMode: mode, reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.infoNCEBackward(query: a.tensor("query"), positive: a.tensor("positive"),
                                    negatives: a.optionalTensor("negatives"), temperature: a.double("temperature"),
                                    negativeMode: InfoNCENegativeMode(rawValue: try a.string("negative_mode")) ?? .unpaired,
                                    reduction: lossReduction(a), upstream: g,
                                    wrt: try trackedParams(a, "query", "positive", "negatives", "temperature"))
        }.withSampleWeight())

    r.add(Builtin(
        "ntxent", group: .embedding,
        params: [
            Param("z1", "embeddings of the first augmented view [N, D]"),
            Param("z2", "embeddings of the second view [N, D]; row i of z1 and z2 are a positive pair"),
            Param("temperature", default: .number(0.1), "τ > 0 dividing the cosine similarities"),
            Param("labels", default: .none, "class labels [N], one per pair: rows of the same class are positives too (supervised contrastive over both views); none: each row's only positive is its other view"),
            reductionParam(over: "the 2N anchors"),
        ],
        summary: "NT-Xent (SimCLR): each of the 2N views must pick its pair among the other 2N − 1 views.",
        formula: "z = [z1; z2] L2-normalised, s_ab = ẑ_a·ẑ_b/τ;  ℓ_a = −log( exp(s_{a,a±N}) / Σ_{b≠a} exp(s_ab) )",
        reference: "T. Chen, S. Kornblith, M. Norouzi, G. Hinton 2020, A Simple Framework for Contrastive Learning of Visual "
            + "Representations (ICML). The mean equals pytorch-metric-learning `NTXentLoss` with labels "
            + "[0…N−1, 0…N−1]; SimCLR's code defaults to τ = 0.1 (the paper also uses 0.5).",
        notes: "Samples are the 2N anchors, z1's rows then z2's: reduction \"none\" gives 2N values, and \"mean\" is the "
            + "paper's L = 1/(2N) Σ_k [ℓ(2k−1, 2k) + ℓ(2k, 2k−1)]. grad: with respect to z1, z2 and temperature. "
            + "labels: several positives per anchor: ntxent(z1, z2, labels: y, temperature: τ) == supcon(concat(z1, z2), "
            + "concat(y, y), temperature: τ), pytorch-metric-learning `SupConLoss` over both views: each anchor's positives "
            + "are its other view and both views of every row of its class; \"mean\" averages over the anchors with a loss "
            + "> 0 (SupConLoss' AvgNonZeroReducer); grad with respect to z1, z2 and temperature.",
        example: "ntxent([[1, 0], [0, 1]], [[0.9, 0.1], [0.2, 0.8]], temperature: 0.5)",
        output: "0.343827",
        impl: { a in
            if let labels = try a.optionalTensor("labels") {
                return .from(try Losses.ntXent(a.tensor("z1"), a.tensor("z2"), labels: labels, temperature: a.double("temperature"),
                                               reduction: lossReduction(a)))
            }
            return .from(try Losses.ntXent(a.tensor("z1"), a.tensor("z2"), temperature: a.double("temperature"),
                                           reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            if let labels = try a.optionalTensor("labels") {
                return try Losses.ntXentBackward(a.tensor("z1"), a.tensor("z2"), labels: labels, temperature: a.double("temperature"),
                                                 reduction: lossReduction(a), upstream: g,
                                                 wrt: try trackedParams(a, "z1", "z2", "temperature", labels: "labels"))
            }
            return try Losses.ntXentBackward(a.tensor("z1"), a.tensor("z2"), temperature: a.double("temperature"),
                                          reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "z1", "z2", "temperature"))
        })

    r.add(Builtin(
        "mnr", aliases: ["multiple_negatives_ranking"], group: .embedding,
        params: [
            Param("anchor", "anchor (query) embeddings [N, D]"),
            Param("positive", "the positive of each anchor [N, D]; the other rows are in-batch negatives"),
            Param("negatives", default: .none, "hard negatives [M, D], extra candidate rows for every anchor"),
            Param("scale", default: .number(20), "multiplies the cosine similarities (1/temperature), > 0"),
            Param("symmetric", default: .bool(false), "also score each positive against every anchor and average both directions"),
            sampleWeightParam,
            reductionParam(over: "the anchors"),
        ],
        summary: "Multiple negatives ranking loss: each anchor must pick its positive among all positives (and hard negatives).",
        formula: "ℓ_i = −log softmax_j( scale·cos(a_i, c_j) )[i],  c = [positives; negatives]\n"
            + "symmetric: ½(ℓ_i − log softmax_j( scale·cos(p_i, a_j) )[i])",
        reference: "M. Henderson, R. Al-Rfou, B. Strope, Y. Sung, L. Lukács, R. Guo, S. Kumar, B. Miklos, R. Kurzweil 2017, "
            + "Efficient Natural Language Response Suggestion for Smart Reply (arXiv:1705.00652). Same as sentence-"
            + "transformers `MultipleNegativesRankingLoss` (scale 20, cos_sim) on precomputed embeddings; symmetric: true "
            + "is `MultipleNegativesSymmetricRankingLoss` (the backward direction scores positives against anchors only). "
            + "Several hard-negative columns of sentence-transformers are rows stacked here: concat(n1, n2, axis: 0).",
        notes: "Embeddings are L2-normalised as torch's F.normalize. With scale 1/τ and no negatives this is infonce. "
            + "grad: with respect to anchor, positive, negatives and scale.",
        example: "mnr([[1, 0], [0, 1]], [[0.9, 0.1], [0.2, 0.8]], scale: 5)",
        output: "0.0182939",
        impl: { a in
            .from(try Losses.multipleNegativesRanking(anchor: a.tensor("anchor"), positive: a.tensor("positive"),
                                                      negatives: a.optionalTensor("negatives"), scale: a.double("scale"),
                                                      symmetric: a.bool("symmetric"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.multipleNegativesRankingBackward(anchor: a.tensor("anchor"), positive: a.tensor("positive"),
                                                     negatives: a.optionalTensor("negatives"), scale: a.double("scale"),
                                                     symmetric: a.bool("symmetric"), reduction: lossReduction(a), upstream: g,
                                                     wrt: try trackedParams(a, "anchor", "positive", "negatives", "scale"))
        }.withSampleWeight())

    r.add(Builtin(
        "ge2e", group: .embedding,
        params: [
            Param("e", "utterance embeddings [N, M, D] (N speakers × M utterances), or [N·M, D] grouped by speaker"),
            Param("speakers", default: .none, "N, the number of speakers, for 2-D e"),
            Param("method", default: .string("softmax"), "\"softmax\" or \"contrast\" (the paper's two variants)"),
            Param("w", default: .number(10), "similarity scale (the paper learns it, w > 0; initial 10)"),
            Param("b", default: .number(-5), "similarity bias (the paper learns it; initial −5)"),
            sampleWeightParam,
            reductionParam(over: "the N·M utterances"),
        ],
        summary: "Generalized end-to-end loss for speaker verification: each utterance against every speaker's centroid.",
        formula: "S_ji,k = w·cos(e_ji, c_k) + b,  c_k = mean_m ê_km,  c_j for k = j leaves e_ji out (mean of the other M − 1)\n"
            + "softmax: ℓ_ji = −S_ji,j + log Σ_k exp S_ji,k\n"
            + "contrast: ℓ_ji = 1 − σ(S_ji,j) + max_{k≠j} σ(S_ji,k)",
        reference: "L. Wan, Q. Wang, A. Papir, I. Lopez Moreno 2018, Generalized End-to-End Loss for Speaker Verification "
            + "(ICASSP). No torch counterpart; w and b are arguments here (the paper learns them; grad differentiates them).",
        notes: "M ≥ 2 (the own centroid needs another utterance). Embeddings are L2-normalised first, as the paper's are; "
            + "cosines use normalised centroids (eps 1e-12, so a zero centroid has cosine 0). reduction \"none\" gives "
            + "[N, M] for 3-D e and [N·M] for 2-D e; \"sum\" is the paper's L_G. \"contrast\" needs N ≥ 2. "
            + "grad: with respect to e, w and b (the paper learns w and b).",
        example: "ge2e([[[1, 0], [0.8, 0.2]], [[0, 1], [0.3, 0.9]]])",
        output: "0.00232234",
        impl: { a in
            let method = GE2EMethod(rawValue: try a.choice("method", GE2EMethod.allCases.map(\.rawValue))) ?? .softmax
            return .from(try Losses.ge2e(a.tensor("e"), speakers: a.optionalInt("speakers"), method: method,
                                         w: a.double("w"), b: a.double("b"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.ge2eBackward(a.tensor("e"), speakers: a.optionalInt("speakers"),
                                 method: GE2EMethod(rawValue: try a.string("method")) ?? .softmax,
                                 w: a.double("w"), b: a.double("b"), reduction: lossReduction(a), upstream: g,
                                 wrt: try trackedParams(a, "e", "w", "b"))
        }.withSampleWeight())

    let classParams = [
        Param("x", "features [N, D] (or [D])"),
        Param("W", "class weights [C, D], one row per class"),
        Param("y", "class indices in [0, C), one per row of x"),
    ]
    let marginNotes = rowsNote + " x and the rows of W are L2-normalised (torch F.normalize, eps 1e-12), so cos θ_j = x̂·Ŵ_j; "
        + "the loss is torch's cross_entropy over the scaled logits (class indices are 0-based)."

    r.add(Builtin(
        "arcface", group: .embedding,
        params: classParams + [
            Param("s", default: .number(64), "scale of the logits (hypersphere radius), > 0"),
            Param("m", default: .number(0.5), "additive angular margin in radians, in [0, π)"),
            Param("easy_margin", default: .bool(false), "apply the margin only where cos θ_y > 0"),
            sampleWeightParam,
            reductionParam(over: "the samples (axis 0)"),
        ],
        summary: "ArcFace (additive angular margin): softmax over s·cos θ with the true class's angle enlarged by m.",
        formula: "ℓ = −log( exp(s·φ) / (exp(s·φ) + Σ_{j≠y} exp(s·cos θ_j)) )\n"
            + "φ = cos(θ_y + m) if θ_y + m < π, else cos θ_y − m·sin m;  easy_margin: φ = cos(θ_y + m) if cos θ_y > 0, else cos θ_y",
        reference: "J. Deng, J. Guo, N. Xue, S. Zafeiriou 2019 (arXiv 2018), ArcFace: Additive Angular Margin Loss for Deep "
            + "Face Recognition (CVPR). Same as insightface's legacy `ArcMarginProduct` (as in arcface-pytorch and insightface's earlier "
            + "arcface_torch `ArcFace`) followed by cross-entropy; pytorch-metric-learning `ArcFaceLoss` takes m in degrees "
            + "and has had the same θ_y + m > π fallback since v1.7.0 (October 2022).",
        notes: marginNotes + " The fallback: insightface computes th = cos(π − m) and mm = sin(π − m)·m = m·sin m and uses "
            + "φ = cos θ·cos m − sin θ·sin m = cos(θ + m) only where cos θ_y > th, i.e. θ_y + m < π, and cos θ_y − mm "
            + "elsewhere (so at exactly θ_y + m = π the fallback is used), which is the reference's \"cos θ_y − m·sin m where "
            + "θ_y + m > π\": past π, cos(θ + m) would increase again and reward a worse angle. sin θ = √clamp(1 − cos²θ, 0, 1), "
            + "so cos θ = ±1 stays finite. grad: with respect to x, W and s; where sin θ = 0 the sin θ term's derivative "
            + "is taken as 0 (torch would give inf/nan there).",
        example: "arcface([[1, 0.2], [-0.3, 1]], [[1, 0], [0, 1], [-1, 0]], [0, 1], s: 8, reduction: \"none\")",
        output: "[0.0103754, 0.0357362]",
        impl: { a in
            .from(try Losses.arcface(a.tensor("x"), a.tensor("W"), a.tensor("y"), s: a.double("s"), m: a.double("m"),
                                     easyMargin: a.bool("easy_margin"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.arcfaceBackward(a.tensor("x"), a.tensor("W"), a.tensor("y"), s: a.double("s"), m: a.double("m"),
                                    easyMargin: a.bool("easy_margin"), reduction: lossReduction(a), upstream: g,
                                    wrt: try trackedParams(a, "x", "W", "s", labels: "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "cosface", group: .embedding,
        params: classParams + [
            Param("s", default: .number(64), "scale of the logits, > 0"),
            Param("m", default: .number(0.35), "additive cosine margin subtracted from the true class"),
            sampleWeightParam,
            reductionParam(over: "the samples (axis 0)"),
        ],
        summary: "CosFace (large margin cosine loss): softmax over s·cos θ with m subtracted from the true class's cosine.",
        formula: "ℓ = −log( exp(s·(cos θ_y − m)) / (exp(s·(cos θ_y − m)) + Σ_{j≠y} exp(s·cos θ_j)) )",
        reference: "H. Wang, Y. Wang, Z. Zhou, X. Ji, D. Gong, J. Zhou, Z. Li, W. Liu 2018, CosFace: Large Margin Cosine Loss "
            + "for Deep Face Recognition (CVPR). Same as insightface `CosFace` (default m 0.4 there) followed by "
            + "cross-entropy; also called AM-Softmax (Wang, Cheng, Liu, Liu 2018).",
        notes: marginNotes + " grad: with respect to x, W and s.",
        example: "cosface([[1, 0.2], [-0.3, 1]], [[1, 0], [0, 1], [-1, 0]], [0, 1], s: 8, reduction: \"none\")",
        output: "[0.0304731, 0.0749084]",
        impl: { a in
            .from(try Losses.cosface(a.tensor("x"), a.tensor("W"), a.tensor("y"), s: a.double("s"), m: a.double("m"),
                                     reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.cosfaceBackward(a.tensor("x"), a.tensor("W"), a.tensor("y"), s: a.double("s"), m: a.double("m"),
                                    reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "x", "W", "s", labels: "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "sphereface", group: .embedding,
        params: classParams + [
            Param("m", default: .number(4), "multiplicative angular margin, an integer ≥ 1 (m = 1: normalised-weight softmax)"),
            sampleWeightParam,
            reductionParam(over: "the samples (axis 0)"),
        ],
        summary: "SphereFace A-Softmax: softmax over ‖x‖·cos θ with the true class's angle multiplied by m.",
        formula: "ℓ = −log( exp(‖x‖·ψ(θ_y)) / (exp(‖x‖·ψ(θ_y)) + Σ_{j≠y} exp(‖x‖·cos θ_j)) )\n"
            + "ψ(θ) = (−1)^k cos(mθ) − 2k for θ ∈ [kπ/m, (k+1)π/m], k = 0…m−1",
        reference: "W. Liu, Y. Wen, Z. Yu, M. Li, B. Raj, L. Song 2017, SphereFace: Deep Hypersphere Embedding for Face "
            + "Recognition (CVPR). Matches sphereface_pytorch `AngleLinear` + `AngleLoss` at λ = 0: the training recipes "
            + "blend the target logit as (λ·cos θ_y + ψ(θ_y))/(1 + λ), annealing λ down to a minimum of 5, which is not done here.",
        notes: rowsNote + " The rows of W are L2-normalised, x is not (its norm scales the logits); cos mθ is the "
            + "Chebyshev polynomial T_m(cos θ), as in the paper's implementation. grad: with respect to x and W, with k "
            + "held constant (as the reference implementation, which detaches θ).",
        example: "sphereface([[2, 0.5], [-0.3, 1]], [[1, 0], [0, 1], [-1, 0]], [0, 1], reduction: \"none\")",
        output: "[0.44837, 0.86946]",
        impl: { a in
            .from(try Losses.sphereface(a.tensor("x"), a.tensor("W"), a.tensor("y"), m: a.int("m"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.spherefaceBackward(a.tensor("x"), a.tensor("W"), a.tensor("y"), m: a.int("m"), reduction: lossReduction(a),
                                       upstream: g, wrt: try trackedParams(a, "x", "W", labels: "y"))
        }.withSampleWeight())

    r.add(Builtin(
        "center_loss", group: .embedding,
        params: [
            Param("x", "features [N, D] (or [D])"),
            Param("centers", "class centers [C, D], one row per class"),
            Param("y", "class indices in [0, C), one per row of x"),
            sampleWeightParam,
            reductionParam(over: "the samples (axis 0)"),
        ],
        summary: "Center loss: half the squared distance of each feature to its class center.",
        formula: "ℓ_i = ½‖x_i − c_{y_i}‖²",
        reference: "Y. Wen, K. Zhang, Z. Li, Y. Qiao 2016, A Discriminative Feature Learning Approach for Deep Face Recognition "
            + "(ECCV). \"sum\" is the paper's L_C = ½ Σ_i ‖x_i − c_{y_i}‖²; the popular PyTorch port (KaiyangZhou) reports "
            + "Σ‖x − c‖² / N without the ½ and clamps each distance to [1e-12, 1e12].",
        notes: rowsNote + " It is used next to a softmax loss (weight λ); the centers are given here, not updated "
            + "(the paper moves them towards the class means with rate α). grad: with respect to x and centers.",
        example: "center_loss([[1, 2], [0, 1]], [[1, 1], [0, 0]], [0, 1])",
        output: "0.5",
        impl: { a in
            .from(try Losses.centerLoss(a.tensor("x"), a.tensor("centers"), a.tensor("y"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.centerLossBackward(a.tensor("x"), a.tensor("centers"), a.tensor("y"), reduction: lossReduction(a),
                                       upstream: g, wrt: try trackedParams(a, "x", "centers", labels: "y"))
        }.withSampleWeight())
}
