#!/usr/bin/env python3
"""Reference fixtures for the options of docs/reference.md §4.6: `sample_weight:` on the losses,
`label_smoothing:` on focal and `labels:` on ntxent.

Writes Tests/LossLangTests/Fixtures/options.json in the shared fixture format (LossFixtureTests.swift
documents it; "grads" are torch.autograd float64 gradients of sum(out) by positional argument,
checked by GradFixtureTests.swift; OptionFixtureTests.swift adds the checks of this file).

References, all float64:
- Keras 3.15.1 itself (KERAS_BACKEND=torch, floatx float64), `Loss(...)(y_true, y_pred, sample_weight=w)`,
  wherever Keras has the loss: BinaryCrossentropy (also label_smoothing, from_logits), CategoricalCrossentropy,
  SparseCategoricalCrossentropy (also ignore_class), BinaryFocalCrossentropy and CategoricalFocalCrossentropy
  (label_smoothing, alpha, gamma, from_logits), Hinge, SquaredHinge, MeanAbsoluteError, MeanSquaredError,
  Huber, LogCosh, MeanSquaredLogarithmicError, MeanAbsolutePercentageError, Poisson. The gradients are
  torch.autograd through the float64 port.
  Keras' default reduction "sum_over_batch_size" ends in `ops.divide_no_nan`, which returns float32 in the
  torch backend, and so do ops.mean and others (they compute in float32 whatever floatx): the fixtures
  therefore use a float64 torch port of each Keras loss's `call` (`keras_port`) and of its reduction, and
  every case checks that Keras itself, through its own reduction, gives the same number at float32
  precision (`keras_check`). Keras averages element-wise losses over the
  last axis first, so its mean is loss's mean over all elements with the weight of a row on each of its
  elements. For "none" on element-wise losses the inputs get a trailing axis of size 1 (Keras' mean over
  it is the element itself). Keras clips probabilities to [1e-7, 1 − 1e-7] (and the categorical losses
  divide p by its row sum): the inputs here stay inside (0.02…0.98) and rows sum to 1.
- Where Keras has no counterpart (sum reductions of element-wise losses, which Keras sums per row after
  its last-axis mean, and the losses Keras lacks): the definition, torch's per-sample losses
  (torch.nn.functional with reduction="none", or the transcriptions named at each section) times the
  weights, then summed, or summed and divided by the number of per-sample losses.
- arcface, sphereface, ge2e: the torch references of embedding.json, imported from gen_fixtures_embedding.py;
  listmle: Xia et al. 2008 as in gen_fixtures_ported.py. sparsemax_loss has no case here (its optax port
  lives in gen_fixtures_ported.py, which runs on import): OptionFixtureTests checks it by its definition.
- focal with label_smoothing: Keras BinaryFocalCrossentropy / CategoricalFocalCrossentropy on one_hot(y).
- ntxent with labels: pytorch-metric-learning 2.9.0 `SupConLoss` over both views,
  SupConLoss(temperature=τ)(cat([z1, z2]), cat([y, y])) ("mean": its AvgNonZeroReducer, "none": DoNothingReducer).

Fixed seeds; run by hand (needs torch, keras 3 and pytorch-metric-learning):

    KERAS_BACKEND=torch python3 Scripts/gen_fixtures_options.py
"""
import os
import warnings

os.environ.setdefault("KERAS_BACKEND", "torch")

import torch
import torch.nn.functional as F
import keras

from fixture_common import make_case, write_fixture, torch_case

keras.config.set_floatx("float64")
torch.set_default_dtype(torch.float64)
warnings.filterwarnings("ignore")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "LossLangTests", "Fixtures", "options.json")

cases = []
gen = torch.Generator().manual_seed(20261208)
KL = keras.losses


def T(x):
    return torch.tensor(x, dtype=torch.float64)


def randn(*shape, scale=1.0):
    return (torch.randn(shape, generator=gen) * scale).round(decimals=6)


def rand(*shape, lo=0.0, hi=1.0):
    return (lo + (hi - lo) * torch.rand(shape, generator=gen)).round(decimals=6)


def probs(*shape):
    """Probabilities inside Keras' clip, as float64 rows that sum to 1 (softmax of moderate scores)."""
    return torch.softmax(randn(*shape, scale=0.8), dim=-1)


def labels01(*shape):
    return (torch.rand(shape, generator=gen) < 0.5).double()


def signs(*shape):
    return torch.where(torch.rand(shape, generator=gen) < 0.5, -1.0, 1.0)


def classes(n, c):
    return torch.randint(0, c, (n,), generator=gen).double()


def weights(*shape):
    return rand(*shape, lo=0.0, hi=2.0)


def add(*args, **kwargs):
    """A case computed in torch (fixture_common.torch_case)."""
    cases.append(torch_case(*args, **kwargs))


def weighted(per, w, red):
    """The definition: per-sample losses `per` times the weights aligned from axis 0, reduced; "mean"
    divides by the number of per-sample losses."""
    w = w.reshape(list(w.shape) + [1] * (per.dim() - w.dim())) if w.dim() <= per.dim() else w
    v = per * w
    return v if red == "none" else (v.sum() if red == "sum" else v.sum() / per.numel())


