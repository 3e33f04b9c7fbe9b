import LossCore

// docs/reference.md §4.4: segmentation losses, one value per sample: sums over every axis but
// the batch axis (axis 0); a vector is one sample.

private let sampleNotes = """
    p and g have the same shape and hold values in [0, 1] (p: probabilities, g: masks or soft labels). \
    The sums run over every axis but the batch axis: [N, C, H, W] gives N values (channels are summed \
    together); a vector is one sample and gives one number whatever the reduction.
    """

/// `axis:` and `include_background:` of dice, dice_score and tversky (docs/reference.md §4.6).
private let channelAxisParams = [
    Param("axis", default: .none, "none: one value per sample, channels summed; the channel axis (1 for [N, C, H, W]): one value per sample and channel, as MONAI"),
    Param("include_background", default: .bool(true), "with axis: false leaves channel 0 of the channel axis out (MONAI include_background=False)"),
]

/// How the channel axis works, for the notes.
private let channelAxisNote = " With axis: k (p [N, C, …] for k = 1; any axis but the batch axis 0, negative counting from the end) "
    + "the sums run over the other axes but the batch axis, one value per sample and channel: \"none\" gives [N, C] "
    + "(MONAI: [N, C, 1, …]), \"mean\" averages over both, \"sum\" adds them; include_background: false drops channel 0 "
    + "first (an error without axis: or with one channel; MONAI ignores it there with a warning). For masks from class "
    + "indices y [N, H, W] use onehot(y, C, axis: 1) (MONAI to_onehot_y / one_hot(…, dim=1)); for logits, softmax(x, axis: 1) "
    + "or sigmoid(x) first (MONAI softmax=True / sigmoid=True)."

