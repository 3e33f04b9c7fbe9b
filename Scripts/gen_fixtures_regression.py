#!/usr/bin/env python3
"""Reference fixtures for the regression (docs/reference.md §4.5) and segmentation (docs/reference.md §4.4) losses.

Writes Tests/LossLangTests/Fixtures/regression.json in the shared fixture format
(see the fixture notes: {"cases": [{"name", "fn", "args", "kwargs", "expected" | "error", "rtol"?}]}).

References: torch float64 (l1_loss, mse_loss, huber_loss, smooth_l1_loss, poisson_nll_loss,
gaussian_nll_loss); log cosh with mpmath at 50 digits; Dice and Tversky written out in torch
float64 from their formulas (docs/reference.md §4.4); that formula agrees with MONAI 1.6 `DiceLoss` and
`TverskyLoss` (smooth_nr = smooth_dr, each sample flattened to one channel) to 1 ulp — checked
once by hand, MONAI is not needed here.

Gradients ("grads", issue 4): for every case with an "expected" value, the torch.autograd (float64)
gradient of the output (of out.sum() for reduction "none") with respect to each positional argument,
computed by `torch_loss`, which rebuilds every case from torch ops and is checked against the case's
expected value first. The conventions are torch's, except where the loss defines a value torch leaves
nan (written out in RegressionBackward.swift): rmse at a zero error has gradient 0 (√ of the reduced
squared error, differentiated as 0 where it is 0, like torch.linalg.vector_norm), and poisson_nll's
Stirling term, masked to 0 for y ≤ 1, has gradient 0 there (torch's masked_fill after log gives
0·log 0 = nan at y ≤ 0; checked below to be the only difference). Fixed seeds; run by hand:

    python3 Scripts/gen_fixtures_regression.py
"""
import warnings
import math
import os

import mpmath
import torch
import torch.nn.functional as F

from fixture_common import encode as enc, make_case, write_fixture

torch.set_default_dtype(torch.float64)
warnings.filterwarnings("ignore", message="Using a target size")  # torch warns when it broadcasts
mpmath.mp.dps = 50

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "LossLangTests", "Fixtures", "regression.json")

cases = []


def add(name, fn, args, kwargs=None, expected=None, error=None, rtol=None):
    cases.append(make_case(name, fn, args, kwargs, expected, error, rtol, enc=enc))


def T(x):
    return torch.tensor(x, dtype=torch.float64)


def reduce(loss, reduction):
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


gen = torch.Generator().manual_seed(20240517)


def randn(*shape, scale=1.0):
    return (torch.randn(shape, generator=gen) * scale).round(decimals=6)  # short in the JSON


def rand(*shape):
    return torch.rand(shape, generator=gen).round(decimals=6)


# ---------------------------------------------------------------- element-wise: reference per-element losses

def log_cosh_ref(e):
    flat = [float(mpmath.log(mpmath.cosh(mpmath.mpf(v)))) for v in e.flatten().tolist()]
    return torch.tensor(flat).reshape(e.shape)


def elem(fn, pred, y, **kw):
    """Per-element loss (reduction none) of fn, broadcast like torch."""
    if fn == "mae":
        return F.l1_loss(pred, y, reduction="none")
    if fn == "mse":
        return F.mse_loss(pred, y, reduction="none")
    if fn == "huber":
        return F.huber_loss(pred, y, reduction="none", delta=kw.get("delta", 1.0))
    if fn == "smooth_l1":
        return F.smooth_l1_loss(pred, y, reduction="none", beta=kw.get("beta", 1.0))
    if fn == "log_cosh":
        p, t = torch.broadcast_tensors(pred, y)
        return log_cosh_ref(p - t)
    raise ValueError(fn)


def expected(fn, pred, y, reduction="mean", weight=None, **kw):
    """The loss as docs/reference.md §4.5 defines it: weighted per-element loss, 'mean' divides by the element count."""
    base = "mse" if fn == "rmse" else fn
    loss = elem(base, pred, y, **kw)
    if weight is not None:
        loss = loss * weight
    out = reduce(loss, reduction)
    return out.sqrt() if fn == "rmse" else out