def keras_port(k, yt, yp):
    """Keras' per-sample losses, `k.call(y_true, y_pred)`, ported to float64 torch from
    keras/src/losses/losses.py (Keras' torch backend computes ops.mean and others in float32).
    Two departures, both without effect on the values here: Keras clips probabilities to
    [1e-7, 1 − 1e-7] (the inputs stay inside) and its categorical losses divide p by its row sum (the
    rows sum to 1); the port does neither, so that its gradients are those of loss's definition."""
    kw, name = k._fn_kwargs, k.fn.__name__
    e = yp - yt if yp.shape == yt.shape else None
    if name == "mean_absolute_error":
        return e.abs().mean(-1)
    if name == "mean_squared_error":
        return (e ** 2).mean(-1)
    if name == "huber":
        d = kw["delta"]
        return torch.where(e.abs() <= d, 0.5 * e ** 2, d * e.abs() - 0.5 * d * d).mean(-1)
    if name == "log_cosh":
        return (e + F.softplus(-2.0 * e) - torch.log(T(2.0))).mean(-1)
    if name == "mean_squared_logarithmic_error":
        return ((torch.log1p(torch.clamp(yp, min=1e-7)) - torch.log1p(torch.clamp(yt, min=1e-7))) ** 2).mean(-1)
    if name == "mean_absolute_percentage_error":
        return (100 * (yt - yp).abs() / torch.clamp(yt.abs(), min=1e-7)).mean(-1)
    if name == "poisson":
        return (yp - yt * torch.log(yp + 1e-7)).mean(-1)
    if name == "hinge":
        return torch.clamp(1 - yt * yp, min=0).mean(-1)
    if name == "squared_hinge":
        return (torch.clamp(1 - yt * yp, min=0) ** 2).mean(-1)
    if name in ("binary_crossentropy", "binary_focal_crossentropy"):
        eps = kw["label_smoothing"]
        ys = yt * (1 - eps) + 0.5 * eps if eps else yt
        if kw["from_logits"]:
            bce = F.binary_cross_entropy_with_logits(yp, ys, reduction="none")
            p = torch.sigmoid(yp)
        else:
            bce = F.binary_cross_entropy(yp, ys, reduction="none")
            p = yp
        if name == "binary_crossentropy":
            return bce.mean(-1)
        pt = ys * p + (1 - ys) * (1 - p)
        out = (1 - pt) ** kw["gamma"] * bce
        if kw["apply_class_balancing"]:
            out = (ys * kw["alpha"] + (1 - ys) * (1 - kw["alpha"])) * out
        return out.mean(-1)
    if name in ("categorical_crossentropy", "categorical_focal_crossentropy"):
        eps, c = kw["label_smoothing"], yt.shape[-1]
        ys = yt * (1 - eps) + eps / c if eps else yt
        logp = torch.log_softmax(yp, -1) if kw["from_logits"] else torch.log(yp)
        if name == "categorical_crossentropy":
            return -(ys * logp).sum(-1)
        p = torch.exp(logp)
        alpha = T(kw["alpha"])
        return (alpha * (1 - p) ** kw["gamma"] * (-ys * logp)).sum(-1)
    if name == "sparse_categorical_crossentropy":
        ig = kw.get("ignore_class")
        idx = yt.long().clone()
        if ig is not None:
            idx[yt == ig] = 0
        logp = torch.log_softmax(yp, -1) if kw["from_logits"] else torch.log(yp)
        out = -logp.gather(-1, idx.unsqueeze(-1)).squeeze(-1)
        return out if ig is None else torch.where(yt == ig, 0.0, out)
    raise ValueError(name)


def keras_weighted(k, yt, yp, w):
    """Keras' per-sample losses times the weights as Keras aligns them (`squeeze_or_expand_to_same_rank`,
    then NumPy broadcasting)."""
    v = keras_port(k, yt, yp)
    if w is None:
        return v
    if w.dim() == v.dim() + 1 and w.shape[-1] == 1:
        w = w.squeeze(-1)
    return v * w


def keras_check(k, yt, yp, w, port, reduction):
    """Keras itself, through its own reduction, equals the port at float32 precision."""
    w = w.clone() if torch.is_tensor(w) else w    # Keras' apply_mask multiplies the weights in place
    cfg = k.get_config()
    cfg.update(k._fn_kwargs)
    cfg.pop("axis", None)
    cfg["reduction"] = reduction
    got = type(k)(**cfg)(yt.detach(), yp.detach(), sample_weight=w)
    assert torch.allclose(got.double(), port.detach(), rtol=1e-5, atol=1e-6), (k.fn.__name__, got, port)


def keras_mean(k, yt, yp, w, count=None):
    """Keras' default reduction sum_over_batch_size: Σ weighted per-sample losses ÷ their number (or
    `count`, the valid ones under a mask), from the float64 port; Keras itself agrees to float32 precision."""
    v = keras_weighted(k, yt, yp, w)
    out = v.sum() / (v.numel() if count is None else count)
    keras_check(k, yt, yp, w, out, "sum_over_batch_size")
    return out


def keras_none(k, yt, yp, w):
    """Keras with reduction None: each per-sample loss times its weight (the port; Keras agrees)."""
    out = keras_weighted(k, yt, yp, w)
    keras_check(k, yt, yp, w, out, None)
    return out


def onehot(y, c):
    return F.one_hot(y.long(), c).double()


REDS = ("mean", "sum", "none")

# ---------------------------------------------------------------- element-wise losses vs Keras

