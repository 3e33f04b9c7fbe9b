/// "Coming from PyTorch / Keras / optax": another library's loss call, and the `loss` expression
/// that gives the same number. Every row is checked: Scripts/gen_fixtures_porting.py runs the other
/// library on fixed inputs (Tests/LossLangTests/Fixtures/porting.json) and PortingTests evaluates
/// `ours` on them. `help(name)` lists the rows that use a built-in; docs/coming-from.md is generated
/// from them (`loss --porting-table`, Scripts/update_readme.py).
public struct PortingRow {
    /// The fixture key.
    public let id: String
    public let library: String
    /// Their call, with the inputs named as in `ours`.
    public let theirs: String
    /// The `loss` expression over the same names.
    public let ours: String
    /// Why the expression is not just the obvious call, when it is not.
    public let note: String

    init(_ id: String, _ library: String, _ theirs: String, _ ours: String, _ note: String = "") {
        self.id = id; self.library = library; self.theirs = theirs; self.ours = ours; self.note = note
    }

    /// The built-ins `ours` calls, in order of appearance (identifiers followed by "(").
    public func calledNames(_ r: Registry) -> [String] {
        var names: [String] = [], word = ""
        for ch in ours + " " {
            if ch.isLetter || ch.isNumber || ch == "_" { word.append(ch); continue }
            if ch == "(", let b = r[word], !names.contains(b.name) { names.append(b.name) }
            word = ""
        }
        return names
    }
}

public enum Porting {
    /// Library names, in the order of the page.
    public static let libraries = ["PyTorch", "torchvision", "Keras", "optax", "sentence-transformers",
                                   "pytorch-metric-learning", "MONAI", "segmentation-models-pytorch", "SciPy", "scikit-learn"]

    static let kerasClip = "Keras clips probabilities to [1e-7, 1 − 1e-7] (its epsilon(), also in float64); `loss` does not clip (logs are clamped at −100, as torch)"

