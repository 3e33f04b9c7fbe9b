#!/usr/bin/env python3
"""Reference fixtures for the class and channel axis (docs/reference.md §4.6, `axis:`).

Writes Tests/LossLangTests/Fixtures/axis.json in the shared fixture format (LossFixtureTests.swift
documents it; "grads" are torch.autograd float64 gradients of sum(out) by positional argument,
checked by GradFixtureTests.swift; AxisOptionTests.swift checks the gradients of "none" with other
upstream gradients from "vjp").

References, all float64:
- cross_entropy with logits: true, nll: torch `cross_entropy` and `nll_loss` themselves on torch's
  layout [N, C, d1, …] (axis: 1), with weight, ignore_index, label_smoothing and the three
  reductions, on 3-D and 4-D (and 5-D) inputs, class-index and class-probability targets. Other axes
  (e.g. channels last with axis: -1 … or axis: 2) are torch on the tensor with the class axis moved
  to 1 (`movedim`), autograd moving the gradient back.
- cross_entropy on probabilities (logits: false): torch's cross_entropy formula transcribed with
  log p (clamped at −100) in place of log_softmax(x) — checked here against torch `cross_entropy`
  on logits — because torch's cross_entropy would renormalise p (its gradient differs by the
  log_softmax Jacobian).
- focal, poly1, poly with class-index targets: torch has no counterpart; a float64 port on torch's
  layout: log p_t = −torch `cross_entropy(x, y, reduction="none")` (logits) or log p[y] clamped
  (probabilities), 1 − p_t = −expm1(log p_t) (logits) or 1 − p[y]; focal −α[y]·(1 − p_t)^γ·log p_t
  (Lin et al. 2017), poly1 −log p_t + ε·(1 − p_t) (optax `poly_loss_cross_entropy`'s formula; with
  γ the Poly-1 focal form), poly −log p_t + Σ_j ε_j (1 − p_t)^j (Leng et al. 2022, eq. 3).
  focal with binary labels of p's shape and axis: torchvision `ops.sigmoid_focal_loss` itself.
- dice, dice_score, tversky with axis: MONAI `DiceLoss` / `TverskyLoss` themselves (float64 tensors),
  reduction "none" reshaped from MONAI's [N, C, 1, …] to [N, C]; smooth: s is
  smooth_nr = smooth_dr = s, squared: squared_pred; tversky is TverskyLoss(smooth_nr=0, smooth_dr=s);
  dice_score is 1 − DiceLoss. Where MONAI gives nan (smooth 0 and an empty channel) there is no
  reference: the value there (loss 0) is checked against MONAI with smooth 1e-300 (values only).
- onehot with axis: torch `one_hot(y, C).movedim(-1, axis)` and MONAI `one_hot(y[:, None], C, dim=1)`.

Fixed seeds; run by hand (needs torch, torchvision and monai):

    python3 Scripts/gen_fixtures_axis.py
"""
import math
import os
import warnings

import torch
import torch.nn.functional as F

from fixture_common import encode as enc, make_case, write_fixture, torch_case

torch.set_default_dtype(torch.float64)
warnings.filterwarnings("ignore")

import monai  # noqa: E402
from monai.losses import DiceLoss, TverskyLoss  # noqa: E402
from monai.networks.utils import one_hot as monai_one_hot  # noqa: E402
from torchvision.ops import sigmoid_focal_loss  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "LossLangTests", "Fixtures", "axis.json")

cases = []
gen = torch.Generator().manual_seed(20261208)


def T(x):
    return torch.tensor(x, dtype=torch.float64)


def randn(*shape, scale=1.0):
    return (torch.randn(shape, generator=gen) * scale).round(decimals=6)


def rand(*shape):
    return torch.rand(shape, generator=gen).round(decimals=6)


def labels(c, *shape):
    return torch.randint(0, c, shape, generator=gen).double()


def add(*args, **kwargs):
    """A case computed in torch (fixture_common.torch_case)."""
    cases.append(torch_case(*args, **kwargs))


REDS = ("mean", "sum", "none")


def to1(t, axis):
    """t with its class axis `axis` moved to 1 (torch's layout)."""
    return t if axis == 1 else t.movedim(axis, 1).contiguous()


# ---------------------------------------------------------------- cross_entropy (torch)


def ce_torch(axis, iaxis=None, **kw):
    """torch cross_entropy on torch's layout; `iaxis`: where the class axis of the index target's
    missing dimension would be (the target is unchanged: it has p's shape without the class axis)."""
    def f(x, y):
        xm = to1(x, axis)
        if y.dim() == x.dim():
            return F.cross_entropy(xm, to1(y, axis), **kw)
        return F.cross_entropy(xm, y.long(), **kw)
    return f


def ce_from_logp(logp, y, weight=None, ignore_index=-100, label_smoothing=0.0, reduction="mean"):
    """torch's cross_entropy (aten cross_entropy_loss_label_smoothing / _prob_target) transcribed on
    log-probabilities in torch's layout [N, C, …]: what cross_entropy(p, y) computes on p (log p
    clamped at −100) without renormalising p."""
    c = logp.shape[1]
    shape = [1, c] + [1] * (logp.dim() - 2)
    w = weight.view(shape) if weight is not None else None
    eps = label_smoothing
    if y.dim() == logp.dim():   # class probabilities
        t = y * (1 - eps) + eps / c
        terms = logp * t if w is None else logp * t * w
        loss = -terms.sum(1)
        return loss if reduction == "none" else (loss.sum() if reduction == "sum" else loss.sum() / loss.numel())
    yl = y.long()
    ignore = yl == ignore_index
    safe = torch.where(ignore, torch.zeros_like(yl), yl)
    picked = logp.gather(1, safe.unsqueeze(1)).squeeze(1)
    wy = weight[safe] if weight is not None else torch.ones_like(picked)
    wy = torch.where(ignore, torch.zeros_like(wy), wy)
    nll = -picked * wy
    smooth = -(logp if w is None else logp * w).sum(1)
    smooth = torch.where(ignore, torch.zeros_like(smooth), smooth)
    if reduction == "none":
        return (1 - eps) * nll + eps / c * smooth
    if reduction == "sum":
        return (1 - eps) * nll.sum() + eps / c * smooth.sum()
    den = wy.sum()
    return (1 - eps) * nll.sum() / den + eps / c * smooth.sum() / den