# (loss fn, Keras loss, torch per-element loss, inputs, extra kwargs)
N, D = 4, 3
elementwise = [
    ("mae", KL.MeanAbsoluteError(), lambda p, y: (p - y).abs(), randn(N, D), randn(N, D), {}),
    ("mse", KL.MeanSquaredError(), lambda p, y: (p - y) ** 2, randn(N, D), randn(N, D), {}),
    ("huber", KL.Huber(delta=0.7), lambda p, y: F.huber_loss(p, y, delta=0.7, reduction="none"), randn(N, D), randn(N, D),
     {"delta": 0.7}),
    ("log_cosh", KL.LogCosh(), lambda p, y: (p - y) + F.softplus(-2 * (p - y)) - torch.log(T(2.0)), randn(N, D), randn(N, D), {}),
    ("msle", KL.MeanSquaredLogarithmicError(), lambda p, y: (torch.log1p(p) - torch.log1p(y)) ** 2,
     rand(N, D, lo=0.1, hi=3), rand(N, D, lo=0.1, hi=3), {}),
    ("mape", KL.MeanAbsolutePercentageError(), lambda p, y: 100 * (y - p).abs() / y.abs(), randn(N, D),
     rand(N, D, lo=0.5, hi=2) * signs(N, D), {}),
    ("poisson_nll", KL.Poisson(), lambda p, y: p - y * torch.log(p + 1e-7), rand(N, D, lo=0.2, hi=3),
     rand(N, D, lo=0, hi=4).round(), {"log_input": False, "eps": 1e-7}),
    ("hinge", KL.Hinge(), lambda s, t: torch.clamp(1 - s * t, min=0), randn(N, D), signs(N, D), {}),
    ("squared_hinge", KL.SquaredHinge(), lambda s, t: torch.clamp(1 - s * t, min=0) ** 2, randn(N, D), signs(N, D), {}),
    ("bce", KL.BinaryCrossentropy(), lambda p, y: F.binary_cross_entropy(p, y, reduction="none"),
     rand(N, D, lo=0.05, hi=0.95), labels01(N, D), {}),
]
for fn, kloss, per, p, y, kw in elementwise:
    w = weights(N)
    ydiff = [1] if fn in ("mae", "mse", "huber", "log_cosh", "msle", "mape", "poisson_nll") else []
    gerr = {1: "labels"} if fn in ("hinge", "squared_hinge") else None
    add(f"{fn}/sample_weight/mean/keras", fn, [p, y], {**kw, "sample_weight": w},
        lambda a, b, k=kloss, w=w: keras_mean(k, b, a, w), diff=[0] + ydiff, grad_error=gerr)
    add(f"{fn}/sample_weight/none/keras", fn, [p, y], {**kw, "sample_weight": w, "reduction": "none"},
        lambda a, b, k=kloss, w=w: keras_none(k, b.unsqueeze(-1), a.unsqueeze(-1), w.unsqueeze(-1)), diff=[0] + ydiff)
    add(f"{fn}/sample_weight/sum", fn, [p, y], {**kw, "sample_weight": w, "reduction": "sum"},
        lambda a, b, per=per, w=w: weighted(per(a, b), w, "sum"), diff=[0] + ydiff)
    # a weight per element (the per-sample losses' full shape): the definition
    we = weights(N, D)
    add(f"{fn}/sample_weight/elementwise", fn, [p, y], {**kw, "sample_weight": we},
        lambda a, b, per=per, we=we: weighted(per(a, b), we, "mean"), diff=[0])

# a rank-3 input: Keras' per-sample losses are [N, d0] (its mean over the last axis), a weight [N, d0]
# weights them; [N] weights the rows
p3, y3 = randn(3, 2, 4), randn(3, 2, 4)
for fn, kloss in (("mse", KL.MeanSquaredError()), ("mae", KL.MeanAbsoluteError())):
    w2 = weights(3, 2)
    add(f"{fn}/sample_weight/rank3-blocks/keras", fn, [p3, y3], {"sample_weight": w2},
        lambda a, b, k=kloss, w2=w2: keras_mean(k, b, a, w2), diff=[0])
    # Keras aligns a weight with its per-sample losses [3, 2] from the right (NumPy): a row weight there is [3, 1]
    w1 = weights(3)
    add(f"{fn}/sample_weight/rank3-rows/keras", fn, [p3, y3], {"sample_weight": w1},
        lambda a, b, k=kloss, w1=w1: keras_mean(k, b, a, w1.unsqueeze(-1)), diff=[0])
# Keras' [N, 1] weights (squeezed)
w = weights(N, 1)
pm, ym = randn(N, D), randn(N, D)
add("mse/sample_weight/column/keras", "mse", [pm, ym], {"sample_weight": w},
    lambda a, b: keras_mean(KL.MeanSquaredError(), b, a, w), diff=[0])
add("mse/sample_weight/number", "mse", [pm, ym], {"sample_weight": 0.5}, lambda a, b: ((a - b) ** 2).mean() * 0.5, diff=[0])

# edge cases: all-zero weights, one sample, an empty batch
add("mse/sample_weight/zeros", "mse", [pm, ym], {"sample_weight": torch.zeros(N)},
    lambda a, b: keras_mean(KL.MeanSquaredError(), b, a, torch.zeros(N)), diff=[0])
add("mse/sample_weight/one-sample/keras", "mse", [pm[:1], ym[:1]], {"sample_weight": T([1.5])},
    lambda a, b: keras_mean(KL.MeanSquaredError(), b, a, T([1.5])), diff=[0])
add("mse/sample_weight/empty/mean", "mse", [torch.zeros(0, 3), torch.zeros(0, 3)], {"sample_weight": torch.zeros(0)},
    lambda a, b: weighted((a - b) ** 2, torch.zeros(0), "mean"))
add("mse/sample_weight/empty/sum", "mse", [torch.zeros(0, 3), torch.zeros(0, 3)], {"sample_weight": torch.zeros(0), "reduction": "sum"},
    lambda a, b: weighted((a - b) ** 2, torch.zeros(0), "sum"))
add("mse/sample_weight/error/shape", "mse", [pm, ym], {"sample_weight": weights(D)},
    error="sample_weight has shape [3], expected one weight per sample along axis 0 ([4])")
add("mse/sample_weight/error/rank", "mse", [pm, ym], {"sample_weight": weights(N, D, 2)}, error="sample_weight has shape [4, 3, 2]")