    public static let rows: [PortingRow] = [
        // PyTorch: the same conventions by design
        PortingRow("torch.bce", "PyTorch", "F.binary_cross_entropy(p, y)", "bce(p, y)"),
        PortingRow("torch.bce_logits", "PyTorch", "F.binary_cross_entropy_with_logits(x, y, pos_weight=w)", "bce(x, y, pos_weight: w, logits: true)"),
        PortingRow("torch.cross_entropy", "PyTorch", "F.cross_entropy(x, t)", "cross_entropy(x, t, logits: true)",
                   "torch takes raw scores; `loss` takes probabilities unless logits: true"),
        PortingRow("torch.cross_entropy_options", "PyTorch", "F.cross_entropy(x, t, weight=w, label_smoothing=0.1)",
                   "cross_entropy(x, t, weight: w, label_smoothing: 0.1, logits: true)"),
        PortingRow("torch.cross_entropy_segmentation", "PyTorch", "F.cross_entropy(x, t)  # x [N, C, H, W], t [N, H, W]",
                   "cross_entropy(x, t, logits: true, axis: 1)", "torch's class axis is 1: axis: 1"),
        PortingRow("torch.cross_entropy_soft", "PyTorch", "F.cross_entropy(x, q)  # q: class probabilities", "cross_entropy(x, q, logits: true)"),
        PortingRow("torch.nll", "PyTorch", "F.nll_loss(logp, t)", "nll(logp, t)"),
        PortingRow("torch.kl_div", "PyTorch", "F.kl_div(q.log(), p, reduction=\"batchmean\")", "mean(kl(p, q))",
                   "torch's arguments are (log q, p): the order is reversed, and kl gives one value per row"),
        PortingRow("torch.kl_div_log_target", "PyTorch", "F.kl_div(lq, lp, reduction=\"batchmean\", log_target=True)", "mean(kl(lp, lq, log: true))"),
        PortingRow("torch.mse", "PyTorch", "F.mse_loss(pred, y)", "mse(pred, y)"),
        PortingRow("torch.l1", "PyTorch", "F.l1_loss(pred, y)", "mae(pred, y)"),
        PortingRow("torch.huber", "PyTorch", "F.huber_loss(pred, y, delta=0.7)", "huber(pred, y, delta: 0.7)"),
        PortingRow("torch.smooth_l1", "PyTorch", "F.smooth_l1_loss(pred, y, beta=0.7)", "smooth_l1(pred, y, beta: 0.7)"),
        PortingRow("torch.poisson_nll", "PyTorch", "F.poisson_nll_loss(x, y)", "poisson_nll(x, y)"),
        PortingRow("torch.gaussian_nll", "PyTorch", "F.gaussian_nll_loss(mu, y, var)", "gaussian_nll(mu, y, var)"),
        PortingRow("torch.margin_ranking", "PyTorch", "F.margin_ranking_loss(a, b, t, margin=0.5)", "margin_ranking(a, b, t, margin: 0.5)"),
        PortingRow("torch.cosine_embedding", "PyTorch", "F.cosine_embedding_loss(a, b, t, margin=0.2)", "cosine_embedding(a, b, t, margin: 0.2)"),
        PortingRow("torch.triplet", "PyTorch", "F.triplet_margin_loss(a, p, n)", "triplet(a, p, n)"),
        PortingRow("torch.triplet_cosine", "PyTorch",
                   "nn.TripletMarginWithDistanceLoss(distance_function=lambda u, v: 1 - F.cosine_similarity(u, v), margin=0.5)(a, p, n)",
                   "triplet(a, p, n, distance: \"cosine\", margin: 0.5)"),
        PortingRow("torch.multi_margin", "PyTorch", "F.multi_margin_loss(x, t)", "multiclass_hinge(x, t) / shape(x)[-1]",
                   "torch's multi-class hinge is Weston–Watkins divided by the number of classes; multiclass_hinge does not divide"),
        PortingRow("torch.hinge_embedding", "PyTorch", "F.hinge_embedding_loss(x, y)", "hinge_embedding(x, y)"),
        PortingRow("torch.soft_margin", "PyTorch", "F.soft_margin_loss(x, y)", "soft_margin(x, y)"),
        PortingRow("torch.multilabel_soft_margin", "PyTorch", "F.multilabel_soft_margin_loss(x, y)", "multilabel_soft_margin(x, y)"),
        PortingRow("torch.multilabel_margin", "PyTorch", "F.multilabel_margin_loss(x, y)", "multilabel_margin(x, y)"),
        PortingRow("torch.ctc", "PyTorch", "F.ctc_loss(lp, tg, il, tl)", "ctc(lp, tg, il, tl)"),
        PortingRow("torchvision.sigmoid_focal_loss", "torchvision", "sigmoid_focal_loss(x, y, alpha=0.25, gamma=2, reduction=\"mean\")",
                   "focal(x, y, alpha: 0.25, gamma: 2, logits: true)"),

        // Keras: clipping, and per-sample means over the last axis (which equal the element mean)
        PortingRow("keras.binary_crossentropy", "Keras", "BinaryCrossentropy()(y, p)", "bce(clamp(p, 1e-7, 1 - 1e-7), y)", kerasClip),
        PortingRow("keras.binary_crossentropy_smoothing", "Keras", "BinaryCrossentropy(label_smoothing=0.2)(y, p)",
                   "bce(clamp(p, 1e-7, 1 - 1e-7), y, label_smoothing: 0.2)", kerasClip),
        PortingRow("keras.binary_crossentropy_logits", "Keras", "BinaryCrossentropy(from_logits=True)(y, x)", "bce(x, y, logits: true)"),
        PortingRow("keras.categorical_crossentropy", "Keras", "CategoricalCrossentropy()(Y, P)",
                   "cross_entropy(clamp(P / sum(P, axis: -1, keepdims: true), 1e-7, 1 - 1e-7), Y)",
                   "Keras rescales each row of P to sum to 1, then clips; `loss` takes P as given"),
        PortingRow("keras.sparse_categorical_crossentropy_logits", "Keras", "SparseCategoricalCrossentropy(from_logits=True)(t, x)",
                   "cross_entropy(x, t, logits: true)"),
        PortingRow("keras.categorical_crossentropy_logits_smoothing", "Keras",
                   "CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)(one_hot(t), x)",
                   "cross_entropy(x, t, label_smoothing: 0.1, logits: true)"),
        PortingRow("keras.mean_squared_error", "Keras", "MeanSquaredError()(y, pred)", "mse(pred, y)",
                   "Keras' arguments are (y_true, y_pred): the order is reversed"),
        PortingRow("keras.mean_absolute_error", "Keras", "MeanAbsoluteError()(y, pred)", "mae(pred, y)"),
        PortingRow("keras.huber", "Keras", "Huber(delta=0.5)(y, pred)", "huber(pred, y, delta: 0.5)"),
        PortingRow("keras.log_cosh", "Keras", "LogCosh()(y, pred)", "log_cosh(pred, y)"),
        PortingRow("keras.msle", "Keras", "MeanSquaredLogarithmicError()(y, pred)", "msle(pred, y)"),
        PortingRow("keras.mape", "Keras", "MeanAbsolutePercentageError()(y, pred)", "mape(pred, y)"),
        PortingRow("keras.poisson", "Keras", "Poisson()(y, rate)", "poisson_nll(rate, y, log_input: false, eps: 1e-7)",
                   "Keras' Poisson takes the rate itself and adds 1e-7 inside the log"),
        PortingRow("keras.kl_divergence", "Keras", "KLDivergence()(p, q)", "mean(kl(clamp(p, 1e-7, 1), clamp(q, 1e-7, 1)))",
                   "Keras clips both distributions to [1e-7, 1] (a zero of p then counts as 1e-7)"),
        PortingRow("keras.hinge", "Keras", "Hinge()(y, s)", "hinge(s, y)"),
        PortingRow("keras.squared_hinge", "Keras", "SquaredHinge()(y, s)", "squared_hinge(s, y)"),
        PortingRow("keras.categorical_hinge", "Keras", "CategoricalHinge()(Y, s)",
                   "mean(relu(1 + max(s * (1 - Y), axis: -1) - sum(s * Y, axis: -1)))",
                   "Keras' \"worst wrong class\" is max((1 − Y)·s), which counts the true class as 0: it differs from "
                   + "multiclass_hinge(s, t, variant: \"crammer_singer\") when every wrong score is negative"),
        PortingRow("keras.binary_focal_crossentropy_logits", "Keras", "BinaryFocalCrossentropy(gamma=2, from_logits=True)(y, x)",
                   "focal(x, y, gamma: 2, logits: true)"),
        PortingRow("keras.dice", "Keras", "Dice()(g, p)", "1 - 2 * sum(p * g) / (sum(p) + sum(g) + 1e-7)",
                   "Keras' Dice is one Dice over the whole batch with 1e-7 in the denominator only; dice(flatten(p), flatten(g), squared: false) differs by that 1e-7"),
        PortingRow("keras.tversky", "Keras", "Tversky(alpha=0.3, beta=0.7)(g, p)",
                   "1 - sum(p * g) / (sum(p * g) + 0.3 * sum((1 - p) * g) + 0.7 * sum(p * (1 - g)) + 1e-7)",
                   "Keras' Tversky is one index over the whole batch with 1e-7 in the denominator only"),
        PortingRow("keras.cosine_similarity", "Keras", "CosineSimilarity()(y, pred)", "-mean(cosine(pred, y))",
                   "Keras' \"loss\" is the negated mean cosine similarity"),
        PortingRow("keras.mean_squared_error_sample_weight", "Keras", "MeanSquaredError()(y, pred, sample_weight=sw)",
                   "mse(pred, y, sample_weight: sw)", "sample_weight: one weight per row; \"mean\" divides by the number of samples, as Keras"),
        PortingRow("keras.binary_crossentropy_logits_sample_weight", "Keras", "BinaryCrossentropy(from_logits=True)(y, x, sample_weight=sw)",
                   "bce(x, y, logits: true, sample_weight: sw)"),
        PortingRow("keras.sparse_categorical_crossentropy_sample_weight", "Keras",
                   "SparseCategoricalCrossentropy(from_logits=True)(t, x, sample_weight=sw)", "cross_entropy(x, t, logits: true, sample_weight: sw)"),
        PortingRow("keras.binary_focal_crossentropy_smoothing", "Keras",
                   "BinaryFocalCrossentropy(gamma=2, from_logits=True, label_smoothing=0.1)(y, x)",
                   "focal(x, y, gamma: 2, logits: true, label_smoothing: 0.1)"),
        PortingRow("keras.categorical_focal_crossentropy_smoothing", "Keras",
                   "CategoricalFocalCrossentropy(alpha=0.25, gamma=2, from_logits=True, label_smoothing=0.1)(one_hot(t), x)",
                   "focal(x, t, alpha: 0.25, gamma: 2, logits: true, label_smoothing: 0.1)"),

        // optax: per-example values (no reduction)
        PortingRow("optax.sigmoid_binary_cross_entropy", "optax", "sigmoid_binary_cross_entropy(x, y)", "bce(x, y, logits: true, reduction: \"none\")",
                   "optax returns per-element values: reduction: \"none\""),
        PortingRow("optax.sigmoid_focal_loss", "optax", "sigmoid_focal_loss(x, y, alpha=0.25, gamma=2)",
                   "focal(x, y, alpha: 0.25, gamma: 2, logits: true, reduction: \"none\")"),
        PortingRow("optax.softmax_cross_entropy", "optax", "softmax_cross_entropy(x, q)", "cross_entropy(x, q, logits: true, reduction: \"none\")"),
        PortingRow("optax.softmax_cross_entropy_with_integer_labels", "optax", "softmax_cross_entropy_with_integer_labels(x, t)",
                   "cross_entropy(x, t, logits: true, reduction: \"none\")"),
        PortingRow("optax.poly_loss_cross_entropy", "optax", "poly_loss_cross_entropy(x, one_hot(t), epsilon=2)",
                   "poly1(x, t, epsilon: 2, logits: true, reduction: \"none\")",
                   "give poly1 class indices: a target of x's shape is read as binary labels per element"),
        PortingRow("optax.multiclass_hinge_loss", "optax", "multiclass_hinge_loss(s, t)",
                   "multiclass_hinge(s, t, variant: \"crammer_singer\", reduction: \"none\")"),
        PortingRow("optax.multiclass_sparsemax_loss", "optax", "multiclass_sparsemax_loss(s, t)", "sparsemax_loss(s, t, reduction: \"none\")"),
        PortingRow("optax.projection_simplex", "optax", "vmap(projection_simplex)(x)", "sparsemax(x)"),
        PortingRow("optax.huber_loss", "optax", "huber_loss(pred, y, delta=0.5)", "huber(pred, y, delta: 0.5, reduction: \"none\")"),
        PortingRow("optax.l2_loss", "optax", "l2_loss(pred, y)", "0.5 * mse(pred, y, reduction: \"none\")", "optax's l2_loss has a factor ½"),
        PortingRow("optax.squared_error", "optax", "squared_error(pred, y)", "mse(pred, y, reduction: \"none\")"),
        PortingRow("optax.log_cosh", "optax", "log_cosh(pred, y)", "log_cosh(pred, y, reduction: \"none\")"),
        PortingRow("optax.hinge_loss", "optax", "hinge_loss(s, y)", "hinge(s, y, reduction: \"none\")"),
        PortingRow("optax.kl_divergence", "optax", "kl_divergence(log(q), p)", "kl(p, q)", "optax's arguments are (log q, p)"),
        PortingRow("optax.kl_divergence_with_log_targets", "optax", "kl_divergence_with_log_targets(lq, lp)", "kl(lp, lq, log: true)"),
        PortingRow("optax.convex_kl_divergence", "optax", "convex_kl_divergence(log(q), p)", "kl(p, q) + sum(q - p, axis: -1)"),
        PortingRow("optax.triplet_margin_loss", "optax", "triplet_margin_loss(a, p, n)",
                   "relu(sqrt(sum((a - p)^2, axis: -1) + 1e-6) - sqrt(sum((a - n)^2, axis: -1) + 1e-6) + 1)",
                   "optax adds its eps 1e-6 under the square root; torch, and triplet, add it to each difference a − p"),
        PortingRow("optax.ntxent", "optax", "ntxent(concatenate([z1, z2]), tile(arange(N), 2), temperature=0.5)",
                   "ntxent(z1, z2, temperature: 0.5)",
                   "with SimCLR's pair labels; with several positives per anchor optax scores each positive against the negatives "
                   + "only (as pytorch-metric-learning's NTXentLoss), which differs from supcon"),
        PortingRow("optax.cosine_distance", "optax", "cosine_distance(pred, y)", "1 - cosine(pred, y)"),

        // sentence-transformers (losses on the model's embeddings a, b, p, n)
        PortingRow("st.CoSENTLoss", "sentence-transformers", "CoSENTLoss(model)", "cosent(a, b, s)"),
        PortingRow("st.MultipleNegativesRankingLoss", "sentence-transformers", "MultipleNegativesRankingLoss(model)", "mnr(a, p)"),
        PortingRow("st.MultipleNegativesRankingLoss_hard", "sentence-transformers", "MultipleNegativesRankingLoss(model)  # (anchor, positive, negative)",
                   "mnr(a, p, negatives: n)"),
        PortingRow("st.MultipleNegativesSymmetricRankingLoss", "sentence-transformers", "MultipleNegativesSymmetricRankingLoss(model)",
                   "mnr(a, p, symmetric: true)"),
        PortingRow("st.CosineSimilarityLoss", "sentence-transformers", "CosineSimilarityLoss(model)", "mse(cosine(a, b), s)",
                   "sentence-transformers rounds the scores s to float32 first"),
        PortingRow("st.ContrastiveLoss", "sentence-transformers", "ContrastiveLoss(model)",
                   "contrastive(a, b, y, margin: 0.5, similar: 1, distance: \"cosine\")",
                   "sentence-transformers marks similar pairs with 1 and uses the cosine distance with margin 0.5"),
        PortingRow("st.TripletLoss", "sentence-transformers", "TripletLoss(model)", "mean(relu(norm(a - p, axis: -1) - norm(a - n, axis: -1) + 5))",
                   "its Euclidean distance has no eps; triplet(a, p, n, margin: 5) adds torch's 1e-6 to each difference"),

        // pytorch-metric-learning
        PortingRow("pml.SupConLoss", "pytorch-metric-learning", "SupConLoss(temperature=0.1)(z, labels)", "supcon(z, labels)"),
        PortingRow("pml.CircleLoss", "pytorch-metric-learning", "CircleLoss(m=0.4, gamma=80)(z, labels)", "circle(z, labels)"),
        PortingRow("pml.NTXentLoss", "pytorch-metric-learning", "NTXentLoss(temperature=0.5)(cat([z1, z2]), arange(N).repeat(2))",
                   "ntxent(z1, z2, temperature: 0.5)"),
        PortingRow("pml.SupConLoss_two_views", "pytorch-metric-learning", "SupConLoss(temperature=0.1)(cat([z1, z2]), cat([labels, labels]))",
                   "ntxent(z1, z2, labels: labels, temperature: 0.1)"),
        PortingRow("pml.ArcFaceLoss", "pytorch-metric-learning", "ArcFaceLoss(C, D, margin=28.6, scale=64)(x, y)  # W = loss.W.T",
                   "arcface(x, W, y, s: 64, m: 28.6 * pi / 180)", "pytorch-metric-learning's margin is in degrees and its W is [D, C]"),
        PortingRow("pml.CosFaceLoss", "pytorch-metric-learning", "CosFaceLoss(C, D, margin=0.35, scale=64)(x, y)  # W = loss.W.T",
                   "cosface(x, W, y, s: 64, m: 0.35)"),

        // MONAI, segmentation-models-pytorch
        PortingRow("monai.DiceLoss", "MONAI", "DiceLoss()(p, g)  # [N, C, H, W]", "dice(p, g, axis: 1, smooth: 1e-5, squared: false)",
                   "MONAI computes one Dice per sample and channel (smooth 1e-5, no squares) and averages them"),
        PortingRow("monai.DiceLoss_no_background", "MONAI", "DiceLoss(include_background=False, squared_pred=True)(p, g)",
                   "dice(p, g, axis: 1, include_background: false, smooth: 1e-5)"),
        PortingRow("monai.DiceLoss_to_onehot", "MONAI", "DiceLoss(to_onehot_y=True)(p, labels)  # labels [N, 1, H, W]",
                   "dice(p, onehot(squeeze(labels, axis: 1), shape(p)[1], axis: 1), axis: 1, smooth: 1e-5, squared: false)"),
        PortingRow("smp.DiceLoss_binary", "segmentation-models-pytorch", "DiceLoss(mode=\"binary\", from_logits=False)(p, g)",
                   "dice(flatten(p), flatten(g), squared: false) * (sum(g) > 0)",
                   "smp computes one Dice over the batch and gives 0 when the target is empty; `loss` gives 1 − 0 = 1 there "
                   + "(a prediction where nothing is to be found is a miss)"),

        // SciPy, scikit-learn
        PortingRow("scipy.entropy", "SciPy", "scipy.stats.entropy(p)", "entropy(p / sum(p))", "scipy rescales p to sum to 1 first; `loss` takes p as given"),
        PortingRow("scipy.entropy_kl", "SciPy", "scipy.stats.entropy(p, q)", "kl(p / sum(p), q / sum(q))", "scipy rescales p and q to sum to 1 first"),
        PortingRow("scipy.rel_entr", "SciPy", "scipy.special.rel_entr(p, q).sum()", "kl(p, q)"),
        PortingRow("sklearn.log_loss", "scikit-learn", "sklearn.metrics.log_loss(y, p)",
                   "bce(clamp(p, 2.220446049250313e-16, 1 - 2.220446049250313e-16), y)",
                   "scikit-learn clips at the float64 machine epsilon"),
        PortingRow("sklearn.mean_absolute_percentage_error", "scikit-learn", "sklearn.metrics.mean_absolute_percentage_error(y, pred)",
                   "mean(abs(y - pred) / max(abs(y), 2.220446049250313e-16))",
                   "a fraction, not a percentage, and the floor is the machine epsilon: mape(pred, y) / 100 where every abs(y) ≥ 1e-7"),
        PortingRow("sklearn.hinge_loss", "scikit-learn", "sklearn.metrics.hinge_loss(y, s)", "hinge(s, y)"),
    ]