def ce_prob(axis, **kw):
    def f(p, y):
        logp = torch.log(to1(p, axis)).clamp(min=-100)
        return ce_from_logp(logp, to1(y, axis) if y.dim() == p.dim() else y, **kw)
    return f


# the transcription is torch's formula: on log_softmax(x) it gives torch cross_entropy(x)
_x, _y, _w = randn(3, 4, 5), labels(4, 3, 5), rand(4) + 0.2
_y[0, 1] = -100
_yp = F.softmax(randn(3, 4, 5), dim=1)
for _kw in ({}, {"weight": _w}, {"label_smoothing": 0.2}, {"weight": _w, "label_smoothing": 0.3}):
    for _red in REDS:
        for _t in (_y, _yp):
            a = ce_from_logp(F.log_softmax(_x, 1), _t, reduction=_red, **_kw)
            b = F.cross_entropy(_x, _t if _t.dim() == 3 else _t.long(), reduction=_red, **_kw)
            assert torch.allclose(a, b, rtol=1e-13, atol=1e-15), (_kw, _red, a, b)

# 3-D [N, C, L] and 4-D [N, C, H, W], class-index targets, logits
for shape in ((4, 5, 6), (2, 3, 4, 5)):
    dims = "x".join(map(str, shape))
    n, c, rest = shape[0], shape[1], shape[2:]
    x = randn(*shape, scale=2)
    y = labels(c, n, *rest)
    w = rand(c) + 0.1
    yig = y.clone()
    yig.view(-1)[::3] = -100
    yig1 = y.clone()   # ignore_index a real class
    for red in REDS:
        add(f"cross_entropy/{dims}/{red}", "cross_entropy", [x, y], {"logits": True, "axis": 1, "reduction": red},
            ce_torch(1, reduction=red), diff=[0], grad_error={1: "class indices"})
        add(f"cross_entropy/{dims}/weight/{red}", "cross_entropy", [x, y], {"logits": True, "axis": 1, "weight": w, "reduction": red},
            ce_torch(1, weight=w, reduction=red), diff=[0])
        add(f"cross_entropy/{dims}/ignore/{red}", "cross_entropy", [x, yig], {"logits": True, "axis": 1, "ignore_index": -100, "reduction": red},
            ce_torch(1, ignore_index=-100, reduction=red), diff=[0])
        add(f"cross_entropy/{dims}/ignore-class1/{red}", "cross_entropy", [x, yig1], {"logits": True, "axis": 1, "ignore_index": 1, "reduction": red},
            ce_torch(1, ignore_index=1, reduction=red), diff=[0])
        add(f"cross_entropy/{dims}/smoothing/{red}", "cross_entropy", [x, y], {"logits": True, "axis": 1, "label_smoothing": 0.1, "reduction": red},
            ce_torch(1, label_smoothing=0.1, reduction=red), diff=[0])
        add(f"cross_entropy/{dims}/all/{red}", "cross_entropy", [x, yig],
            {"logits": True, "axis": 1, "weight": w, "ignore_index": -100, "label_smoothing": 0.25, "reduction": red},
            ce_torch(1, weight=w, ignore_index=-100, label_smoothing=0.25, reduction=red), diff=[0])
    # class-probability targets of p's shape (gradient with respect to both)
    yp = F.softmax(randn(*shape), dim=1).round(decimals=8)
    for red in REDS:
        add(f"cross_entropy/{dims}/probs-target/{red}", "cross_entropy", [x, yp], {"logits": True, "axis": 1, "reduction": red},
            ce_torch(1, reduction=red), diff=[0, 1])
        add(f"cross_entropy/{dims}/probs-target/weight-smoothing/{red}", "cross_entropy", [x, yp],
            {"logits": True, "axis": 1, "weight": w, "label_smoothing": 0.2, "reduction": red},
            ce_torch(1, weight=w, label_smoothing=0.2, reduction=red), diff=[0, 1])
    # probabilities (logits: false): torch's formula on log p
    p = F.softmax(x, dim=1)
    for red in REDS:
        add(f"cross_entropy/{dims}/probabilities/{red}", "cross_entropy", [p, y], {"axis": 1, "reduction": red},
            ce_prob(1, reduction=red), diff=[0])
        add(f"cross_entropy/{dims}/probabilities/all/{red}", "cross_entropy", [p, yig],
            {"axis": 1, "weight": w, "ignore_index": -100, "label_smoothing": 0.1, "reduction": red},
            ce_prob(1, weight=w, ignore_index=-100, label_smoothing=0.1, reduction=red), diff=[0])
        add(f"cross_entropy/{dims}/probabilities/probs-target/{red}", "cross_entropy", [p, yp], {"axis": 1, "reduction": red},
            ce_prob(1, reduction=red), diff=[0, 1])