# regression with weight: and sample_weight: (both multiply; "mean" ÷ the element count)
wel = weights(D)
for fn, per, kw in (("mse", lambda p, y: (p - y) ** 2, {}),
                    ("smooth_l1", lambda p, y: F.smooth_l1_loss(p, y, beta=0.5, reduction="none"), {"beta": 0.5}),
                    ("huber", lambda p, y: F.huber_loss(p, y, delta=1.0, reduction="none"), {})):
    w = weights(N)
    for red in REDS:
        add(f"{fn}/weight+sample_weight/{red}", fn, [pm, ym], {**kw, "weight": wel, "sample_weight": w, "reduction": red},
            lambda a, b, per=per, w=w, red=red: weighted(per(a, b) * wel, w, red), diff=[0, 1])

# smooth_l1 and gaussian_nll: torch's per-element losses (Keras has neither)
w = weights(N)
for red in REDS:
    add(f"smooth_l1/sample_weight/{red}", "smooth_l1", [pm, ym], {"sample_weight": w, "reduction": red},
        lambda a, b, red=red: weighted(F.smooth_l1_loss(a, b, reduction="none"), w, red), diff=[0, 1])
var = rand(N, D, lo=0.2, hi=2)
for red in REDS:
    add(f"gaussian_nll/sample_weight/{red}", "gaussian_nll", [pm, ym, var], {"sample_weight": w, "reduction": red},
        lambda a, b, v, red=red: weighted(F.gaussian_nll_loss(a, b, v, reduction="none"), w, red), diff=[0, 1, 2])
    add(f"poisson_nll/log_input/sample_weight/{red}", "poisson_nll", [pm, rand(N, D, lo=0, hi=4).round()],
        {"sample_weight": w, "reduction": red},
        lambda a, b, red=red: weighted(F.poisson_nll_loss(a, b, reduction="none"), w, red), diff=[0])

# rmse: √ of the weighted mean of the squared errors (sample_weight folded into weight)
for red in REDS:
    add(f"rmse/sample_weight/{red}", "rmse", [pm, ym], {"sample_weight": w, "reduction": red},
        lambda a, b, red=red: torch.sqrt(weighted((a - b) ** 2, w, red)), diff=[0, 1])
add("rmse/weight+sample_weight", "rmse", [pm, ym], {"weight": wel, "sample_weight": w},
    lambda a, b: torch.sqrt(weighted((a - b) ** 2 * wel, w, "mean")), diff=[0])

# ---------------------------------------------------------------- bce

p, y = rand(5, 3, lo=0.05, hi=0.95), labels01(5, 3)
x = randn(5, 3, scale=2)
w = weights(5)
add("bce/logits/sample_weight/keras", "bce", [x, y], {"logits": True, "sample_weight": w},
    lambda a, b: keras_mean(KL.BinaryCrossentropy(from_logits=True), b, a, w), diff=[0])
for eps in (0.1, 0.3):
    add(f"bce/label_smoothing{eps}/sample_weight/keras", "bce", [p, y], {"label_smoothing": eps, "sample_weight": w},
        lambda a, b, eps=eps: keras_mean(KL.BinaryCrossentropy(label_smoothing=eps), b, a, w), diff=[0])
    add(f"bce/logits/label_smoothing{eps}/sample_weight/keras", "bce", [x, y],
        {"label_smoothing": eps, "logits": True, "sample_weight": w},
        lambda a, b, eps=eps: keras_mean(KL.BinaryCrossentropy(label_smoothing=eps, from_logits=True), b, a, w), diff=[0])
wel, pw = weights(5, 3), weights(3)
for red in REDS:
    add(f"bce/weight+pos_weight+sample_weight/{red}", "bce", [x, y],
        {"weight": wel, "pos_weight": pw, "logits": True, "sample_weight": w, "reduction": red},
        lambda a, b, red=red: weighted(F.binary_cross_entropy_with_logits(a, b, weight=wel, pos_weight=pw, reduction="none"), w, red),
        diff=[0, 1])

# ---------------------------------------------------------------- cross_entropy, nll

N, C = 6, 4
pr, yi, xl = probs(N, C), classes(N, C), randn(N, C, scale=1.5)
w = weights(N)
add("cross_entropy/sample_weight/keras", "cross_entropy", [pr, yi], {"sample_weight": w},
    lambda a, b: keras_mean(KL.SparseCategoricalCrossentropy(), b, a, w), diff=[0], grad_error={1: "class indices"})
add("cross_entropy/logits/sample_weight/keras", "cross_entropy", [xl, yi], {"logits": True, "sample_weight": w},
    lambda a, b: keras_mean(KL.SparseCategoricalCrossentropy(from_logits=True), b, a, w), diff=[0])
add("cross_entropy/logits/sample_weight/none/keras", "cross_entropy", [xl, yi], {"logits": True, "sample_weight": w, "reduction": "none"},
    lambda a, b: keras_none(KL.SparseCategoricalCrossentropy(from_logits=True), b, a, w), diff=[0])
add("cross_entropy/logits/sample_weight/sum", "cross_entropy", [xl, yi], {"logits": True, "sample_weight": w, "reduction": "sum"},
    lambda a, b: weighted(F.cross_entropy(a, b.long(), reduction="none"), w, "sum"), diff=[0])
yd = probs(N, C)
add("cross_entropy/distributions/sample_weight/keras", "cross_entropy", [pr, yd], {"sample_weight": w},
    lambda a, b: keras_mean(KL.CategoricalCrossentropy(), b, a, w), diff=[0, 1])
add("cross_entropy/logits/label_smoothing/sample_weight/keras", "cross_entropy", [xl, yi],
    {"logits": True, "label_smoothing": 0.2, "sample_weight": w},
    lambda a, b: keras_mean(KL.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2), onehot(b, C), a, w), diff=[0])