def pointwise_cases(fn, extra=None):
    """Shapes × reductions × weights for an element-wise loss; `extra` are its own keyword arguments."""
    extra = extra or {}
    shapes = [
        ("scalar", (), ()),
        ("scalar-vs-vector", (), (5,)),
        ("vector-vs-scalar", (5,), ()),
        ("[7]", (7,), (7,)),
        ("[4,3]", (4, 3), (4, 3)),
        ("[2,3,4]", (2, 3, 4), (2, 3, 4)),
        ("bcast[4,1]-[3]", (4, 1), (3,)),
        ("bcast[3]-[2,3]", (3,), (2, 3)),
        ("bcast[2,1,4]-[3,1]", (2, 1, 4), (3, 1)),
    ]
    for label, ps, ys in shapes:
        pred = randn(*ps, scale=2.0)
        y = randn(*ys, scale=2.0)
        for red in ["mean", "sum", "none"]:
            kwargs = dict(extra)
            kwargs["reduction"] = red
            add(f"{fn}/{label}/{red}", fn, [pred, y], kwargs, expected(fn, pred, y, red, **extra))
    # weights: same shape, broadcast row weights, a scalar
    pred, y = randn(4, 3, scale=2.0), randn(4, 3, scale=2.0)
    for wl, w in [("same", rand(4, 3) * 2), ("row[3]", T([0.5, 1.0, 2.0])), ("col[4,1]", rand(4, 1)), ("scalar", 0.25)]:
        for red in ["mean", "sum", "none"]:
            kwargs = dict(extra)
            kwargs.update(weight=w, reduction=red)
            add(f"{fn}/weight-{wl}/{red}", fn, [pred, y], kwargs, expected(fn, pred, y, red, weight=torch.as_tensor(w), **extra))
    # weight broadcast with broadcast inputs
    pred, y, w = randn(4, 1), randn(3), rand(3)
    add(f"{fn}/weight-bcast-inputs/mean", fn, [pred, y], dict(extra, weight=w), expected(fn, pred, y, "mean", weight=w, **extra))
    # empty
    for red in ["mean", "sum", "none"]:  # torch: the mean of no elements is nan, the sum 0
        add(f"{fn}/empty/{red}", fn, [T([]), T([])], dict(extra, reduction=red), expected(fn, T([]), T([]), red, **extra))
    # errors
    add(f"{fn}/error/shape", fn, [randn(2), randn(3)], dict(extra), error="[2] and [3]")
    add(f"{fn}/error/shape2d", fn, [randn(2, 3), randn(3, 2)], dict(extra), error="[2, 3] and [3, 2]")
    add(f"{fn}/error/weight-shape", fn, [randn(4, 3), randn(4, 3)], dict(extra, weight=rand(4)), error="weight")
    add(f"{fn}/error/weight-expands", fn, [randn(3), randn(3)], dict(extra, weight=rand(2, 3)), error="weight")
    add(f"{fn}/error/reduction", fn, [randn(3), randn(3)], dict(extra, reduction="avg"), error="reduction")


# ---------------------------------------------------------------- mae, mse, rmse, huber, smooth_l1, log_cosh

for fn in ["mae", "mse", "rmse", "log_cosh"]:
    pointwise_cases(fn)
pointwise_cases("huber", {"delta": 1.0})
pointwise_cases("smooth_l1", {"beta": 1.0})
for d in [1.0, 0.5, 1e-3, 5.0]:
    pred, y = randn(6, 5, scale=2.0), randn(6, 5, scale=2.0)
    for red in ["mean", "sum", "none"]:
        add(f"huber/delta{d}/{red}", "huber", [pred, y], {"delta": d, "reduction": red},
            expected("huber", pred, y, red, delta=d))
for b in [1.0, 0.5, 1e-4, 0.0, 3.0]:
    pred, y = randn(6, 5, scale=2.0), randn(6, 5, scale=2.0)
    for red in ["mean", "sum", "none"]:
        add(f"smooth_l1/beta{b}/{red}", "smooth_l1", [pred, y], {"beta": b, "reduction": red},
            expected("smooth_l1", pred, y, red, beta=b))