func installSegmentationLosses(_ r: Registry) {
    let diceParams = [
        Param("p", "predicted probabilities in [0, 1]"),
        Param("g", "ground truth in [0, 1], the shape of p"),
        Param("smooth", default: .number(0), "added to numerator and denominator (≥ 0)"),
        Param("squared", default: .bool(true), "true: Σp² + Σg² in the denominator (V-Net); false: Σp + Σg"),
    ] + channelAxisParams + [
        sampleWeightParam,
        reductionParam(over: "the samples (axis 0)"),
    ]
    r.add(Builtin(
        "dice", group: .segmentation, params: diceParams,
        summary: "Dice loss: 1 − the Dice coefficient of prediction and ground truth, per sample (per sample and channel with axis:).",
        formula: "ℓ = 1 − (2Σpg + smooth) / (Σp² + Σg² + smooth)   (squared: false → Σp + Σg)",
        reference: "F. Milletari, N. Navab, S.-A. Ahmadi 2016, V-Net: Fully Convolutional Neural Networks for Volumetric "
            + "Medical Image Segmentation (3DV). MONAI `DiceLoss` differs: squared_pred false, smooth 1e-5 by default, "
            + "one Dice per sample and channel averaged over both (without axis: here channels are summed into one Dice per "
            + "sample). MONAI's defaults, `DiceLoss()(p, g)` on p, g [N, C, …], are dice(p, g, axis: 1, smooth: 1e-5, squared: false); "
            + "`DiceLoss(include_background=False, squared_pred=True, smooth_nr=s, smooth_dr=s, reduction=r)` is "
            + "dice(p, g, axis: 1, include_background: false, squared: true, smooth: s, reduction: r) (MONAI's smooth_nr and "
            + "smooth_dr must be equal: smooth is added to both).",
        notes: sampleNotes + " An all-zero prediction and target (nothing to find, nothing found) give loss 0 (MONAI with "
            + "smooth 0: nan)." + channelAxisNote,
        example: "dice([[[0.9, 0.8, 0.1], [0.2, 0.1, 0.9]]], [[[1, 1, 0], [0, 0, 1]]], axis: 1, reduction: \"none\")",
        output: "1×2 tensor\n 0.017341  0.0322581",
        impl: { a in
            .from(try Losses.dice(a.tensor("p"), a.tensor("g"), smooth: a.double("smooth"), squared: a.bool("squared"),
                                  axis: a.optionalInt("axis"), includeBackground: a.bool("include_background"),
                                  reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.diceBackward(a.tensor("p"), a.tensor("g"), smooth: a.double("smooth"), squared: a.bool("squared"),
                                    axis: a.optionalInt("axis"), includeBackground: a.bool("include_background"),
                                    reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "p", "g"))
        }.withSampleWeight())

    r.add(Builtin(
        "dice_score", group: .segmentation, params: diceParams,
        summary: "The Dice coefficient (Sørensen–Dice) of prediction and ground truth, per sample; 1 is perfect overlap.",
        formula: "D = (2Σpg + smooth) / (Σp² + Σg² + smooth)   (squared: false → Σp + Σg)",
        reference: "L. R. Dice 1945, Measures of the Amount of Ecologic Association Between Species (Ecology); "
            + "T. Sørensen 1948. Soft form of Milletari et al. 2016 (V-Net). MONAI `DiceMetric` thresholds first.",
        notes: sampleNotes + " dice_score == 1 − dice; an all-zero prediction and target give 1." + channelAxisNote,
        example: "dice_score([0.9, 0.8, 0.1, 0.2], [1, 1, 0, 0])", output: "0.971429",
        impl: { a in
            .from(try Losses.diceScore(a.tensor("p"), a.tensor("g"), smooth: a.double("smooth"), squared: a.bool("squared"),
                                       axis: a.optionalInt("axis"), includeBackground: a.bool("include_background"),
                                       reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.diceScoreBackward(a.tensor("p"), a.tensor("g"), smooth: a.double("smooth"), squared: a.bool("squared"),
                                         axis: a.optionalInt("axis"), includeBackground: a.bool("include_background"),
                                         reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "p", "g"))
        }.withSampleWeight())

    r.add(Builtin(
        "tversky", group: .segmentation,
        params: [
            Param("p", "predicted probabilities in [0, 1]"),
            Param("g", "ground truth in [0, 1], the shape of p"),
            Param("alpha", default: .number(0.5), "weight of the false positives Σp(1−g) (≥ 0)"),
            Param("beta", default: .number(0.5), "weight of the false negatives Σ(1−p)g (≥ 0)"),
            Param("smooth", default: .number(0), "added to the denominator (≥ 0)"),
        ] + channelAxisParams + [
            sampleWeightParam,
            reductionParam(over: "the samples (axis 0)"),
        ],
        summary: "Tversky loss: a Dice loss that weighs false positives (α) and false negatives (β) separately.",
        formula: "ℓ = 1 − Σpg / (Σpg + α Σp(1−g) + β Σ(1−p)g + smooth)",
        reference: "S. S. M. Salehi, D. Erdogmus, A. Gholipour 2017, Tversky loss function for image segmentation using 3D "
            + "fully convolutional deep networks (MLMI). MONAI `TverskyLoss` adds smooth (1e-5) to the numerator too and "
            + "scores each channel separately: `TverskyLoss(alpha=α, beta=β, smooth_nr=0, smooth_dr=s)` on [N, C, …] is "
            + "tversky(p, g, alpha: α, beta: β, smooth: s, axis: 1).",
        notes: sampleNotes + " α = β = ½ is the Dice loss with squared: false; α = β = 1 is the soft Jaccard (IoU) loss; "
            + "β > α penalises missed foreground more (small lesions). smooth is added to the denominator only (docs/reference.md §4.4); "
            + "a zero denominator (e.g. all-zero p and g with smooth 0) gives loss 0 (MONAI: nan)." + channelAxisNote,
        example: "tversky([0.9, 0.8, 0.1, 0.2], [1, 1, 0, 0], alpha: 0.3, beta: 0.7)", output: "0.15",
        impl: { a in
            .from(try Losses.tversky(a.tensor("p"), a.tensor("g"), alpha: a.double("alpha"), beta: a.double("beta"),
                                     smooth: a.double("smooth"), axis: a.optionalInt("axis"),
                                     includeBackground: a.bool("include_background"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.tverskyBackward(a.tensor("p"), a.tensor("g"), alpha: a.double("alpha"), beta: a.double("beta"),
                                       smooth: a.double("smooth"), axis: a.optionalInt("axis"),
                                       includeBackground: a.bool("include_background"), reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "p", "g"))
        }.withSampleWeight())
}
