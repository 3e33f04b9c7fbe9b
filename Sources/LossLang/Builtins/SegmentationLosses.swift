import LossCore

// docs/reference.md §4.4: segmentation losses, one value per sample: sums over every axis but
// the batch axis (axis 0); a vector is one sample.

private let sampleNotes = """
    p and g have the same shape and hold values in [0, 1] (p: probabilities, g: masks or soft labels). \
    The sums run over every axis but the batch axis: [N, C, H, W] gives N values (channels are summed \
    together); a vector is one sample and gives one number whatever the reduction.
    """

func installSegmentationLosses(_ r: Registry) {
    let diceParams = [
        Param("p", "predicted probabilities in [0, 1]"),
        Param("g", "ground truth in [0, 1], the shape of p"),
        Param("smooth", default: .number(0), "added to numerator and denominator (≥ 0)"),
        Param("squared", default: .bool(true), "true: Σp² + Σg² in the denominator (V-Net); false: Σp + Σg"),
        sampleWeightParam,
        reductionParam(over: "the samples (axis 0)"),
    ]
    r.add(Builtin(
        "dice", group: .segmentation, params: diceParams,
        summary: "Dice loss: 1 − the Dice coefficient of prediction and ground truth, per sample.",
        formula: "ℓ = 1 − (2Σpg + smooth) / (Σp² + Σg² + smooth)   (squared: false → Σp + Σg)",
        reference: "F. Milletari, N. Navab, S.-A. Ahmadi 2016, V-Net: Fully Convolutional Neural Networks for Volumetric "
            + "Medical Image Segmentation (3DV). MONAI `DiceLoss` differs: squared_pred false, smooth 1e-5 by default, "
            + "one Dice per sample and channel averaged over both (here channels are summed into one Dice per sample).",
        notes: sampleNotes + " An all-zero prediction and target (nothing to find, nothing found) give loss 0.",
        example: "dice([[0.9, 0.8, 0.1], [0.2, 0.1, 0.9]], [[1, 1, 0], [0, 0, 1]], reduction: \"none\")",
        output: "[0.017341, 0.0322581]",
        impl: { a in
            .from(try Losses.dice(a.tensor("p"), a.tensor("g"), smooth: a.double("smooth"), squared: a.bool("squared"),
                                  reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.diceBackward(a.tensor("p"), a.tensor("g"), smooth: a.double("smooth"), squared: a.bool("squared"),
                                    reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "p", "g"))
        }.withSampleWeight())

    r.add(Builtin(
        "dice_score", group: .segmentation, params: diceParams,
        summary: "The Dice coefficient (Sørensen–Dice) of prediction and ground truth, per sample; 1 is perfect overlap.",
        formula: "D = (2Σpg + smooth) / (Σp² + Σg² + smooth)   (squared: false → Σp + Σg)",
        reference: "L. R. Dice 1945, Measures of the Amount of Ecologic Association Between Species (Ecology); "
            + "T. Sørensen 1948. Soft form of Milletari et al. 2016 (V-Net). MONAI `DiceMetric` thresholds first.",
        notes: sampleNotes + " dice_score == 1 − dice; an all-zero prediction and target give 1.",
        example: "dice_score([0.9, 0.8, 0.1, 0.2], [1, 1, 0, 0])", output: "0.971429",
        impl: { a in
            .from(try Losses.diceScore(a.tensor("p"), a.tensor("g"), smooth: a.double("smooth"), squared: a.bool("squared"),
                                       reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.diceScoreBackward(a.tensor("p"), a.tensor("g"), smooth: a.double("smooth"), squared: a.bool("squared"),
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
            sampleWeightParam,
            reductionParam(over: "the samples (axis 0)"),
        ],
        summary: "Tversky loss: a Dice loss that weighs false positives (α) and false negatives (β) separately.",
        formula: "ℓ = 1 − Σpg / (Σpg + α Σp(1−g) + β Σ(1−p)g + smooth)",
        reference: "S. S. M. Salehi, D. Erdogmus, A. Gholipour 2017, Tversky loss function for image segmentation using 3D "
            + "fully convolutional deep networks (MLMI). MONAI `TverskyLoss` adds smooth (1e-5) to the numerator too and "
            + "scores each channel separately.",
        notes: sampleNotes + " α = β = ½ is the Dice loss with squared: false; α = β = 1 is the soft Jaccard (IoU) loss; "
            + "β > α penalises missed foreground more (small lesions). smooth is added to the denominator only (docs/reference.md §4.4); "
            + "a zero denominator (e.g. all-zero p and g with smooth 0) gives loss 0.",
        example: "tversky([0.9, 0.8, 0.1, 0.2], [1, 1, 0, 0], alpha: 0.3, beta: 0.7)", output: "0.15",
        impl: { a in
            .from(try Losses.tversky(a.tensor("p"), a.tensor("g"), alpha: a.double("alpha"), beta: a.double("beta"),
                                     smooth: a.double("smooth"), reduction: lossReduction(a)))
        }).withBackward { a, _, g in
            try Losses.tverskyBackward(a.tensor("p"), a.tensor("g"), alpha: a.double("alpha"), beta: a.double("beta"),
                                       smooth: a.double("smooth"), reduction: lossReduction(a), upstream: g, wrt: try trackedParams(a, "p", "g"))
        }.withSampleWeight())
}