# defaults: huber δ = 1 and smooth_l1 β = 1 coincide; the identity huber_δ = δ·smooth_l1_{β=δ}
pred, y = randn(10, scale=3.0), randn(10, scale=3.0)
add("huber/default-delta", "huber", [pred, y], {}, F.huber_loss(pred, y))
add("smooth_l1/default-beta", "smooth_l1", [pred, y], {}, F.smooth_l1_loss(pred, y))
add("smooth_l1/beta0-is-l1", "smooth_l1", [pred, y], {"beta": 0}, F.l1_loss(pred, y))
add("huber/identity-delta2.5", "huber", [pred, y], {"delta": 2.5}, 2.5 * F.smooth_l1_loss(pred, y, beta=2.5))
# at the boundary |e| = δ
add("huber/boundary", "huber", [T([1.0, -1.0, 2.0]), T([0.0, 0.0, 0.0])], {"delta": 1, "reduction": "none"},
    F.huber_loss(T([1.0, -1.0, 2.0]), T([0.0, 0.0, 0.0]), delta=1, reduction="none"))
add("smooth_l1/boundary", "smooth_l1", [T([1.0, -1.0, 2.0]), T([0.0, 0.0, 0.0])], {"beta": 1, "reduction": "none"},
    F.smooth_l1_loss(T([1.0, -1.0, 2.0]), T([0.0, 0.0, 0.0]), beta=1, reduction="none"))
add("huber/error/delta0", "huber", [randn(3), randn(3)], {"delta": 0}, error="delta")
add("huber/error/delta-neg", "huber", [randn(3), randn(3)], {"delta": -1}, error="delta")
add("smooth_l1/error/beta-neg", "smooth_l1", [randn(3), randn(3)], {"beta": -0.5}, error="beta")

# aliases
pred, y = randn(3, 4), randn(3, 4)
add("l1/alias", "l1", [pred, y], {}, F.l1_loss(pred, y))
add("l2/alias", "l2", [pred, y], {}, F.mse_loss(pred, y))
add("rmse/none-is-abs", "rmse", [pred, y], {"reduction": "none"}, (pred - y).abs())
add("rmse/sum-is-norm", "rmse", [pred, y], {"reduction": "sum"}, torch.dist(pred, y))

# log_cosh: huge and tiny errors (mpmath reference)
e = T([0.0, 1e-12, -1e-8, 1e-3, 0.5, -0.99, 1.0, 1.5, 20.0, -30.0, 710.0, 1000.0, -1e8, 1e300])
add("log_cosh/extreme/none", "log_cosh", [e, T(0.0)], {"reduction": "none"}, log_cosh_ref(e))
add("log_cosh/extreme/sum", "log_cosh", [T(0.0), -e], {"reduction": "sum"}, log_cosh_ref(e).sum())
add("log_cosh/inf", "log_cosh", [T([float("inf"), -float("inf")]), T([0.0, 0.0])], {"reduction": "none"},
    T([float("inf"), float("inf")]))
add("log_cosh/nan", "log_cosh", [T([float("nan"), 1.0]), T([0.0, 0.0])], {"reduction": "none"}, T([float("nan"), log_cosh_ref(T(1.0)).item()]))

# several blocks of the pairwise sum (the parallel path above 2^20 elements is checked in LossCoreTests)
mid_p, mid_y = randn(9000).round(decimals=4), randn(9000).round(decimals=4)  # 3 blocks of 4096; short decimals
add("mse/9000/mean", "mse", [mid_p, mid_y], {}, F.mse_loss(mid_p, mid_y), rtol=1e-12)
add("mae/9000/sum", "mae", [mid_p, mid_y], {"reduction": "sum"}, F.l1_loss(mid_p, mid_y, reduction="sum"), rtol=1e-12)
add("log_cosh/9000/mean", "log_cosh", [mid_p, mid_y], {}, log_cosh_ref(mid_p - mid_y).mean(), rtol=1e-12)

# ---------------------------------------------------------------- poisson_nll

def poisson_ref(inp, y, log_input=True, full=False, eps=1e-8, reduction="mean", weight=None):
    if weight is None:
        return F.poisson_nll_loss(inp, y, log_input=log_input, full=full, eps=eps, reduction=reduction)
    loss = F.poisson_nll_loss(inp, y, log_input=log_input, full=full, eps=eps, reduction="none") * weight
    return reduce(loss, reduction)