# ignore_index: Keras' ignore_class masks the sample out and divides by the samples left
yig = yi.clone()
yig[1] = 2
yig[4] = 2
valid = int((yig != 2).sum())
add("cross_entropy/logits/ignore_index/sample_weight/keras", "cross_entropy", [xl, yig],
    {"logits": True, "ignore_index": 2, "sample_weight": w},
    lambda a, b: keras_mean(KL.SparseCategoricalCrossentropy(from_logits=True, ignore_class=2), b, a, w, count=valid), diff=[0])
# class weights and sample weights: both multiply, "mean" ÷ N (Keras fit(class_weight=…)), not ÷ Σ w[y]
cw = weights(C) + 0.1
for red in REDS:
    add(f"cross_entropy/logits/weight+sample_weight/{red}", "cross_entropy", [xl, yi],
        {"logits": True, "weight": cw, "sample_weight": w, "reduction": red},
        lambda a, b, red=red: weighted(F.cross_entropy(a, b.long(), weight=cw, reduction="none"), w, red), diff=[0])
    add(f"nll/weight+sample_weight/{red}", "nll", [torch.log_softmax(xl, -1), yi], {"weight": cw, "sample_weight": w, "reduction": red},
        lambda a, b, red=red: weighted(F.nll_loss(a, b.long(), weight=cw, reduction="none"), w, red), diff=[0])
add("nll/sample_weight/keras", "nll", [torch.log(pr), yi], {"sample_weight": w},
    lambda a, b: keras_mean(KL.SparseCategoricalCrossentropy(), b, torch.exp(a), w), diff=[0])
add("nll/ignore_index/sample_weight", "nll", [torch.log(pr), yig], {"ignore_index": 2, "sample_weight": w},
    lambda a, b: (F.nll_loss(a, b.long(), ignore_index=2, reduction="none") * w).sum() / valid, diff=[0])
add("cross_entropy/ignore_index/all-ignored", "cross_entropy", [xl[:2], T([2, 2])],
    {"logits": True, "ignore_index": 2, "sample_weight": w[:2]}, lambda a, b: T(float("nan")))
add("cross_entropy/sample_weight/one-sample/keras", "cross_entropy", [xl[:1], yi[:1]], {"logits": True, "sample_weight": T([0.7])},
    lambda a, b: keras_mean(KL.SparseCategoricalCrossentropy(from_logits=True), b, a, T([0.7])), diff=[0])
add("cross_entropy/sample_weight/zeros", "cross_entropy", [xl, yi], {"logits": True, "sample_weight": torch.zeros(N)},
    lambda a, b: keras_mean(KL.SparseCategoricalCrossentropy(from_logits=True), b, a, torch.zeros(N)), diff=[0])
add("cross_entropy/sample_weight/empty", "cross_entropy", [torch.zeros(0, C), torch.zeros(0)],
    {"logits": True, "sample_weight": torch.zeros(0)}, lambda a, b: T(float("nan")))
add("cross_entropy/sample_weight/error", "cross_entropy", [xl, yi], {"logits": True, "sample_weight": weights(C)},
    error="sample_weight has shape [4], expected one weight per sample along axis 0 ([6])")

# ---------------------------------------------------------------- focal: label_smoothing and sample_weight (Keras)

N, D = 5, 3
pb, yb, xb = rand(N, D, lo=0.05, hi=0.95), labels01(N, D), randn(N, D, scale=1.5)
w = weights(N)


def kbfocal(alpha=None, gamma=2.0, eps=0.0, logits=False):
    if alpha is None:
        return KL.BinaryFocalCrossentropy(gamma=gamma, label_smoothing=eps, from_logits=logits)
    return KL.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=alpha, gamma=gamma, label_smoothing=eps, from_logits=logits)


for eps in (0.1, 0.4):
    for logits, inp in ((False, pb), (True, xb)):
        lg = "logits/" if logits else ""
        for alpha in (None, 0.25):
            kw = {"gamma": 2, "label_smoothing": eps, "logits": logits}
            if alpha is not None:
                kw["alpha"] = alpha
            al = f"alpha{alpha}/" if alpha is not None else ""
            k = kbfocal(alpha, 2.0, eps, logits)
            add(f"focal/binary/{lg}{al}label_smoothing{eps}/mean/keras", "focal", [inp, yb], kw,
                lambda a, b, k=k: keras_mean(k, b, a, None), diff=[0, 1])
            add(f"focal/binary/{lg}{al}label_smoothing{eps}/none/keras", "focal", [inp, yb], {**kw, "reduction": "none"},
                lambda a, b, k=k: keras_none(k, b.unsqueeze(-1), a.unsqueeze(-1), None), diff=[0])
            add(f"focal/binary/{lg}{al}label_smoothing{eps}/sample_weight/keras", "focal", [inp, yb], {**kw, "sample_weight": w},
                lambda a, b, k=k: keras_mean(k, b, a, w), diff=[0])
add("focal/binary/gamma0.5/label_smoothing/keras", "focal", [pb, yb], {"gamma": 0.5, "label_smoothing": 0.2},
    lambda a, b: keras_mean(kbfocal(None, 0.5, 0.2), b, a, None), diff=[0])
add("focal/binary/sample_weight/sum", "focal", [pb, yb], {"sample_weight": w, "reduction": "sum"},
    lambda a, b: weighted(keras_none(kbfocal(), b.unsqueeze(-1), a.unsqueeze(-1), None), w, "sum"), diff=[0])
add("focal/label_smoothing/error", "focal", [pb, yb], {"label_smoothing": 1.5}, error="label_smoothing must be in [0, 1], got 1.5")