# 5-D [N, C, D, H, W]
x5, y5 = randn(2, 3, 2, 3, 2, scale=2), labels(3, 2, 2, 3, 2)
add("cross_entropy/5d/none", "cross_entropy", [x5, y5], {"logits": True, "axis": 1, "reduction": "none"},
    ce_torch(1, reduction="none"), diff=[0])
add("cross_entropy/5d/mean", "cross_entropy", [x5, y5], {"logits": True, "axis": 1, "label_smoothing": 0.05},
    ce_torch(1, label_smoothing=0.05), diff=[0])

# other axes: channels last of a 4-D input given as axis: 3 (= −1: nothing moves), middle axes, negative axes
x, w = randn(2, 4, 3, 5, scale=1.5), rand(3) + 0.5
for axis, spelled in ((2, 2), (2, -2), (0, 0), (0, -4), (3, 3), (3, -1), (1, -3)):
    c = x.shape[axis]
    rows = [d for i, d in enumerate(x.shape) if i != axis]
    y = labels(c, *rows)
    kw = {"weight": rand(c) + 0.5, "label_smoothing": 0.1}
    for red in ("mean", "none"):
        add(f"cross_entropy/axis{spelled}/{red}", "cross_entropy", [x, y], {"logits": True, "axis": spelled, "reduction": red, **kw},
            ce_torch(axis, reduction=red, **kw), diff=[0])
    yp = F.softmax(randn(*x.shape), dim=axis)
    add(f"cross_entropy/axis{spelled}/probs-target", "cross_entropy", [x, yp], {"logits": True, "axis": spelled, "reduction": "none"},
        ce_torch(axis, reduction="none"), diff=[0, 1])

# edge cases
xe = randn(2, 3, 2, 2)
add("cross_entropy/edge/ignore-everywhere/mean", "cross_entropy", [xe, torch.full((2, 2, 2), -100.0)],
    {"logits": True, "axis": 1, "ignore_index": -100}, ce_torch(1, ignore_index=-100))
add("cross_entropy/edge/ignore-everywhere/sum", "cross_entropy", [xe, torch.full((2, 2, 2), -100.0)],
    {"logits": True, "axis": 1, "ignore_index": -100, "reduction": "sum"}, ce_torch(1, ignore_index=-100, reduction="sum"), diff=[0])
add("cross_entropy/edge/ignore-everywhere/none", "cross_entropy", [xe, torch.full((2, 2, 2), 2.0)],
    {"logits": True, "axis": 1, "ignore_index": 2, "reduction": "none"}, ce_torch(1, ignore_index=2, reduction="none"), diff=[0])
add("cross_entropy/edge/single-pixel", "cross_entropy", [randn(1, 4, 1, 1), T([[[2.0]]])], {"logits": True, "axis": 1, "reduction": "none"},
    ce_torch(1, reduction="none"), diff=[0])
add("cross_entropy/edge/one-class", "cross_entropy", [randn(2, 1, 3), torch.zeros(2, 3)], {"logits": True, "axis": 1},
    ce_torch(1), diff=[0])
add("cross_entropy/edge/absent-class", "cross_entropy", [randn(2, 4, 3), T([[0, 0, 1], [1, 0, 0]])],
    {"logits": True, "axis": 1, "weight": T([1.0, 2.0, 0.5, 3.0])}, ce_torch(1, weight=T([1.0, 2.0, 0.5, 3.0])), diff=[0])
add("cross_entropy/edge/saturated", "cross_entropy", [T([[[1000.0, -1000.0]], [[-1000.0, 1000.0]], [[0.0, 0.0]]]).permute(1, 0, 2).contiguous(),
                                                      T([[1, 2]])],
    {"logits": True, "axis": 1, "reduction": "none"}, ce_torch(1, reduction="none"), diff=[0])
add("cross_entropy/edge/vector-axis0", "cross_entropy", [T([2.0, 1.0, 0.1]), T(0.0)], {"logits": True, "axis": 0},
    lambda a, b: F.cross_entropy(a, b.long()), diff=[0])
add("cross_entropy/edge/empty-batch", "cross_entropy", [torch.zeros(0, 3, 2), torch.zeros(0, 2)], {"logits": True, "axis": 1, "reduction": "sum"},
    ce_torch(1, reduction="sum"), diff=[0])
# errors
xr, yr = randn(2, 3, 4), labels(3, 2, 4)
add("cross_entropy/error/axis-range", "cross_entropy", [xr, yr], {"logits": True, "axis": 3},
    error="cross_entropy: axis 3 is out of range for p of shape [2, 3, 4] (valid axes: -3 to 2)")
add("cross_entropy/error/axis-negative", "cross_entropy", [xr, yr], {"logits": True, "axis": -4}, error="axis -4 is out of range for p of shape [2, 3, 4]")
add("cross_entropy/error/axis-number", "cross_entropy", [T(0.5), T(0.0)], {"axis": 0}, error="axis 0 is out of range")
add("cross_entropy/error/axis-fraction", "cross_entropy", [xr, yr], {"logits": True, "axis": 1.5}, error="axis must be an integer")
add("cross_entropy/error/target-shape", "cross_entropy", [xr, labels(3, 2, 3)], {"logits": True, "axis": 1},
    error="p's shape without the class axis 1, [2, 4] (class indices), got [2, 3]")
add("cross_entropy/error/class-range", "cross_entropy", [xr, torch.full((2, 4), 3.0)], {"logits": True, "axis": 1}, error="out of range for 3 classes")
add("cross_entropy/error/probabilities-position", "cross_entropy", [T([[[0.5, 0.2], [0.5, 1.8]]]), T([[0.0, 1.0]])], {"axis": 1},
    error="p must hold probabilities in [0, 1], got 1.8 at index [0, 1, 1]")