counts = T([[0.0, 1.0, 2.0, 5.0], [10.0, 0.5, 3.0, 1.5], [7.0, 0.0, 1.0, 25.0]])
log_rates = randn(3, 4)
rates = rand(3, 4) * 4 + 0.05
for log_input in [True, False]:
    inp = log_rates if log_input else rates
    for full in [False, True]:
        for red in ["mean", "sum", "none"]:
            add(f"poisson_nll/log_input={log_input}/full={full}/{red}", "poisson_nll", [inp, counts],
                {"log_input": log_input, "full": full, "reduction": red},
                poisson_ref(inp, counts, log_input, full, reduction=red))
for eps in [1e-8, 0.1, 0.0]:
    inp = T([0.0, 0.5, 2.0, 0.0])
    y = T([0.0, 1.0, 3.0, 2.0])
    add(f"poisson_nll/rate-eps{eps}/none", "poisson_nll", [inp, y], {"log_input": False, "eps": eps, "reduction": "none"},
        poisson_ref(inp, y, False, eps=eps, reduction="none"))
add("poisson_nll/defaults", "poisson_nll", [log_rates, counts], {}, F.poisson_nll_loss(log_rates, counts))
add("poisson_nll/scalar-target", "poisson_nll", [log_rates, 3.0], {"full": True},
    F.poisson_nll_loss(log_rates, T(3.0), full=True))
pi_ = randn(3, 1)
add("poisson_nll/bcast[3,1]-[3,4]", "poisson_nll", [pi_, counts], {"reduction": "none"}, F.poisson_nll_loss(pi_, counts, reduction="none"))
w = rand(4)
for red in ["mean", "sum", "none"]:
    add(f"poisson_nll/weight/{red}", "poisson_nll", [log_rates, counts], {"weight": w, "full": True, "reduction": red},
        poisson_ref(log_rates, counts, True, True, reduction=red, weight=w))
add("poisson_nll/rate-negative-is-nan", "poisson_nll", [T([-1.0]), T([2.0])], {"log_input": False, "reduction": "none"},
    F.poisson_nll_loss(T([-1.0]), T([2.0]), log_input=False, reduction="none"))
add("poisson_nll/error/shape", "poisson_nll", [randn(2), randn(3)], {}, error="[2] and [3]")

# ---------------------------------------------------------------- gaussian_nll

def gauss_ref(inp, y, var, full=False, eps=1e-6, reduction="mean", weight=None):
    if weight is None:
        return F.gaussian_nll_loss(inp, y, var, full=full, eps=eps, reduction=reduction)
    loss = F.gaussian_nll_loss(inp, y, var, full=full, eps=eps, reduction="none") * weight
    return reduce(loss, reduction)


mu, yy = randn(4, 3), randn(4, 3)
var_cases = [
    ("same[4,3]", rand(4, 3) * 2 + 0.01),
    ("nolast[4]", rand(4) * 2 + 0.01),
    ("last1[4,1]", rand(4, 1) * 2 + 0.01),
    ("first1[1,3]", rand(1, 3) * 2 + 0.01),
]
for label, v in var_cases:
    for full in [False, True]:
        for red in ["mean", "sum", "none"]:
            add(f"gaussian_nll/var-{label}/full={full}/{red}", "gaussian_nll", [mu, yy, v], {"full": full, "reduction": red},
                gauss_ref(mu, yy, v, full, reduction=red))
# a number: one variance for all (torch: a Python float)
for red in ["mean", "none"]:
    add(f"gaussian_nll/var-number/{red}", "gaussian_nll", [mu, yy, 0.7], {"reduction": red}, gauss_ref(mu, yy, 0.7, reduction=red))