N, C = 6, 4
pc, yc, xc = probs(N, C), classes(N, C), randn(N, C, scale=1.5)
w = weights(N)
cls_alpha = T([0.25, 0.5, 1.0, 0.75])


def kcfocal(alpha=None, gamma=2.0, eps=0.0, logits=False):
    a = 1.0 if alpha is None else (alpha.tolist() if torch.is_tensor(alpha) else alpha)
    return KL.CategoricalFocalCrossentropy(alpha=a, gamma=gamma, label_smoothing=eps, from_logits=logits)


for eps in (0.0, 0.1, 0.5):
    for logits, inp in ((False, pc), (True, xc)):
        lg = "logits/" if logits else ""
        for alpha in (None, 0.25, cls_alpha):
            kw = {"gamma": 2, "label_smoothing": eps, "logits": logits}
            if alpha is not None:
                kw["alpha"] = alpha
            al = "" if alpha is None else ("alpha-classes/" if torch.is_tensor(alpha) else f"alpha{alpha}/")
            k = kcfocal(alpha, 2.0, eps, logits)
            add(f"focal/indices/{lg}{al}label_smoothing{eps}/mean/keras", "focal", [inp, yc], kw,
                lambda a, b, k=k: keras_mean(k, onehot(b, C), a, None), diff=[0], grad_error={1: "class indices"})
            add(f"focal/indices/{lg}{al}label_smoothing{eps}/sample_weight/keras", "focal", [inp, yc], {**kw, "sample_weight": w},
                lambda a, b, k=k: keras_mean(k, onehot(b, C), a, w), diff=[0])
        add(f"focal/indices/{lg}label_smoothing{eps}/none/keras", "focal", [inp, yc],
            {"gamma": 2, "label_smoothing": eps, "logits": logits, "reduction": "none"},
            lambda a, b, eps=eps, logits=logits: keras_none(kcfocal(None, 2.0, eps, logits), onehot(b, C), a, None), diff=[0])
        add(f"focal/indices/{lg}label_smoothing{eps}/sum", "focal", [inp, yc],
            {"gamma": 2, "label_smoothing": eps, "logits": logits, "reduction": "sum", "sample_weight": w},
            lambda a, b, eps=eps, logits=logits: weighted(keras_none(kcfocal(None, 2.0, eps, logits), onehot(b, C), a, None), w, "sum"),
            diff=[0])
for g in (0.0, 0.5, 3.0):
    add(f"focal/indices/logits/gamma{g}/label_smoothing0.2/keras", "focal", [xc, yc], {"gamma": g, "label_smoothing": 0.2, "logits": True},
        lambda a, b, g=g: keras_mean(kcfocal(None, g, 0.2, True), onehot(b, C), a, None), diff=[0])
add("focal/indices/vector/label_smoothing/keras", "focal", [xc[0], yc[0]], {"label_smoothing": 0.3, "logits": True},
    lambda a, b: keras_mean(kcfocal(None, 2.0, 0.3, True), onehot(b, C).unsqueeze(0), a.unsqueeze(0), None), diff=[0])
add("focal/indices/label_smoothing1/keras", "focal", [pc, yc], {"label_smoothing": 1.0},
    lambda a, b: keras_mean(kcfocal(None, 2.0, 1.0), onehot(b, C), a, None), diff=[0])
add("focal/indices/label_smoothing/empty", "focal", [torch.zeros(0, C), torch.zeros(0)], {"label_smoothing": 0.1, "logits": True},
    lambda a, b: T(float("nan")))

# ---------------------------------------------------------------- other classification losses: the definition

N, C = 5, 4
xs, ys = randn(N, C, scale=1.5), classes(N, C)
w = weights(N)
for red in REDS:
    add(f"multiclass_hinge/sample_weight/{red}", "multiclass_hinge", [xs, ys], {"sample_weight": w, "reduction": red},
        lambda a, b, red=red: weighted(F.multi_margin_loss(a, b.long(), reduction="none") * C, w, red), diff=[0])
    add(f"poly1/logits/sample_weight/{red}", "poly1", [xs, ys], {"epsilon": 1.5, "logits": True, "sample_weight": w, "reduction": red},
        lambda a, b, red=red: weighted(F.cross_entropy(a, b.long(), reduction="none")
                                       + 1.5 * (1 - torch.softmax(a, -1).gather(1, b.long()[:, None])[:, 0]), w, red), diff=[0])
    add(f"poly/logits/sample_weight/{red}", "poly", [xs, ys], {"epsilon": T([1.0, -0.5]), "logits": True, "sample_weight": w, "reduction": red},
        lambda a, b, red=red: weighted(F.cross_entropy(a, b.long(), reduction="none")
                                       + (lambda q: 1.0 * q - 0.5 * q ** 2)(1 - torch.softmax(a, -1).gather(1, b.long()[:, None])[:, 0]),
                                       w, red), diff=[0])
    add(f"generalized_ce/logits/sample_weight/{red}", "generalized_ce", [xs, ys], {"logits": True, "sample_weight": w, "reduction": red},
        lambda a, b, red=red: weighted((1 - torch.softmax(a, -1).gather(1, b.long()[:, None])[:, 0] ** 0.7) / 0.7, w, red), diff=[0])
    add(f"multilabel_soft_margin/sample_weight/{red}", "multilabel_soft_margin", [xs, labels01(N, C)], {"sample_weight": w, "reduction": red},
        lambda a, b, red=red: weighted(F.multilabel_soft_margin_loss(a, b, reduction="none"), w, red), diff=[0])
    add(f"soft_margin/sample_weight/{red}", "soft_margin", [xs, signs(N, C)], {"sample_weight": w, "reduction": red},
        lambda a, b, red=red: weighted(F.soft_margin_loss(a, b, reduction="none"), w, red), diff=[0])
    add(f"hinge_embedding/sample_weight/{red}", "hinge_embedding", [xs, signs(N, C)], {"sample_weight": w, "reduction": red},
        lambda a, b, red=red: weighted(F.hinge_embedding_loss(a, b, reduction="none"), w, red), diff=[0])
    ymm = T([[0, 2, -1, 0], [1, -1, 0, 0], [3, 0, 1, -1], [2, -1, 1, 1], [0, 1, 2, 3]])
    add(f"multilabel_margin/sample_weight/{red}", "multilabel_margin", [xs, ymm], {"sample_weight": w, "reduction": red},
        lambda a, b, red=red: weighted(F.multilabel_margin_loss(a, b.long(), reduction="none"), w, red), diff=[0])
    rel = randn(N, C)
    add(f"listnet/sample_weight/{red}", "listnet", [xs, rel], {"sample_weight": w, "reduction": red},
        lambda a, b, red=red: weighted(-(torch.softmax(b, -1) * torch.log_softmax(a, -1)).sum(-1), w, red), diff=[0, 1])