add("cross_entropy/error/ignore-probs", "cross_entropy", [xr, F.softmax(xr, 1)], {"logits": True, "axis": 1, "ignore_index": 0},
    error="ignore_index (0) applies to class-index targets, but y has p's shape [2, 3, 4]")

# ---------------------------------------------------------------- nll (torch nll_loss)


def nll_torch(axis, **kw):
    return lambda lp, y: F.nll_loss(to1(lp, axis), y.long(), **kw)


for shape in ((4, 5, 6), (2, 3, 4, 5)):
    dims = "x".join(map(str, shape))
    n, c, rest = shape[0], shape[1], shape[2:]
    lp = F.log_softmax(randn(*shape, scale=2), dim=1)
    y = labels(c, n, *rest)
    w = rand(c) + 0.1
    yig = y.clone()
    yig.view(-1)[1::4] = -100
    for red in REDS:
        add(f"nll/{dims}/{red}", "nll", [lp, y], {"axis": 1, "reduction": red}, nll_torch(1, reduction=red), diff=[0],
            grad_error={1: "class indices"})
        add(f"nll/{dims}/weight-ignore/{red}", "nll", [lp, yig], {"axis": 1, "weight": w, "ignore_index": -100, "reduction": red},
            nll_torch(1, weight=w, ignore_index=-100, reduction=red), diff=[0])
lp = randn(3, 2, 4, 5)   # log-probabilities are used as given: any numbers
for axis, spelled in ((2, -2), (3, -1), (0, 0)):
    c = lp.shape[axis]
    y = labels(c, *[d for i, d in enumerate(lp.shape) if i != axis])
    add(f"nll/axis{spelled}/none", "nll", [lp, y], {"axis": spelled, "reduction": "none"}, nll_torch(axis, reduction="none"), diff=[0])
    wc = rand(c) + 0.5
    add(f"nll/axis{spelled}/weight", "nll", [lp, y], {"axis": spelled, "weight": wc}, nll_torch(axis, weight=wc), diff=[0])
add("nll/edge/ignore-everywhere", "nll", [randn(2, 3, 2), torch.full((2, 2), 1.0)], {"axis": 1, "ignore_index": 1, "reduction": "sum"},
    nll_torch(1, ignore_index=1, reduction="sum"), diff=[0])
add("nll/edge/ignore-everywhere/mean", "nll", [randn(2, 3, 2), torch.full((2, 2), 1.0)], {"axis": 1, "ignore_index": 1},
    nll_torch(1, ignore_index=1))
add("nll/edge/single-pixel", "nll", [randn(1, 3, 1, 1), T([[[1.0]]])], {"axis": 1, "reduction": "none"}, nll_torch(1, reduction="none"), diff=[0])
add("nll/example", "nll", [T([[[-0.5, -2], [-1, -0.2], [-2, -3]]]), T([[0, 1]])], {"axis": 1}, nll_torch(1), diff=[0])
add("nll/error/axis-range", "nll", [randn(2, 3, 4), labels(3, 2, 4)], {"axis": -5},
    error="nll: axis -5 is out of range for logp of shape [2, 3, 4] (valid axes: -3 to 2)")
add("nll/error/same-shape", "nll", [randn(2, 3, 4), rand(2, 3, 4)], {"axis": 1},
    error="nll: y must have logp's shape without the class axis 1, [2, 4] (class indices), got [2, 3, 4]")

# ---------------------------------------------------------------- focal, poly1, poly with class indices (float64 port)


def log_pt(x, y, logits):
    """log p_t and 1 − p_t on torch's layout [N, C, …], y class indices [N, …]."""
    if logits:
        lp = -F.cross_entropy(x, y.long(), reduction="none")
        return lp, -torch.expm1(lp)
    pt = x.gather(1, y.long().unsqueeze(1)).squeeze(1)
    return torch.log(pt).clamp(min=-100), 1 - pt


def red_of(loss, red):
    return loss if red == "none" else (loss.sum() if red == "sum" else loss.mean())


def focal_port(axis, gamma=2.0, alpha=None, logits=True, red="mean"):
    def f(x, y):
        lp, q = log_pt(to1(x, axis), y, logits)
        loss = -(q ** gamma) * lp
        if alpha is not None:
            a = alpha if alpha.dim() == 0 else alpha[y.long()]
            loss = a * loss
        return red_of(loss, red)
    return f


def poly1_port(axis, eps=1.0, gamma=0.0, logits=True, red="mean"):
    def f(x, y):
        lp, q = log_pt(to1(x, axis), y, logits)
        loss = -lp + eps * q if gamma == 0 else -(q ** gamma) * lp + eps * q ** (gamma + 1)
        return red_of(loss, red)
    return f


def poly_port(axis, eps, logits=True, red="mean"):
    def f(x, y):
        lp, q = log_pt(to1(x, axis), y, logits)
        loss = -lp
        for j, e in enumerate(eps, start=1):
            loss = loss + e * q ** j
        return red_of(loss, red)
    return f