# vector input with a 0-d variance (input shape without its last axis)
m1, y1 = randn(5), randn(5)
add("gaussian_nll/vector-var-number", "gaussian_nll", [m1, y1, 2.0], {"full": True}, gauss_ref(m1, y1, 2.0, True))
v5 = rand(5) + 0.1
add("gaussian_nll/vector-var[5]", "gaussian_nll", [m1, y1, v5], {"reduction": "sum"}, gauss_ref(m1, y1, v5, reduction="sum"))
# [N, C, H, W] with a per-pixel variance shared over channels
m4, y4 = randn(2, 3, 4, 4), randn(2, 3, 4, 4)
v4 = rand(2, 1, 4, 4) + 0.1
add("gaussian_nll/nchw-var[2,1,4,4]", "gaussian_nll", [m4, y4, v4], {}, gauss_ref(m4, y4, v4))
# target broadcasting
yrow = randn(3)
vv = rand(4, 3) + 0.1
add("gaussian_nll/target-bcast[3]", "gaussian_nll", [mu, yrow, vv], {"reduction": "none"}, gauss_ref(mu, yrow, vv, reduction="none"))
# eps clamping: zeros and tiny variances
vz = T([[0.0, 1e-9, 0.5], [2.0, 1e-7, 0.0], [1e-6, 3.0, 0.01], [0.2, 0.0, 1.0]])
for eps in [1e-6, 0.1, 1e-12]:
    for full in [False, True]:
        add(f"gaussian_nll/eps{eps}/full={full}/none", "gaussian_nll", [mu, yy, vz], {"eps": eps, "full": full, "reduction": "none"},
            gauss_ref(mu, yy, vz, full, eps=eps, reduction="none"))
wg = rand(4, 1)
for red in ["mean", "sum", "none"]:
    add(f"gaussian_nll/weight/{red}", "gaussian_nll", [mu, yy, var_cases[0][1]], {"weight": wg, "reduction": red},
        gauss_ref(mu, yy, var_cases[0][1], reduction=red, weight=wg))
# errors, as torch raises them
add("gaussian_nll/error/negative-var", "gaussian_nll", [mu, yy, T([[1.0, -0.5, 1.0]] * 4)], {}, error="non-negative")
add("gaussian_nll/error/negative-var-number", "gaussian_nll", [mu, yy, -1.0], {}, error="non-negative")
add("gaussian_nll/error/var-shape[3]", "gaussian_nll", [mu, yy, rand(3)], {}, error="does not fit input of shape [4, 3]")
add("gaussian_nll/error/var-shape[4,2]", "gaussian_nll", [mu, yy, rand(4, 2)], {}, error="[4, 2]")
add("gaussian_nll/error/var-shape[2,2,3]", "gaussian_nll", [mu, yy, rand(2, 2, 3)], {}, error="does not fit input of shape [4, 3]")
add("gaussian_nll/error/input-target", "gaussian_nll", [randn(4, 3), randn(4, 2), rand(4, 3)], {}, error="[4, 3] and [4, 2]")
# sanity check that torch raises for the same inputs
for bad in [T([[1.0, -0.5, 1.0]] * 4), rand(3), rand(4, 2), rand(2, 2, 3)]:
    try:
        F.gaussian_nll_loss(mu, yy, bad)
        raise SystemExit("torch accepted a var that the fixtures expect to fail")
    except ValueError:
        pass

# ---------------------------------------------------------------- dice, dice_score, tversky

def sample_dims(p):
    return tuple(range(1, p.dim())) if p.dim() >= 2 else tuple(range(p.dim()))


def dice_ref(p, g, smooth=0.0, squared=True, reduction="mean", score=False):
    d = sample_dims(p)
    num_ = 2 * (p * g).sum(d) + smooth
    den = ((p * p).sum(d) + (g * g).sum(d) if squared else p.sum(d) + g.sum(d)) + smooth
    s = torch.where(den == 0, torch.ones_like(den), num_ / torch.where(den == 0, torch.ones_like(den), den))
    loss = s if score else 1 - s
    return loss if p.dim() < 2 else reduce(loss, reduction)


def tversky_ref(p, g, alpha=0.5, beta=0.5, smooth=0.0, reduction="mean"):
    d = sample_dims(p)
    tp = (p * g).sum(d)
    fp = (p * (1 - g)).sum(d)
    fn = ((1 - p) * g).sum(d)
    den = tp + alpha * fp + beta * fn + smooth
    loss = torch.where(den == 0, torch.zeros_like(den), 1 - tp / torch.where(den == 0, torch.ones_like(den), den))
    return loss if p.dim() < 2 else reduce(loss, reduction)