# ---------------------------------------------------------------- embeddings, segmentation: the definition

N, Dm = 5, 3
a_, p_, n_ = randn(N, Dm), randn(N, Dm), randn(N, Dm)
w = weights(N)
for red in REDS:
    add(f"triplet/sample_weight/{red}", "triplet", [a_, p_, n_], {"sample_weight": w, "reduction": red},
        lambda a, p, n, red=red: weighted(F.triplet_margin_loss(a, p, n, reduction="none"), w, red), diff=[0, 1, 2])
    add(f"cosine_embedding/sample_weight/{red}", "cosine_embedding", [a_, p_, signs(N)], {"margin": 0.2, "sample_weight": w, "reduction": red},
        lambda a, b, y, red=red: weighted(F.cosine_embedding_loss(a, b, y, margin=0.2, reduction="none"), w, red), diff=[0, 1])
    add(f"margin_ranking/sample_weight/{red}", "margin_ranking", [randn(N), randn(N), signs(N)], {"margin": 0.1, "sample_weight": w, "reduction": red},
        lambda a, b, y, red=red: weighted(F.margin_ranking_loss(a, b, y, margin=0.1, reduction="none"), w, red), diff=[0, 1])
    # contrastive (Hadsell et al.: y = 0 similar): ½D² or ½max(0, m − D)², D = ‖x1 − x2‖
    yl = labels01(N)
    add(f"contrastive/sample_weight/{red}", "contrastive", [a_, p_, yl], {"margin": 2.0, "sample_weight": w, "reduction": red},
        lambda a, b, y, red=red: weighted(torch.where(y == 0, 0.5 * ((a - b) ** 2).sum(-1),
                                                      0.5 * torch.clamp(2.0 - ((a - b) ** 2).sum(-1).sqrt(), min=0) ** 2), w, red),
        diff=[0, 1])
    # infonce, unpaired in-batch negatives: cross-entropy of normalised q·k/τ at the diagonal
    add(f"infonce/sample_weight/{red}", "infonce", [a_, p_], {"temperature": 0.5, "sample_weight": w, "reduction": red},
        lambda q, k, red=red: weighted(F.cross_entropy(F.normalize(q, dim=-1) @ F.normalize(k, dim=-1).T / 0.5,
                                                       torch.arange(N), reduction="none"), w, red), diff=[0, 1])
    # mnr: cross-entropy of scale·cos(a_i, p_j) at j = i (sentence-transformers)
    add(f"mnr/sample_weight/{red}", "mnr", [a_, p_], {"scale": 5, "sample_weight": w, "reduction": red},
        lambda q, k, red=red: weighted(F.cross_entropy(5 * F.normalize(q, dim=-1) @ F.normalize(k, dim=-1).T,
                                                       torch.arange(N), reduction="none"), w, red), diff=[0, 1])
    # center_loss: ½‖x − c_y‖²
    cen, yc2 = randn(3, Dm), classes(N, 3)
    add(f"center_loss/sample_weight/{red}", "center_loss", [a_, cen, yc2], {"sample_weight": w, "reduction": red},
        lambda x, c, y, red=red: weighted(0.5 * ((x - c[y.long()]) ** 2).sum(-1), w, red), diff=[0, 1])
    # cosface: CE over s·cos θ with s·(cos θ_y − m) at the target
    Wc = randn(3, Dm)
    def cosface(x, W, y, s=4.0, m=0.35):
        cos = F.normalize(x, dim=-1) @ F.normalize(W, dim=-1).T
        logits = s * (cos - m * F.one_hot(y.long(), 3))
        return F.cross_entropy(logits, y.long(), reduction="none")
    add(f"cosface/sample_weight/{red}", "cosface", [a_, Wc, yc2], {"s": 4, "sample_weight": w, "reduction": red},
        lambda x, W, y, red=red: weighted(cosface(x, W, y), w, red), diff=[0, 1])
    # dice (V-Net, squared) and tversky, per sample over every axis but 0
    ps, gs = rand(N, 2, 3, lo=0.02, hi=0.98), labels01(N, 2, 3)
    add(f"dice/sample_weight/{red}", "dice", [ps, gs], {"smooth": 0.5, "sample_weight": w, "reduction": red},
        lambda p, g, red=red: weighted(1 - (2 * (p * g).sum((1, 2)) + 0.5) / ((p * p).sum((1, 2)) + (g * g).sum((1, 2)) + 0.5), w, red),
        diff=[0, 1])
    add(f"dice_score/sample_weight/{red}", "dice_score", [ps, gs], {"squared": False, "sample_weight": w, "reduction": red},
        lambda p, g, red=red: weighted((2 * (p * g).sum((1, 2))) / (p.sum((1, 2)) + g.sum((1, 2))), w, red), diff=[0, 1])
    add(f"tversky/sample_weight/{red}", "tversky", [ps, gs], {"alpha": 0.3, "beta": 0.7, "sample_weight": w, "reduction": red},
        lambda p, g, red=red: weighted(1 - (p * g).sum((1, 2)) / ((p * g).sum((1, 2)) + 0.3 * (p * (1 - g)).sum((1, 2))
                                                                  + 0.7 * ((1 - p) * g).sum((1, 2))), w, red), diff=[0, 1])