    /// The rows whose `loss` expression calls the built-in `name`.
    public static func rows(using name: String, _ r: Registry) -> [PortingRow] {
        rows.filter { $0.calledNames(r).contains(name) }
    }

    /// docs/coming-from.md.
    public static func markdown(_ r: Registry) -> String {
        var out = """
            # Coming from PyTorch, Keras, optax and others

            Each row gives another library's loss call and the `loss` expression that returns the same
            number (float64). Every row is checked: `Scripts/gen_fixtures_porting.py` runs the library
            itself on fixed inputs and the tests evaluate the expression on them (1e-10 relative).
            The names in a row are the same tensors on both sides. `help(name)` in `loss` lists the rows of
            a built-in. Generated from the registry (`python3 Scripts/update_readme.py`): do not edit.

            Conventions that differ, in short: Keras takes `(y_true, y_pred)` and clips probabilities at
            1e-7; optax returns per-example values (`reduction: "none"`); `loss` takes probabilities unless
            `logits: true`, where torch's `cross_entropy` takes raw scores; SciPy rescales distributions to
            sum to 1; segmentation-models-pytorch scores an empty target as 0.

            """
        for lib in libraries {
            let rs = rows.filter { $0.library == lib }
            if rs.isEmpty { continue }
            out += "\n## \(lib)\n\n| \(lib) | `loss` | note |\n| --- | --- | --- |\n"
            for row in rs {
                out += "| `\(cell(row.theirs))` | `\(cell(row.ours))` | \(cell(row.note)) |\n"
            }
        }
        return out
    }

    static func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
}