seg_shapes = [("[16]", (16,)), ("[4,10]", (4, 10)), ("[2,3,5,5]", (2, 3, 5, 5)), ("[3,2,4,4,2]", (3, 2, 4, 4, 2))]
for label, shp in seg_shapes:
    p = rand(*shp)
    g = (rand(*shp) > 0.6).double()
    gs = rand(*shp)  # soft labels
    for fn, score in [("dice", False), ("dice_score", True)]:
        for red in ["mean", "sum", "none"]:
            add(f"{fn}/{label}/{red}", fn, [p, g], {"reduction": red}, dice_ref(p, g, reduction=red, score=score))
        for smooth in [1.0, 1e-5]:
            for squared in [True, False]:
                add(f"{fn}/{label}/smooth{smooth}/squared={squared}", fn, [p, g], {"smooth": smooth, "squared": squared},
                    dice_ref(p, g, smooth, squared, score=score))
        add(f"{fn}/{label}/soft-g/squared=false/none", fn, [p, gs], {"squared": False, "reduction": "none"},
            dice_ref(p, gs, squared=False, reduction="none", score=score))
    for a, b in [(0.5, 0.5), (0.3, 0.7), (0.7, 0.3), (1.0, 1.0), (0.0, 1.0)]:
        for red in ["mean", "sum", "none"]:
            add(f"tversky/{label}/a{a}-b{b}/{red}", "tversky", [p, g], {"alpha": a, "beta": b, "reduction": red},
                tversky_ref(p, g, a, b, reduction=red))
    add(f"tversky/{label}/smooth1", "tversky", [p, g], {"smooth": 1.0, "alpha": 0.4, "beta": 0.6},
        tversky_ref(p, g, 0.4, 0.6, smooth=1.0))
    add(f"tversky/{label}/defaults", "tversky", [p, gs], {}, tversky_ref(p, gs))
    # α = β = ½ is the Dice loss with squared: false
    add(f"tversky/{label}/equals-dice-linear", "tversky", [p, g], {"reduction": "none"},
        dice_ref(p, g, squared=False, reduction="none"))

# defaults of dice are squared: true, smooth: 0
p, g = rand(3, 8), (rand(3, 8) > 0.5).double()
add("dice/defaults", "dice", [p, g], {}, dice_ref(p, g))
# perfect prediction, disjoint prediction
add("dice/perfect", "dice", [g, g], {"reduction": "none"}, dice_ref(g, g, reduction="none"))
add("dice/disjoint", "dice", [T([1.0, 1.0, 0.0, 0.0]), T([0.0, 0.0, 1.0, 1.0])], {}, 1.0)
# empty prediction and empty target give 0 (score 1), with or without smooth
z = torch.zeros(2, 3, 4)
for fn, want in [("dice", 0.0), ("dice_score", 1.0)]:
    add(f"{fn}/all-zero/none", fn, [z, z], {"reduction": "none"}, T([want, want]))
    add(f"{fn}/all-zero/smooth1", fn, [z, z], {"smooth": 1.0}, want)
    add(f"{fn}/all-zero/squared=false", fn, [torch.zeros(5), torch.zeros(5)], {"squared": False}, want)
    add(f"{fn}/zero-elements[0]", fn, [T([]), T([])], {}, want)
    add(f"{fn}/zero-elements[2,0]/none", fn, [torch.zeros(2, 0), torch.zeros(2, 0)], {"reduction": "none"}, T([want, want]))