# arcface, sphereface, ge2e: the torch references of the embedding fixtures (gen_fixtures_embedding.py:
# insightface's legacy ArcMarginProduct, sphereface_pytorch's AngleLinear, Wan et al. with loops);
# listmle: Xia et al. 2008 as in gen_fixtures_ported.py (stable sort, suffix log-sum-exps)
from gen_fixtures_embedding import arcface_ref, sphereface_ref, ge2e_ref


def listmle_per_list(sc, r):
    order = torch.sort(r, dim=-1, descending=True, stable=True).indices
    ss = sc.gather(-1, order)
    return (torch.logcumsumexp(ss.flip(-1), dim=-1).flip(-1) - ss).sum(-1)


xa, Wa, ya = randn(5, 3), randn(4, 3), classes(5, 4)
w = weights(5)
e3 = randn(3, 4, 2)
w3 = weights(3)
for red in REDS:
    add(f"arcface/sample_weight/{red}", "arcface", [xa, Wa, ya], {"s": 8, "m": 0.3, "sample_weight": w, "reduction": red},
        lambda x, W, y, red=red: weighted(arcface_ref(x, W, y, 8.0, 0.3, False), w, red), diff=[0, 1])
    add(f"sphereface/sample_weight/{red}", "sphereface", [xa, Wa, ya], {"sample_weight": w, "reduction": red},
        lambda x, W, y, red=red: weighted(sphereface_ref(x, W, y, 4), w, red), diff=[0, 1])
    add(f"listmle/sample_weight/{red}", "listmle", [xa, randn(5, 3)], {"sample_weight": w, "reduction": red},
        lambda sc, r, red=red: weighted(listmle_per_list(sc, r), w, red), diff=[0])
    # ge2e: per utterance [N, M]; [N] weights the speakers
    add(f"ge2e/sample_weight/{red}", "ge2e", [e3], {"sample_weight": w3, "reduction": red},
        lambda e, red=red: weighted(ge2e_ref(e, "softmax", 10.0, -5.0), w3, red), diff=[0])

# ---------------------------------------------------------------- ntxent with labels (pytorch-metric-learning SupConLoss)

from pytorch_metric_learning import losses as pml_losses
from pytorch_metric_learning.reducers import DoNothingReducer


def supcon_views(red, t):
    """SupConLoss over both views: z = cat([z1, z2]), labels cat([y, y]); "mean" its AvgNonZeroReducer,
    "none" DoNothingReducer (the per-anchor losses, z1's rows then z2's), "sum" their sum."""
    def f(z1, z2, y):
        z, lab = torch.cat([z1, z2]), torch.cat([y, y]).long()
        if red == "mean":
            return pml_losses.SupConLoss(temperature=t)(z, lab)
        loss = pml_losses.SupConLoss(temperature=t, reducer=DoNothingReducer())
        out = loss.compute_loss(z, lab, None, None, None)["loss"]["losses"]
        if not torch.is_tensor(out) or out.dim() == 0:   # zero_losses(): no pairs
            out = torch.zeros(z.shape[0]) + 0 * z.sum()
        out = out.reshape(z.shape[0])
        return out if red == "none" else out.sum()
    return f


z1, z2 = randn(6, 4), randn(6, 4)
lab = T([0, 1, 0, 2, 1, 3])            # classes 2 and 3 have one row: its only positive is its other view
for red in REDS:
    for t in (0.1, 0.5):
        # temperature passed by position (argument 2) so that its gradient is checked too
        add(f"ntxent/labels/t{t}/{red}", "ntxent", [z1, z2, T(t)], {"labels": lab, "reduction": red},
            lambda a, b, tt, red=red: supcon_views(red, tt)(a, b, lab), diff=[0, 1, 2])
add("ntxent/labels/distinct", "ntxent", [z1, z2], {"labels": T([5, 4, 3, 2, 1, 0]), "temperature": 0.5},
    lambda a, b: supcon_views("mean", 0.5)(a, b, T([5, 4, 3, 2, 1, 0])), diff=[0, 1])
add("ntxent/labels/one-class", "ntxent", [z1, z2], {"labels": torch.zeros(6)},
    lambda a, b: supcon_views("mean", 0.1)(a, b, torch.zeros(6)), diff=[0, 1])
add("ntxent/labels/one-pair", "ntxent", [z1[:1], z2[:1]], {"labels": T([3])},
    lambda a, b: supcon_views("mean", 0.1)(a, b, T([3])), diff=[0, 1])
add("ntxent/labels/two-pairs", "ntxent", [z1[:2], z2[:2]], {"labels": T([0, 1]), "temperature": 0.3, "reduction": "none"},
    lambda a, b: supcon_views("none", 0.3)(a, b, T([0, 1])), diff=[0, 1])
add("ntxent/labels/error/length", "ntxent", [z1, z2], {"labels": lab[:4]},
    error="labels must be a vector of 6 class labels (one per row of z1 and z2), got shape [4]")
add("ntxent/labels/error/temperature", "ntxent", [z1, z2], {"labels": lab, "temperature": 0}, error="temperature")

write_fixture(OUT, {"cases": cases})
print(f"{len(cases)} cases -> {os.path.relpath(OUT, ROOT)}")