for shape in ((3, 4, 5), (2, 3, 4, 4)):
    dims = "x".join(map(str, shape))
    n, c, rest = shape[0], shape[1], shape[2:]
    x = randn(*shape, scale=2)
    p = F.softmax(x, dim=1)
    y = labels(c, n, *rest)
    al = rand(c) + 0.1
    for red in REDS:
        add(f"focal/{dims}/{red}", "focal", [x, y], {"logits": True, "axis": 1, "reduction": red},
            focal_port(1, red=red), diff=[0], grad_error={1: "class indices"})
        add(f"focal/{dims}/alpha-vector/{red}", "focal", [x, y], {"logits": True, "axis": 1, "gamma": 1.5, "alpha": al, "reduction": red},
            focal_port(1, 1.5, al, red=red), diff=[0])
        add(f"focal/{dims}/probabilities/{red}", "focal", [p, y], {"axis": 1, "gamma": 0.5, "alpha": 0.25, "reduction": red},
            focal_port(1, 0.5, T(0.25), logits=False, red=red), diff=[0])
        add(f"poly1/{dims}/{red}", "poly1", [x, y], {"logits": True, "axis": 1, "reduction": red},
            poly1_port(1, red=red), diff=[0], grad_error={1: "class indices"})
        add(f"poly1/{dims}/focal-form/{red}", "poly1", [x, y], {"logits": True, "axis": 1, "epsilon": -1, "gamma": 2, "reduction": red},
            poly1_port(1, -1.0, 2.0, red=red), diff=[0])
        add(f"poly1/{dims}/probabilities/{red}", "poly1", [p, y], {"axis": 1, "epsilon": 2, "reduction": red},
            poly1_port(1, 2.0, logits=False, red=red), diff=[0])
        add(f"poly/{dims}/{red}", "poly", [x, y], {"logits": True, "axis": 1, "epsilon": T([1.0, 0.5, -0.25]), "reduction": red},
            poly_port(1, [1.0, 0.5, -0.25], red=red), diff=[0], grad_error={1: "class indices"})
        add(f"poly/{dims}/probabilities/{red}", "poly", [p, y], {"axis": 1, "epsilon": T([2.0, 1.0]), "reduction": red},
            poly_port(1, [2.0, 1.0], logits=False, red=red), diff=[0])
x = randn(2, 5, 3, 4)
for axis, spelled in ((2, -2), (0, 0), (3, -1)):
    c = x.shape[axis]
    y = labels(c, *[d for i, d in enumerate(x.shape) if i != axis])
    add(f"focal/axis{spelled}", "focal", [x, y], {"logits": True, "axis": spelled, "reduction": "none"},
        focal_port(axis, red="none"), diff=[0])
    add(f"poly1/axis{spelled}", "poly1", [x, y], {"logits": True, "axis": spelled, "epsilon": 0.5, "reduction": "none"},
        poly1_port(axis, 0.5, red="none"), diff=[0])
    add(f"poly/axis{spelled}", "poly", [x, y], {"logits": True, "axis": spelled, "epsilon": T([0.5, 0.5]), "reduction": "none"},
        poly_port(axis, [0.5, 0.5], red="none"), diff=[0])
# saturated logits: p_t ≈ 1 (1 − p_t ≈ e^-40) and p_t ≈ e^-60
xs = T([[[40.0, 0.0], [0.0, 60.0], [0.0, 0.0]]])
# (γ = 0.5: values only: at x = [40, 0, 0] torch's log-sum-exp rounds 1 − p_t to 0 and its gradient of q^0.5 is
# nan; here it is 0, the limit q → 0 of the focal gradient)
add("focal/edge/saturated", "focal", [xs, T([[0, 0]])], {"logits": True, "axis": 1, "gamma": 0.5, "reduction": "none"},
    focal_port(1, 0.5, red="none"))
add("focal/edge/saturated/gamma2", "focal", [xs, T([[0, 0]])], {"logits": True, "axis": 1, "gamma": 2, "reduction": "none"},
    focal_port(1, 2.0, red="none"), diff=[0])
add("poly1/edge/saturated", "poly1", [xs, T([[0, 0]])], {"logits": True, "axis": 1, "reduction": "none"},
    poly1_port(1, red="none"), diff=[0])
add("focal/edge/single-pixel", "focal", [randn(1, 3, 1, 1), T([[[2.0]]])], {"logits": True, "axis": 1}, focal_port(1), diff=[0])
# binary labels of p's shape are element-wise: axis changes nothing (torchvision sigmoid_focal_loss itself)
xb, yb = randn(2, 3, 4, 4, scale=2), (rand(2, 3, 4, 4) > 0.6).double()
for red in REDS:
    add(f"focal/binary/torchvision/{red}", "focal", [xb, yb], {"logits": True, "axis": 1, "alpha": 0.25, "reduction": red},
        lambda a, b, red=red: sigmoid_focal_loss(a, b, alpha=0.25, gamma=2.0, reduction=red), diff=[0, 1])
add("focal/binary/torchvision/axis-last", "focal", [xb, yb], {"logits": True, "axis": -1, "alpha": 0.4, "gamma": 1.0, "reduction": "none"},
    lambda a, b: sigmoid_focal_loss(a, b, alpha=0.4, gamma=1.0, reduction="none"), diff=[0, 1])
add("poly1/binary/axis", "poly1", [torch.sigmoid(xb), yb], {"axis": 1, "reduction": "sum"},
    lambda a, b: (F.binary_cross_entropy(a, b, reduction="none") + (b * (1 - a) + (1 - b) * a)).sum(), diff=[0])
add("focal/error/axis-range", "focal", [xb, yb], {"logits": True, "axis": 4}, error="focal: axis 4 is out of range for p of shape [2, 3, 4, 4]")
add("poly1/error/axis-range", "poly1", [x, labels(5, 2, 3, 4)], {"logits": True, "axis": -5}, error="poly1: axis -5 is out of range for p of shape [2, 5, 3, 4]")
add("poly/error/target-shape", "poly", [x, labels(5, 2, 3, 4)], {"logits": True, "axis": 2},
    error="poly: y must have p's shape [2, 5, 3, 4] (binary labels) or p's shape without the class axis 2, [2, 5, 4] (class indices), got [2, 3, 4]")