# one empty sample in a batch, the other not
pm = T([[0.0, 0.0, 0.0], [0.9, 0.1, 0.8]])
gm = T([[0.0, 0.0, 0.0], [1.0, 0.0, 1.0]])
add("dice/mixed-empty/none", "dice", [pm, gm], {"reduction": "none"}, dice_ref(pm, gm, reduction="none"))
add("dice/empty-pred-full-target", "dice", [torch.zeros(4), torch.ones(4)], {}, 1.0)
add("tversky/all-zero", "tversky", [z, z], {"reduction": "none"}, T([0.0, 0.0]))
add("tversky/all-zero/smooth1", "tversky", [z, z], {"smooth": 1.0}, 1.0)
add("tversky/alpha0-no-tp", "tversky", [T([1.0, 0.0]), T([0.0, 0.0])], {"alpha": 0.0}, 0.0)
add("dice/batch-of-zero/mean", "dice", [torch.zeros(0, 3), torch.zeros(0, 3)], {}, float("nan"))
add("dice/batch-of-zero/sum", "dice", [torch.zeros(0, 3), torch.zeros(0, 3)], {"reduction": "sum"}, 0.0)
# a vector is one sample: the reduction does not change it
pv, gv = rand(6), (rand(6) > 0.5).double()
for red in ["mean", "sum", "none"]:
    add(f"dice/vector-one-sample/{red}", "dice", [pv, gv], {"reduction": red}, dice_ref(pv, gv))
# errors
for fn in ["dice", "dice_score", "tversky"]:
    add(f"{fn}/error/shape", fn, [rand(2, 3), rand(2, 4)], {}, error="[2, 3] and [2, 4]")
    add(f"{fn}/error/p-range", fn, [T([0.5, 1.5]), T([0.0, 1.0])], {}, error="p must hold probabilities in [0, 1]")
    add(f"{fn}/error/g-range", fn, [T([0.5, 0.5]), T([-1.0, 1.0])], {}, error="g must hold probabilities")
    add(f"{fn}/error/p-nan", fn, [T([0.5, float("nan")]), T([0.0, 1.0])], {}, error="p must hold probabilities")
    add(f"{fn}/error/reduction", fn, [T([0.5, 0.5]), T([0.0, 1.0])], {"reduction": "avg"}, error="reduction")
add("dice/error/smooth-neg", "dice", [T([0.5]), T([1.0])], {"smooth": -1.0}, error="smooth")
add("tversky/error/alpha-neg", "tversky", [T([0.5]), T([1.0])], {"alpha": -0.1}, error="alpha")
add("tversky/error/beta-neg", "tversky", [T([0.5]), T([1.0])], {"beta": -0.1}, error="beta")


# ---------------------------------------------------------------- gradients (torch.autograd)

class LogCosh(torch.autograd.Function):
    """log cosh e at 50 digits (mpmath, as the forward fixtures) with d/de = tanh e."""

    @staticmethod
    def forward(ctx, e):
        ctx.save_for_backward(e)
        return log_cosh_ref(e)

    @staticmethod
    def backward(ctx, g):
        (e,) = ctx.saved_tensors
        return g * torch.tanh(e)


def safe_sqrt(s):
    """√s with gradient 0 where s = 0 (rmse at a perfect fit; torch's sqrt gives 0·∞ = nan)."""
    z = s == 0
    return torch.where(z, torch.zeros_like(s), torch.where(z, torch.ones_like(s), s).sqrt())


def poisson_loss(inp, y, log_input=True, full=False, eps=1e-8):
    """torch's poisson_nll_loss (reduction none), the Stirling term masked before its log (no 0·log 0 = nan)."""
    loss = torch.exp(inp) - y * inp if log_input else inp - y * torch.log(inp + eps)
    if full:
        big = y > 1
        ys = torch.where(big, y, torch.full_like(y, 2.0))
        st = ys * torch.log(ys) - ys + 0.5 * torch.log(2 * math.pi * ys)
        loss = loss + torch.where(big, st, torch.zeros_like(st))
    return loss