add("focal/error/class-range", "focal", [x, torch.full((2, 3, 4), 5.0)], {"logits": True, "axis": 1}, error="out of range for 5 classes")

# ---------------------------------------------------------------- dice, dice_score, tversky (MONAI)


def monai_dice(axis, include_background=True, squared=False, smooth=1e-5, red="mean", score=False):
    loss = DiceLoss(include_background=include_background, squared_pred=squared, smooth_nr=smooth, smooth_dr=smooth,
                    reduction=red)

    none = DiceLoss(include_background=include_background, squared_pred=squared, smooth_nr=smooth, smooth_dr=smooth,
                    reduction="none")

    def f(p, g):
        if score:   # the coefficient 1 − f per sample and channel, then reduced
            out = 1 - none(to1(p, axis), to1(g, axis))
            out = out.reshape(out.shape[0], out.shape[1])
            return out if red == "none" else (out.sum() if red == "sum" else out.mean())
        out = loss(to1(p, axis), to1(g, axis))
        return out.reshape(out.shape[0], out.shape[1]) if red == "none" else out
    return f


def monai_tversky(axis, alpha=0.5, beta=0.5, smooth=0.0, include_background=True, red="mean"):
    loss = TverskyLoss(include_background=include_background, alpha=alpha, beta=beta, smooth_nr=0.0, smooth_dr=smooth,
                       reduction=red)

    def f(p, g):
        out = loss(to1(p, axis), to1(g, axis))
        return out.reshape(out.shape[0], out.shape[1]) if red == "none" else out
    return f


def seg_case(n, c, *rest, soft=False):
    """softmax probabilities [N, C, …] and one-hot masks (or soft labels) of the same shape."""
    p = F.softmax(randn(n, c, *rest, scale=2), dim=1).round(decimals=8)
    y = labels(c, n, *rest).long()
    g = F.one_hot(y, c).movedim(-1, 1).double()
    if soft:
        g = rand(n, c, *rest)
    return p, g, y


# MONAI's defaults and the V-Net form, with and without the background, 3-D/4-D/5-D inputs
for dims in ((2, 3, 6), (2, 3, 4, 5), (2, 4, 2, 3, 3)):
    name = "x".join(map(str, dims))
    p, g, _ = seg_case(*dims)
    for red in REDS:
        for squared in (False, True):
            for smooth in (1e-5, 0.0, 1.0):
                for bg in (True, False):
                    kw = {"axis": 1, "smooth": smooth, "squared": squared, "include_background": bg, "reduction": red}
                    add(f"dice/{name}/sq{squared}/s{smooth}/bg{bg}/{red}", "dice", [p, g], kw,
                        monai_dice(1, bg, squared, smooth, red), diff=[0, 1])
        add(f"dice_score/{name}/{red}", "dice_score", [p, g], {"axis": 1, "smooth": 1e-5, "squared": False, "reduction": red},
            monai_dice(1, True, False, 1e-5, red, score=True), diff=[0, 1])
        add(f"dice_score/{name}/nobg/{red}", "dice_score", [p, g],
            {"axis": 1, "smooth": 0.5, "include_background": False, "reduction": red},
            monai_dice(1, False, True, 0.5, red, score=True), diff=[0, 1])
        for a, b, s in ((0.3, 0.7, 1e-5), (0.5, 0.5, 0.0), (1.0, 1.0, 1.0)):
            add(f"tversky/{name}/a{a}-b{b}-s{s}/{red}", "tversky", [p, g],
                {"axis": 1, "alpha": a, "beta": b, "smooth": s, "reduction": red},
                monai_tversky(1, a, b, s, red=red), diff=[0, 1])
        add(f"tversky/{name}/nobg/{red}", "tversky", [p, g],
            {"axis": 1, "alpha": 0.2, "beta": 0.8, "smooth": 1e-5, "include_background": False, "reduction": red},
            monai_tversky(1, 0.2, 0.8, 1e-5, False, red=red), diff=[0, 1])
# MONAI's defaults exactly: DiceLoss() (smooth 1e-5 both, squared_pred false, mean over N and C)
p, g, _ = seg_case(3, 4, 5, 5)
add("dice/monai-defaults", "dice", [p, g], {"axis": 1, "smooth": 1e-5, "squared": False},
    lambda a, b: DiceLoss()(a, b), diff=[0, 1])
add("dice/monai-defaults/to_onehot_y", "dice", [p, g], {"axis": 1, "smooth": 1e-5, "squared": False},
    lambda a, b: DiceLoss(to_onehot_y=True)(a, b.argmax(1, keepdim=True)), diff=[0])
# soft labels
p, g, _ = seg_case(2, 3, 4, 4, soft=True)
for squared in (False, True):
    add(f"dice/soft-labels/sq{squared}", "dice", [p, g], {"axis": 1, "smooth": 1e-5, "squared": squared, "reduction": "none"},
        monai_dice(1, True, squared, 1e-5, "none"), diff=[0, 1])
add("tversky/soft-labels", "tversky", [p, g], {"axis": 1, "alpha": 0.4, "beta": 0.6, "smooth": 1e-5, "reduction": "none"},
    monai_tversky(1, 0.4, 0.6, 1e-5, red="none"), diff=[0, 1])
# other channel axes: channels last [N, H, W, C] (axis: -1 and 3), a middle axis
p, g, _ = seg_case(2, 3, 4, 5)
pl, gl = p.movedim(1, -1).contiguous(), g.movedim(1, -1).contiguous()
for spelled in (3, -1):
    add(f"dice/channels-last/axis{spelled}", "dice", [pl, gl], {"axis": spelled, "smooth": 1e-5, "squared": False, "reduction": "none"},
        monai_dice(3, True, False, 1e-5, "none"), diff=[0, 1])
add("dice/channels-last/nobg-mean", "dice", [pl, gl], {"axis": -1, "smooth": 1e-5, "squared": False, "include_background": False},
    monai_dice(3, False, False, 1e-5, "mean"), diff=[0, 1])
pm, gm = p.movedim(1, 2).contiguous(), g.movedim(1, 2).contiguous()
add("dice/axis2/nobg", "dice", [pm, gm], {"axis": 2, "smooth": 1e-5, "squared": True, "include_background": False, "reduction": "none"},
    monai_dice(2, False, True, 1e-5, "none"), diff=[0, 1])
add("tversky/channels-last", "tversky", [pl, gl], {"axis": -1, "alpha": 0.7, "beta": 0.3, "smooth": 1e-5, "reduction": "none"},
    monai_tversky(3, 0.7, 0.3, 1e-5, red="none"), diff=[0, 1])
add("dice_score/channels-last", "dice_score", [pl, gl], {"axis": -1, "smooth": 1e-5, "squared": False},
    monai_dice(3, True, False, 1e-5, "mean", score=True), diff=[0, 1])
# [N, C]: one element per sample and channel
p2, g2 = rand(4, 3), (rand(4, 3) > 0.5).double()
add("dice/rank2", "dice", [p2, g2], {"axis": 1, "smooth": 1e-5, "squared": False, "reduction": "none"},
    lambda a, b: 1 - (2 * a * b + 1e-5) / (a + b + 1e-5), diff=[0, 1])
# edge cases: an empty channel (nothing to find), all background, a single pixel
p, g, y = seg_case(2, 3, 4, 4)
ge = g.clone()
ge[:, 2] = 0          # class 2 absent from the target
ge[:, 0] += g[:, 2]   # ... its pixels are background
pe = p.clone()
pe[0, 1] = 0          # sample 0 predicts no class 1 at all (p and g may both be empty there)
for red in ("none", "mean"):
    for squared in (False, True):
        add(f"dice/edge/empty-channel/sq{squared}/{red}", "dice", [pe, ge],
            {"axis": 1, "smooth": 1e-5, "squared": squared, "reduction": red}, monai_dice(1, True, squared, 1e-5, red), diff=[0, 1])
gb = torch.zeros_like(g)
gb[:, 0] = 1          # all background
for bg in (True, False):
    add(f"dice/edge/all-background/bg{bg}", "dice", [p, gb], {"axis": 1, "smooth": 1e-5, "squared": False, "include_background": bg,
                                                            "reduction": "none"},
        monai_dice(1, bg, False, 1e-5, "none"), diff=[0, 1])
    add(f"tversky/edge/all-background/bg{bg}", "tversky", [p, gb], {"axis": 1, "smooth": 1e-5, "include_background": bg},
        monai_tversky(1, 0.5, 0.5, 1e-5, bg), diff=[0, 1])
# both p and g empty in a channel: MONAI gives nan with smooth 0; here 0 (the limit s → 0, MONAI with smooth 1e-300)
pz, gz = pe.clone(), ge.clone()
pz[:, 2] = 0
pz[:, 0] += pe[:, 2]
add("dice/edge/both-empty/smooth0", "dice", [pz, gz], {"axis": 1, "smooth": 0, "squared": False, "reduction": "none"},
    monai_dice(1, True, False, 1e-300, "none"))
add("dice/edge/both-empty/smooth0/sq", "dice", [pz, gz], {"axis": 1, "smooth": 0, "squared": True, "reduction": "none"},
    monai_dice(1, True, True, 1e-300, "none"))
add("dice/edge/both-empty/monai-smooth", "dice", [pz, gz], {"axis": 1, "smooth": 1e-5, "squared": False, "reduction": "none"},
    monai_dice(1, True, False, 1e-5, "none"), diff=[0, 1])
ps, gs = F.softmax(randn(1, 3, 1, 1), dim=1), T([[[[0.0]], [[1.0]], [[0.0]]]])
for red in ("none", "mean"):
    add(f"dice/edge/single-pixel/{red}", "dice", [ps, gs], {"axis": 1, "smooth": 1e-5, "squared": False, "reduction": red},
        monai_dice(1, True, False, 1e-5, red), diff=[0, 1])
    add(f"dice/edge/single-pixel/nobg/{red}", "dice", [ps, gs], {"axis": 1, "smooth": 1e-5, "include_background": False, "reduction": red},
        monai_dice(1, False, True, 1e-5, red), diff=[0, 1])
add("dice/edge/two-channels-nobg", "dice", [p[:, :2], g[:, :2]], {"axis": 1, "smooth": 1e-5, "include_background": False, "reduction": "none"},
    monai_dice(1, False, True, 1e-5, "none"), diff=[0, 1])
add("dice/example", "dice", [T([[[0.9, 0.8, 0.1], [0.2, 0.1, 0.9]]]), T([[[1, 1, 0], [0, 0, 1]]])], {"axis": 1, "reduction": "none"},
    monai_dice(1, True, True, 0.0, "none"), diff=[0, 1])
# errors
p, g, _ = seg_case(2, 3, 4)
add("dice/error/include-background-without-axis", "dice", [p, g], {"include_background": False},
    error="dice: include_background: false needs the channel axis, axis:")
add("tversky/error/include-background-without-axis", "tversky", [p, g], {"include_background": False},
    error="tversky: include_background: false needs the channel axis")