def torch_loss(fn, a, kw):
    """The case's output from torch ops, differentiable in every tensor of `a`."""
    red = kw.get("reduction", "mean")
    w = kw.get("weight")
    w = None if w is None else torch.as_tensor(w, dtype=torch.float64)

    def weighted(loss):
        return reduce(loss if w is None else loss * w, red)

    if fn in ("mae", "l1", "mse", "l2", "huber", "smooth_l1"):
        base = {"l1": "mae", "l2": "mse"}.get(fn, fn)
        return weighted(elem(base, a[0], a[1], **{k: v for k, v in kw.items() if k in ("delta", "beta")}))
    if fn == "rmse":
        sq = F.mse_loss(a[0], a[1], reduction="none")
        return safe_sqrt(weighted(sq))
    if fn == "log_cosh":
        p, t = torch.broadcast_tensors(a[0], a[1])
        return weighted(LogCosh.apply(p - t))
    if fn == "poisson_nll":
        return weighted(poisson_loss(a[0], a[1], kw.get("log_input", True), kw.get("full", False), kw.get("eps", 1e-8)))
    if fn == "gaussian_nll":
        inp, y, var = a
        if var.dim() == 0 and inp.dim() != 1:
            var = var.expand_as(inp)  # a number: one variance for all (torch takes a Python float)
        loss = F.gaussian_nll_loss(inp, y, var, full=kw.get("full", False), eps=kw.get("eps", 1e-6), reduction="none")
        return weighted(loss)
    if fn in ("dice", "dice_score"):
        return dice_ref(a[0], a[1], kw.get("smooth", 0.0), kw.get("squared", True), red, score=fn == "dice_score")
    if fn == "tversky":
        return tversky_ref(a[0], a[1], kw.get("alpha", 0.5), kw.get("beta", 0.5), kw.get("smooth", 0.0), red)
    raise ValueError(fn)


def dec(x):
    """A fixture ARG back to a float64 tensor."""
    if isinstance(x, dict):
        return torch.tensor([float(v) for v in x["data"]], dtype=torch.float64).reshape(x["shape"])
    return torch.tensor(float(x), dtype=torch.float64)


def same(a, b, rtol=1e-12):
    a, b = torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64)
    if a.shape != b.shape:
        return False
    both_nan = a.isnan() & b.isnan()
    close = (a == b) | ((a - b).abs() <= torch.clamp(rtol * b.abs(), min=1e-12))
    return bool((both_nan | close).all())


n_grads = 0
for c in cases:
    if "expected" not in c:
        continue
    kw = {k: (v if not isinstance(v, dict) else dec(v)) for k, v in c["kwargs"].items()}
    args = [dec(x) for x in c["args"]]
    out = torch_loss(c["fn"], args, kw)
    if not same(out.detach(), dec(c["expected"]), rtol=max(c.get("rtol", 1e-10), 1e-10)):
        raise SystemExit(f"{c['name']}: torch_loss gives {out} but the case expects {c['expected']}")
    grads = {}
    for i in range(len(args)):
        xs = [t.clone().requires_grad_(j == i) for j, t in enumerate(args)]
        o = torch_loss(c["fn"], xs, kw)
        o = o.sum() if o.dim() > 0 else o
        (gi,) = torch.autograd.grad(o, [xs[i]], allow_unused=True)
        if gi is None:
            gi = torch.zeros_like(xs[i])
        grads[str(i)] = enc(gi)
        n_grads += 1
        if c["fn"] == "poisson_nll":
            # the only difference from torch's own poisson_nll_loss: d/dy where y <= 0 with full (torch: nan)
            xt = [t.clone().requires_grad_(j == i) for j, t in enumerate(args)]
            o2 = F.poisson_nll_loss(xt[0], xt[1], log_input=kw.get("log_input", True), full=kw.get("full", False),
                                    eps=kw.get("eps", 1e-8), reduction="none")
            if kw.get("weight") is not None:
                o2 = o2 * kw["weight"]
            o2 = reduce(o2, kw.get("reduction", "mean")).sum()
            (gt,) = torch.autograd.grad(o2, [xt[i]])
            agree = (gi == gt) | (gi - gt).abs().le(1e-12 * gt.abs().clamp(min=1)) | (gi.isnan() & gt.isnan())
            allowed = (args[1] <= 0) & gt.isnan() if i == 1 and kw.get("full", False) else torch.zeros_like(agree)
            if not bool((agree | allowed).all()):
                raise SystemExit(f"{c['name']}: d/d arg {i} differs from torch's poisson_nll_loss beyond y <= 0: {gi} vs {gt}")
    c["grads"] = grads


names = [c["name"] for c in cases]
dupes = {n for n in names if names.count(n) > 1}
if dupes:
    raise SystemExit(f"duplicate case names: {sorted(dupes)}")

os.makedirs(os.path.dirname(OUT), exist_ok=True)
write_fixture(OUT, {"cases": cases})
print(f"wrote {len(cases)} cases with {n_grads} gradients to {os.path.relpath(OUT, ROOT)}")