add("dice/error/one-channel", "dice", [p[:, :1], g[:, :1]], {"axis": 1, "include_background": False},
    error="dice: include_background: false leaves channel 0 out, but p of shape [2, 1, 4] has 1 channel along axis 1")
add("dice/error/batch-axis", "dice", [p, g], {"axis": 0}, error="dice: axis 0 is the batch axis of p of shape [2, 3, 4]")
add("dice/error/batch-axis-negative", "dice_score", [p, g], {"axis": -3}, error="dice_score: axis -3 is the batch axis")
add("dice/error/axis-range", "dice", [p, g], {"axis": 3}, error="dice: axis 3 is out of range for p of shape [2, 3, 4] (valid axes: -3 to 2)")
add("dice/error/vector", "dice", [p[0, 0], g[0, 0]], {"axis": 0}, error="dice: axis: needs a batch axis and a channel axis")
add("dice/error/shape", "dice", [p, g[:, :2]], {"axis": 1}, error="dice: p and g must have the same shape, got [2, 3, 4] and [2, 2, 4]")
add("dice/error/range-position", "dice", [p, g * 2], {"axis": 1}, error="dice: g must hold probabilities in [0, 1], got 2 at element")
add("tversky/error/axis-range", "tversky", [p, g], {"axis": -4}, error="tversky: axis -4 is out of range for p of shape [2, 3, 4]")

# ---------------------------------------------------------------- onehot with axis (torch, MONAI)

y = labels(4, 2, 3, 5)
add("onehot/axis1/monai", "onehot", [y, 4.0], {"axis": 1}, lambda a, c: monai_one_hot(a[:, None], 4, dim=1))
for axis in (0, 1, 2, -1, -2, -4):
    add(f"onehot/axis{axis}", "onehot", [y, 4.0], {"axis": axis},
        lambda a, c, axis=axis: F.one_hot(a.long(), 4).movedim(-1, axis).double())
add("onehot/axis1/infer-C", "onehot", [T([[0, 2], [1, 1]])], {"axis": 1}, lambda a: F.one_hot(a.long()).movedim(-1, 1).double())
add("onehot/scalar-axis0", "onehot", [T(1.0), 3.0], {"axis": 0}, lambda a, c: F.one_hot(a.long(), 3).double())
add("onehot/error/axis", "onehot", [y, 4.0], {"axis": 4}, error="onehot: axis 4 is out of range for the result of rank 4 (labels of shape [2, 3, 5]")

# ---------------------------------------------------------------- vector–Jacobian products of "none"
# AxisOptionTests.swift: grad of sum(upstream * f(x, y, reduction: "none", …)) with respect to x
vjp = []


def add_vjp(fn, x, y, kwargs, ref, wrt=0):
    xr = x.clone().requires_grad_(wrt == 0)
    yr = y.clone().requires_grad_(wrt == 1)
    out = ref(xr, yr)
    up = randn(*out.shape)
    (gr,) = torch.autograd.grad((out * up).sum(), [xr if wrt == 0 else yr])
    vjp.append({"fn": fn, "args": [enc(x), enc(y)], "kwargs": {k: enc(v) for k, v in kwargs.items()},
                "upstream": enc(up), "wrt": wrt, "grad": enc(gr)})


x, y = randn(2, 4, 3, 3, scale=2), labels(4, 2, 3, 3)
w = rand(4) + 0.2
add_vjp("cross_entropy", x, y, {"logits": True, "axis": 1, "weight": w, "label_smoothing": 0.1, "reduction": "none"},
        ce_torch(1, weight=w, label_smoothing=0.1, reduction="none"))
yp = F.softmax(randn(2, 4, 3, 3), dim=1)
add_vjp("cross_entropy", x, yp, {"logits": True, "axis": 1, "reduction": "none"}, ce_torch(1, reduction="none"), wrt=1)
add_vjp("nll", F.log_softmax(x, 1), y, {"axis": 1, "reduction": "none"}, nll_torch(1, reduction="none"))
add_vjp("focal", x, y, {"logits": True, "axis": 1, "gamma": 2, "reduction": "none"}, focal_port(1, red="none"))
add_vjp("poly1", x.movedim(1, -1).contiguous(), y, {"logits": True, "axis": -1, "reduction": "none"}, poly1_port(3, red="none"))
add_vjp("poly", x, y, {"logits": True, "axis": 1, "epsilon": T([1.0, -0.5]), "reduction": "none"}, poly_port(1, [1.0, -0.5], red="none"))
p, g, _ = seg_case(2, 4, 3, 3)
add_vjp("dice", p, g, {"axis": 1, "smooth": 1e-5, "squared": False, "reduction": "none"}, monai_dice(1, True, False, 1e-5, "none"))
add_vjp("dice", p, g, {"axis": 1, "smooth": 1e-5, "include_background": False, "reduction": "none"},
        monai_dice(1, False, True, 1e-5, "none"), wrt=1)
add_vjp("dice_score", p.movedim(1, -1).contiguous(), g.movedim(1, -1).contiguous(),
        {"axis": -1, "smooth": 1e-5, "include_background": False, "reduction": "none"},
        monai_dice(3, False, True, 1e-5, "none", score=True))
add_vjp("tversky", p, g, {"axis": 1, "alpha": 0.3, "beta": 0.7, "smooth": 1e-5, "include_background": False, "reduction": "none"},
        monai_tversky(1, 0.3, 0.7, 1e-5, False, red="none"))

write_fixture(OUT, {"cases": cases, "vjp": vjp})
print(f"wrote {len(cases)} cases and {len(vjp)} vector–Jacobian products to {OUT} (torch {torch.__version__}, monai {monai.__version__})")
