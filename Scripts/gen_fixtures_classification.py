#!/usr/bin/env python3
"""Reference fixtures for the classification losses and information measures.

Writes Tests/LossLangTests/Fixtures/classification.json (format: /work/notes/fixtures.md,
see Tests/LossLangTests/LossFixtureTests.swift): every case calls one built-in through
the registry and compares with a reference computed here in float64.

References:
- torch where torch has the loss: binary_cross_entropy(_with_logits), cross_entropy,
  nll_loss, multi_margin_loss (× C);
- torchvision's sigmoid_focal_loss, transcribed below (torchvision is not required);
- a direct transcription of the documented formula where torch lacks the loss: bce with
  pos_weight on probabilities, hinge, squared_hinge, multiclass_hinge (p ∉ {1, 2},
  crammer_singer), focal (softmax-style), poly1, poly, kl in math order;
  cross-checked against sklearn/scipy where they have it.

Gradients ("grads", issue 4): for every non-error case, torch.autograd's gradient (float64) of
the case's output — of its sum when it is not a number — with respect to each differentiable
positional argument: the predictions, and the targets where they are soft labels or
distributions (bce, cross_entropy with class probabilities, focal/poly1/poly with binary
labels, kl's p and q). Class indices and ±1 labels get "grad_error" instead. The functions
differentiated are torch's own where torch has the loss (binary_cross_entropy(_with_logits),
cross_entropy on logits, nll_loss, special.entr, kl_div), else the transcriptions below; where
autograd of a transcription meets 0·∞ (see `safe_clog`, `fix_saturated`), the limit is used and
checked with mpmath.

Run by hand (needs numpy, torch, scipy, sklearn, mpmath):  python3 Scripts/gen_fixtures_classification.py
Deterministic: fixed seeds, CPU float64; rerunning rewrites the same file.
"""
import math
import pathlib

import mpmath
import numpy as np
import scipy.special
import scipy.stats
import sklearn.metrics
import torch
import torch.nn.functional as F

from fixture_common import encode, torchvision_sigmoid_focal_loss, write_fixture

torch.set_default_dtype(torch.float64)
OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "LossLangTests" / "Fixtures" / "classification.json"
REDUCTIONS = ["mean", "sum", "none"]
cases = []


# ---------------------------------------------------------------- encoding

def arg(v):
    """An argument: as `encode`, but a non-finite number as a 0-d tensor {"shape": [], "data": ["inf"]}."""
    e = encode(v)
    return {"shape": [], "data": [e]} if isinstance(e, str) and not isinstance(v, str) else e


expected = encode  # expected values and gradients


def add(name, fn, args, kwargs=None, value=None, error=None, rtol=None, grads=None, grad_error=None, grad_rtol=None):
    assert name not in {c["name"] for c in cases}, name
    c = {"name": name, "fn": fn, "args": [arg(a) for a in args],
         "kwargs": {k: arg(v) for k, v in (kwargs or {}).items()}}
    if error is not None:
        c["error"] = error
    else:
        c["expected"] = expected(value)
    if rtol is not None:
        c["rtol"] = rtol
    if grads:
        for i, g in grads.items():
            assert list(g.shape) == list(torch.as_tensor(args[i]).shape), (name, i, g.shape)
        c["grads"] = {str(i): expected(g) for i, g in sorted(grads.items())}
    if grad_error:
        c["grad_error"] = {str(i): e for i, e in sorted(grad_error.items())}
    if grad_rtol is not None:
        c["grad_rtol"] = grad_rtol
    cases.append(c)


def reduce(l, reduction):
    return {"mean": l.mean(), "sum": l.sum(), "none": l}[reduction]


def close(a, b, tol=1e-12):
    a, b = torch.as_tensor(a), torch.as_tensor(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    assert torch.allclose(a, b, rtol=tol, atol=1e-14, equal_nan=True), (a, b)


# ---------------------------------------------------------------- gradients

def autograd(fn, args, wrt):
    """{i: d sum(fn(*args)) / d args[i]} for i in wrt, by torch.autograd (float64)."""
    grads = {}
    for i in wrt:
        a = [x.detach().clone() if torch.is_tensor(x) else torch.tensor(float(x)) for x in args]
        a[i].requires_grad_(True)
        out = fn(*a)
        out.sum().backward()
        grads[i] = a[i].grad.detach().clone() if a[i].grad is not None else torch.zeros_like(a[i])
    return grads


def safe_clog(x):
    """max(log x, −100) whose autograd is 1/x where the clamp does not hold and 0 where it does
    (autograd of torch.clamp(torch.log(x), min=-100) gives 0·(1/0) = nan at x = 0)."""
    lx = torch.log(torch.where(x > 0, x, torch.ones_like(x)))
    return torch.where((x > 0) & (lx >= -100), lx, torch.full_like(x, -100.0))


def safe_clog1m(x):
    """max(log(1 − x), −100), as safe_clog."""
    lx = torch.log1p(-torch.where(x < 1, x, torch.zeros_like(x)))
    return torch.where((x < 1) & (lx >= -100), lx, torch.full_like(x, -100.0))


INDEX_GRAD_ERROR = "{fn}: y holds class indices, which have no gradient"
LABEL_GRAD_ERROR = "{fn}: t holds labels -1 or +1, which have no gradient"


# ---------------------------------------------------------------- data

def gen(seed):
    return torch.Generator().manual_seed(seed)


def probs(shape, g):
    return torch.rand(shape, generator=g) * 0.98 + 0.01


def logits(shape, g):
    return torch.randn(shape, generator=g) * 3


def labels01(shape, g):
    return torch.randint(0, 2, shape, generator=g).double()


def distributions(shape, g):
    return torch.softmax(torch.randn(shape, generator=g) * 2, dim=-1)


def indices(shape, c, g):
    return torch.randint(0, c, shape, generator=g).double()


def tag(shape):
    return "x".join(map(str, shape)) if shape else "scalar"


def clog(x):
    return torch.clamp(torch.log(x), min=-100)


def clog1m(x):
    return torch.clamp(torch.log1p(-x), min=-100)


# ---------------------------------------------------------------- bce

def ref_bce(p, y, w, pw, use_logits, reduction):
    if use_logits:
        return F.binary_cross_entropy_with_logits(p, y, weight=w, pos_weight=pw, reduction=reduction)
    if pw is None:
        return F.binary_cross_entropy(p, y, weight=w, reduction=reduction)
    l = -(pw * y * clog(p) + (1 - y) * clog1m(p))   # documented formula (torch has no pos_weight here)
    if w is not None:
        l = l * w
    return reduce(l, reduction)


# aten/src/ATen/native/Loss.cpp: `constexpr float EPSILON = 1e-12;`, used as scalar_t(EPSILON)
BCE_EPSILON = float(np.float32(1e-12))


def bce_pos_weight_grads(p, y, w, pw, reduction):
    """Gradients of bce on probabilities with pos_weight, which torch lacks: torch's
    binary_cross_entropy_backward convention, (p − y)/max((1 − p)·p, ε) for p and −logit(p)
    for y, extended by pw: ∂/∂p = w·(p − y + (1 − pw)·y·(1 − p))/max((1 − p)·p, ε),
    ∂/∂y = −w·(pw·log p − log(1 − p)), ε = BCE_EPSILON. Where no clamp acts this is autograd of the formula
    −w·[pw·y·log p + (1 − y)·log(1 − p)], which is asserted."""
    scale = 1.0 / p.numel() if reduction == "mean" else 1.0
    wt = torch.ones_like(p) if w is None else torch.as_tensor(w).expand(p.shape)
    pwt = torch.as_tensor(pw).expand(p.shape)
    gp = scale * wt * (p - y + (1 - pwt) * y * (1 - p)) / torch.clamp((1 - p) * p, min=BCE_EPSILON)
    gy = -scale * wt * (pwt * torch.log(p) - torch.log1p(-p))

    def plain(a, b):
        l = -(pwt * b * torch.log(a) + (1 - b) * torch.log1p(-a)) * wt
        return reduce(l, reduction)
    interior = ((1 - p) * p >= 1e-12) & (torch.log(p) >= -100) & (torch.log1p(-p) >= -100)
    ag = autograd(plain, [p, y], [0, 1])
    close(gp[interior], ag[0][interior])
    close(gy[interior], ag[1][interior])
    return {0: gp, 1: gy}


def bce_grads(p, y, w, pw, use_logits, reduction):
    if use_logits or pw is None:
        return autograd(lambda a, b: ref_bce(a, b, w, pw, use_logits, reduction), [p, y], [0, 1])
    return bce_pos_weight_grads(p, y, w, pw, reduction)


def gen_bce():
    seed = 100
    for shape in [[], [7], [4, 3], [2, 3, 5]]:
        last = shape[-1] if shape else 1
        for use_logits in [False, True]:
            for soft in [False, True]:
                for wkind in [None, "full", "last"]:
                    for pwkind in [None, "scalar", "last"]:
                        for reduction in REDUCTIONS:
                            seed += 1
                            g = gen(seed)
                            p = logits(shape, g) if use_logits else probs(shape, g)
                            y = torch.rand(shape, generator=g) if soft else labels01(shape, g)
                            w = {None: None, "full": torch.rand(shape, generator=g) * 2,
                                 "last": torch.rand([last], generator=g) * 2}[wkind]
                            pw = {None: None, "scalar": torch.tensor(3.0),
                                  "last": torch.rand([last], generator=g) * 4}[pwkind]
                            if not shape and "last" in (wkind, pwkind):
                                continue
                            kw = {"reduction": reduction}
                            if use_logits:
                                kw["logits"] = True
                            if w is not None:
                                kw["weight"] = w
                            if pw is not None:
                                kw["pos_weight"] = pw
                            name = f"bce/{tag(shape)}/{'logits' if use_logits else 'probs'}/{'soft' if soft else 'hard'}/w={wkind}/pw={pwkind}/{reduction}"
                            add(name, "bce", [p, y], kw, ref_bce(p, y, w, pw, use_logits, reduction),
                                grads=bce_grads(p, y, w, pw, use_logits, reduction))
    # edges: probabilities 0 and 1 (logs clamped at −100), logits ±1000
    p = torch.tensor([0.0, 1.0, 0.0, 1.0, 0.5])
    y = torch.tensor([0.0, 1.0, 1.0, 0.0, 1.0])
    add("bce/edge/probs_0_1", "bce", [p, y], {"reduction": "none"}, F.binary_cross_entropy(p, y, reduction="none"),
        grads=bce_grads(p, y, None, None, False, "none"))
    add("bce/edge/probs_0_1/pos_weight", "bce", [p, y], {"reduction": "none", "pos_weight": 2.0},
        ref_bce(p, y, None, torch.tensor(2.0), False, "none"), grads=bce_grads(p, y, None, torch.tensor(2.0), False, "none"))
    x = torch.tensor([1000.0, -1000.0, 1000.0, -1000.0, 0.0])
    add("bce/edge/logits_1000", "bce", [x, y], {"logits": True, "reduction": "none"},
        F.binary_cross_entropy_with_logits(x, y, reduction="none"), grads=bce_grads(x, y, None, None, True, "none"))
    add("bce/edge/logits_1000/pos_weight", "bce", [x, y], {"logits": True, "reduction": "sum", "pos_weight": 0.5},
        F.binary_cross_entropy_with_logits(x, y, pos_weight=torch.tensor(0.5), reduction="sum"),
        grads=bce_grads(x, y, None, torch.tensor(0.5), True, "sum"))
    pt, yt = torch.tensor([1e-12, 1 - 1e-9]), torch.tensor([0.0, 1.0])
    add("bce/edge/tiny_p", "bce", [pt, yt], {"reduction": "none"},
        torch.tensor([-math.log1p(-1e-12), -math.log(1 - 1e-9)]), rtol=1e-6,
        grads=bce_grads(pt, yt, None, None, False, "none"))
    e = torch.zeros([0])
    add("bce/edge/empty/mean", "bce", [e, e], {}, float("nan"), grads=bce_grads(e, e, None, None, False, "mean"))
    add("bce/edge/empty/sum", "bce", [e, e], {"reduction": "sum"}, 0.0, grads=bce_grads(e, e, None, None, False, "sum"))
    pn, yn = torch.tensor([float("nan"), 0.5]), torch.tensor([1.0, 1.0])
    add("bce/edge/nan_propagates", "bce", [pn, yn], {"reduction": "none"}, torch.tensor([float("nan"), math.log(2)]),
        grads={i: torch.cat([torch.tensor([math.nan]), g])   # torch rejects nan inputs: nan in, nan out
               for i, g in bce_grads(pn[1:], yn[1:], None, None, False, "none").items()})
    pa, ya = torch.tensor([0.9, 0.2, 0.6]), torch.tensor([1.0, 0, 1])
    add("binary_cross_entropy/alias", "binary_cross_entropy", [pa, ya], {}, F.binary_cross_entropy(pa, ya),
        grads=bce_grads(pa, ya, None, None, False, "mean"))
    xe = torch.tensor([2.0, -1, 0.5])
    add("bce/example/logits", "bce", [xe, ya], {"logits": True}, F.binary_cross_entropy_with_logits(xe, ya),
        grads=bce_grads(xe, ya, None, None, True, "mean"))
    # weight, pos_weight (and alpha, gamma… of the other losses) are constants: no gradient
    pc, yc, wc = torch.tensor([0.9, 0.2, 0.6]), torch.tensor([1.0, 0.0, 0.5]), torch.tensor([1.0, 2.0, 0.5])
    add("bce/grad/weight_is_constant", "bce", [pc, yc, wc], {}, F.binary_cross_entropy(pc, yc, weight=wc),
        grads=autograd(lambda a, b: F.binary_cross_entropy(a, b, weight=wc), [pc, yc], [0, 1]),
        grad_error={2: "bce: weight is a constant of the loss and has no gradient"})
    # errors
    add("bce/error/shape", "bce", [torch.tensor([0.5, 0.5]), torch.tensor([1.0, 0, 1])], {},
        error="bce: p and y must have the same shape, got [2] and [3]")
    add("bce/error/p_above_1", "bce", [torch.tensor([0.5, 1.5]), torch.tensor([1.0, 0])], {},
        error="bce: p must hold probabilities in [0, 1], got 1.5")
    add("bce/error/p_negative", "bce", [torch.tensor([-0.1, 0.5]), torch.tensor([1.0, 0])], {},
        error="bce: p must hold probabilities in [0, 1], got -0.1")
    add("bce/error/y_2", "bce", [torch.tensor([0.5, 0.5]), torch.tensor([2.0, 0])], {},
        error="bce: y must hold 0/1 labels or probabilities in [0, 1], got 2")
    add("bce/error/weight_shape", "bce", [torch.full([2, 2], 0.5), torch.ones([2, 2])], {"weight": torch.ones([3])},
        error="bce: weight of shape [3] does not broadcast to p's shape [2, 2]")
    add("bce/error/pos_weight_shape", "bce", [torch.full([2, 2], 0.5), torch.ones([2, 2])],
        {"pos_weight": torch.ones([3]), "logits": True},
        error="bce: pos_weight of shape [3] does not broadcast to p's shape [2, 2]")
    add("bce/error/reduction", "bce", [torch.tensor([0.5]), torch.tensor([1.0])], {"reduction": "avg"},
        error="reduction must be one of \"mean\", \"sum\", \"none\", got \"avg\"")


# ---------------------------------------------------------------- cross_entropy / nll

def to_torch_layout(x):
    """Classes last (ours) → classes on axis 1 (torch) for rank ≥ 3."""
    return x.movedim(-1, 1) if x.dim() >= 3 else x


def ref_ce(p, y, kind, use_logits, w, ignore, eps, reduction):
    inp = p if use_logits else clog(p)
    target = y.long() if kind == "indices" else to_torch_layout(y)
    out = F.cross_entropy(to_torch_layout(inp), target, weight=w,
                          ignore_index=-100 if ignore is None else ignore,
                          reduction=reduction, label_smoothing=eps)
    return out


def ce_on_logp(logp, y, kind, w, ignore, eps, reduction):
    """torch's cross_entropy after its log_softmax step (aten's cross_entropy_loss_label_smoothing and
    cross_entropy_loss_prob_target), on the given log-probabilities, classes last. cross_entropy on
    probabilities is this on max(log p, −100) (p is not renormalised, unlike F.cross_entropy(log p),
    whose gradient would differ)."""
    c = logp.shape[-1]
    wv = torch.ones(c) if w is None else w
    if kind != "indices":
        t = y * (1 - eps) + eps / c
        return reduce(-(logp * t * wv).sum(-1), reduction)
    ig = -100 if ignore is None else ignore
    yl = y.long()
    nll = F.nll_loss(to_torch_layout(logp), yl, weight=w, ignore_index=ig, reduction=reduction)
    if eps == 0:
        return nll
    mask = yl == ig
    smooth = -(logp * wv).sum(-1)
    smooth = torch.where(mask, torch.zeros_like(smooth), smooth)
    if reduction == "mean":
        keep = ~mask
        ret = smooth.sum() / (wv[yl[keep]].sum() if w is not None else keep.sum())
    else:
        ret = smooth.sum() if reduction == "sum" else smooth
    return (1 - eps) * nll + ret * (eps / c)


def ce_grads(p, y, kind, use_logits, w, ignore, eps, reduction):
    """Gradients of cross_entropy: torch.autograd of F.cross_entropy for logits, of ce_on_logp(safe_clog(p))
    for probabilities; with respect to p, and y for class-probability targets."""
    ref = ref_ce(p, y, kind, use_logits, w, ignore, eps, reduction)
    if use_logits:
        close(ce_on_logp(torch.log_softmax(p, -1), y, kind, w, ignore, eps, reduction), ref)
        f = lambda a, b: ref_ce(a, b, kind, True, w, ignore, eps, reduction)
    else:
        f = lambda a, b: ce_on_logp(safe_clog(a), b, kind, w, ignore, eps, reduction)
        close(f(p, y), ref, 1e-11)
    return autograd(f, [p, y], [0] if kind == "indices" else [0, 1])


def ce_grad_error(kind, fn="cross_entropy"):
    return {1: INDEX_GRAD_ERROR.format(fn=fn)} if kind == "indices" else None


ROW_SHAPES = [([5], "vector"), ([6, 4], "matrix"), ([2, 3, 5], "rank3")]


def gen_cross_entropy():
    seed = 1000
    for shape, _ in ROW_SHAPES:
        c = shape[-1]
        rows = shape[:-1]
        for kind in ["indices", "probs"]:
            for use_logits in [False, True]:
                for wkind in [None, "class"]:
                    for ignore in ([None, -100, 1] if kind == "indices" else [None]):
                        for eps in [0.0, 0.2]:
                            for reduction in REDUCTIONS:
                                seed += 1
                                g = gen(seed)
                                p = logits(shape, g) if use_logits else distributions(shape, g)
                                if kind == "indices":
                                    y = indices(rows, c, g)
                                    if ignore == -100 and rows:
                                        y.view(-1)[0] = -100
                                else:
                                    y = distributions(shape, g)
                                w = torch.rand([c], generator=g) * 2 + 0.1 if wkind else None
                                kw = {"reduction": reduction}
                                if use_logits:
                                    kw["logits"] = True
                                if w is not None:
                                    kw["weight"] = w
                                if ignore is not None:
                                    kw["ignore_index"] = ignore
                                if eps:
                                    kw["label_smoothing"] = eps
                                name = (f"cross_entropy/{tag(shape)}/{kind}/{'logits' if use_logits else 'probs'}/"
                                        f"w={wkind}/ignore={ignore}/eps={eps}/{reduction}")
                                add(name, "cross_entropy", [p, y], kw, ref_ce(p, y, kind, use_logits, w, ignore, eps, reduction),
                                    grads=ce_grads(p, y, kind, use_logits, w, ignore, eps, reduction),
                                    grad_error=ce_grad_error(kind))
    # identity check of the prob-mode reference: torch on log p == −Σ y log p
    g = gen(1999)
    p = distributions([6, 4], g)
    y = indices([6], 4, g)
    close(ref_ce(p, y, "indices", False, None, None, 0.0, "none"), -torch.log(p).gather(1, y.long()[:, None])[:, 0])

    # all ignored: torch gives nan for the mean, 0 for the sum
    p = distributions([3, 4], gen(2001))
    y = torch.tensor([2.0, 2.0, 2.0])
    ge = ce_grad_error("indices")
    # the gradient is 0 (torch's nll_loss writes none for ignored samples), not nan
    add("cross_entropy/edge/all_ignored/mean", "cross_entropy", [p, y], {"ignore_index": 2}, float("nan"),
        grads=ce_grads(p, y, "indices", False, None, 2, 0.0, "mean"), grad_error=ge)
    add("cross_entropy/edge/all_ignored/sum", "cross_entropy", [p, y], {"ignore_index": 2, "reduction": "sum"}, 0.0,
        grads=ce_grads(p, y, "indices", False, None, 2, 0.0, "sum"), grad_error=ge)
    add("cross_entropy/edge/all_ignored/smoothing", "cross_entropy", [p, y],
        {"ignore_index": 2, "label_smoothing": 0.2, "logits": True}, ref_ce(p, y, "indices", True, None, 2, 0.2, "mean"),
        grads=ce_grads(p, y, "indices", True, None, 2, 0.2, "mean"), grad_error=ge)
    # zeros in the probabilities: log clamped at −100 (and no gradient where the clamp holds)
    p = torch.tensor([[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]])
    y = torch.tensor([0.0, 0.0])
    add("cross_entropy/edge/probs_zero", "cross_entropy", [p, y], {"reduction": "none"}, torch.tensor([100.0, 0.0]),
        grads=ce_grads(p, y, "indices", False, None, None, 0.0, "none"), grad_error=ge)
    add("cross_entropy/edge/probs_zero/smoothing", "cross_entropy", [p, y], {"reduction": "none", "label_smoothing": 0.3},
        ref_ce(p, y, "indices", False, None, None, 0.3, "none"), rtol=1e-9,
        grads=ce_grads(p, y, "indices", False, None, None, 0.3, "none"), grad_error=ge)
    yd = torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    add("cross_entropy/edge/probs_zero/dist_target", "cross_entropy", [p, yd], {"reduction": "none"},
        torch.tensor([-math.log(0.5), 0.0]), grads=ce_grads(p, yd, "probs", False, None, None, 0.0, "none"))
    # logits ±1000
    x = torch.tensor([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0]])
    yx = torch.tensor([1.0, 2.0])
    for eps in [0.0, 0.1]:
        for reduction in ["none", "mean"]:
            add(f"cross_entropy/edge/logits_1000/eps={eps}/{reduction}", "cross_entropy", [x, yx],
                {"logits": True, "label_smoothing": eps, "reduction": reduction},
                F.cross_entropy(x, torch.tensor([1, 2]), label_smoothing=eps, reduction=reduction),
                grads=ce_grads(x, yx, "indices", True, None, None, eps, reduction), grad_error=ge)
    yxd = torch.tensor([[0.25, 0.5, 0.25], [0.0, 0.5, 0.5]])
    add("cross_entropy/edge/logits_1000/dist_target", "cross_entropy", [x, yxd], {"logits": True, "reduction": "none"},
        F.cross_entropy(x, yxd, reduction="none"), grads=ce_grads(x, yxd, "probs", True, None, None, 0.0, "none"))
    add("cross_entropy/edge/empty", "cross_entropy", [torch.zeros([0, 3]), torch.zeros([0])], {}, float("nan"),
        grads=ce_grads(torch.zeros([0, 3]), torch.zeros([0]), "indices", False, None, None, 0.0, "mean"), grad_error=ge)
    xa, ya = torch.tensor([[2.0, 1, 0.1], [0.5, 2.5, 0.3]]), torch.tensor([0.0, 1.0])
    add("ce/alias", "ce", [xa, ya], {"logits": True}, F.cross_entropy(xa, torch.tensor([0, 1])),
        grads=ce_grads(xa, ya, "indices", True, None, None, 0.0, "mean"), grad_error=ge)
    # errors
    p = distributions([2, 3], gen(2002))
    add("cross_entropy/error/index_out_of_range", "cross_entropy", [p, torch.tensor([0.0, 3.0])], {},
        error="cross_entropy: class index 3 in y at index 1 is out of range for 3 classes (expected integers in [0, 2])")
    add("cross_entropy/error/index_negative", "cross_entropy", [p, torch.tensor([-1.0, 0.0])], {},
        error="class index -1 in y at index 0 is out of range for 3 classes")
    add("cross_entropy/error/index_-100_without_ignore", "cross_entropy", [p, torch.tensor([-100.0, 0.0])], {},
        error="out of range for 3 classes")
    add("cross_entropy/error/index_fraction", "cross_entropy", [p, torch.tensor([0.5, 0.0])], {},
        error="cross_entropy: y must hold class indices (integers in [0, 2]), got 0.5")
    add("cross_entropy/error/index_nan", "cross_entropy", [p, torch.tensor([float("nan"), 0.0])], {},
        error="y must hold class indices")
    add("cross_entropy/error/index_out_of_range_with_ignore", "cross_entropy", [p, torch.tensor([5.0, 0.0])],
        {"ignore_index": -100}, error="(expected integers in [0, 2] or ignore_index -100)")
    add("cross_entropy/error/weight_size", "cross_entropy", [p, torch.tensor([0.0, 1.0])], {"weight": torch.ones([2])},
        error="cross_entropy: weight must have one value per class, shape [3], got [2]")
    add("cross_entropy/error/label_smoothing", "cross_entropy", [p, torch.tensor([0.0, 1.0])], {"label_smoothing": 1.5},
        error="cross_entropy: label_smoothing must be in [0, 1], got 1.5")
    add("cross_entropy/error/ignore_with_distributions", "cross_entropy", [p, p], {"ignore_index": -100},
        error="cross_entropy: ignore_index (-100) applies to class-index targets")
    add("cross_entropy/error/target_shape", "cross_entropy", [p, torch.tensor([0.0, 1.0, 2.0, 0.0])], {},
        error="cross_entropy: y must have p's shape [2, 3] (class probabilities) or [2] (class indices), got [4]")
    add("cross_entropy/error/target_same_rank", "cross_entropy", [p, torch.ones([2, 4]) / 4], {},
        error="cross_entropy: p and y must have the same shape, got [2, 3] and [2, 4]")
    add("cross_entropy/error/scalar_p", "cross_entropy", [0.5, 1.0], {},
        error="cross_entropy: p must have a class axis")
    add("cross_entropy/error/p_not_probability", "cross_entropy", [torch.tensor([[2.0, -1.0, 0.5]]), torch.tensor([0.0])], {},
        error="cross_entropy: p must hold probabilities in [0, 1], got 2")
    add("cross_entropy/error/y_distribution_range", "cross_entropy", [p, p * 3], {},
        error="cross_entropy: y must hold class probabilities in [0, 1]")
    add("cross_entropy/error/ignore_index_fraction", "cross_entropy", [p, torch.tensor([0.0, 1.0])], {"ignore_index": 0.5},
        error="ignore_index must be an integer, got 0.5")


NLL_GRAD_ERROR = {1: INDEX_GRAD_ERROR.format(fn="nll")}


def gen_nll():
    seed = 3000
    for shape, _ in ROW_SHAPES:
        c = shape[-1]
        rows = shape[:-1]
        for wkind in [None, "class"]:
            for ignore in [None, -100, 0]:
                for reduction in REDUCTIONS:
                    seed += 1
                    g = gen(seed)
                    logp = torch.log_softmax(logits(shape, g), dim=-1)
                    y = indices(rows, c, g)
                    if ignore == -100 and rows:
                        y.view(-1)[-1] = -100
                    w = torch.rand([c], generator=g) * 2 + 0.1 if wkind else None
                    kw = {"reduction": reduction}
                    if w is not None:
                        kw["weight"] = w
                    if ignore is not None:
                        kw["ignore_index"] = ignore
                    ref = F.nll_loss(to_torch_layout(logp), y.long(), weight=w,
                                     ignore_index=-100 if ignore is None else ignore, reduction=reduction)
                    ig = -100 if ignore is None else ignore
                    grads = autograd(lambda a: F.nll_loss(to_torch_layout(a), y.long(), weight=w, ignore_index=ig,
                                                          reduction=reduction), [logp], [0])
                    add(f"nll/{tag(shape)}/w={wkind}/ignore={ignore}/{reduction}", "nll", [logp, y], kw, ref,
                        grads=grads, grad_error=NLL_GRAD_ERROR)
    # nll takes any values as given (no clamp, no check)
    x = torch.tensor([[3.0, -1.0], [-2000.0, 0.5]])
    add("nll/edge/raw_values", "nll", [x, torch.tensor([0.0, 0.0])], {"reduction": "none"}, torch.tensor([-3.0, 2000.0]),
        grads=autograd(lambda a: F.nll_loss(a, torch.tensor([0, 0]), reduction="none"), [x], [0]), grad_error=NLL_GRAD_ERROR)
    xe = torch.tensor([[-0.5, -1, -2], [-2, -0.2, -3]])
    add("nll/example", "nll", [xe, torch.tensor([0.0, 1.0])], {}, F.nll_loss(xe, torch.tensor([0, 1])),
        grads=autograd(lambda a: F.nll_loss(a, torch.tensor([0, 1])), [xe], [0]), grad_error=NLL_GRAD_ERROR)
    add("nll/error/same_shape", "nll", [torch.zeros([2, 3]), torch.zeros([2, 3])], {},
        error="nll: y must hold class indices with shape [2] (logp's shape [2, 3] without its last axis), got [2, 3]")
    add("nll/error/out_of_range", "nll", [torch.zeros([2, 3]), torch.tensor([0.0, 7.0])], {},
        error="nll: class index 7 in y at index 1 is out of range for 3 classes")


# ---------------------------------------------------------------- hinge losses

def ref_hinge(fn, s, t, margin):
    """torch.clamp(margin − t·s, min=0) (squared): its autograd has the subgradient 0 at the kink."""
    l = torch.clamp(margin - t * s, min=0)
    return l * l if fn == "squared_hinge" else l


def hinge_grads(fn, s, t, margin, reduction):
    return autograd(lambda a: reduce(ref_hinge(fn, a, t, margin), reduction), [s], [0])


def gen_hinge():
    seed = 4000
    for fn in ["hinge", "squared_hinge"]:
        for shape in [[], [7], [4, 3], [2, 3, 5]]:
            for margin in [None, 0.5, 2.0]:
                for reduction in REDUCTIONS:
                    seed += 1
                    g = gen(seed)
                    s = torch.randn(shape, generator=g) * 1.5
                    t = labels01(shape, g) * 2 - 1
                    m = 1.0 if margin is None else margin
                    l = ref_hinge(fn, s, t, m)
                    kw = {"reduction": reduction}
                    if margin is not None:
                        kw["margin"] = margin
                    add(f"{fn}/{tag(shape)}/margin={margin}/{reduction}", fn, [s, t], kw, reduce(l, reduction),
                        grads=hinge_grads(fn, s, t, m, reduction), grad_error={1: LABEL_GRAD_ERROR.format(fn=fn)})
    # sklearn cross-check of the binary hinge (margin 1, mean)
    g = gen(4999)
    s = torch.randn([20], generator=g)
    t = labels01([20], g) * 2 - 1
    close(torch.clamp(1 - t * s, min=0).mean(), sklearn.metrics.hinge_loss(t.numpy(), s.numpy()))
    hge = {1: LABEL_GRAD_ERROR.format(fn="hinge")}
    add("hinge/sklearn", "hinge", [s, t], {}, sklearn.metrics.hinge_loss(t.numpy(), s.numpy()),
        grads=hinge_grads("hinge", s, t, 1.0, "mean"), grad_error=hge)
    se, te = torch.tensor([0.8, -0.5, 2]), torch.tensor([1.0, 1, -1])
    add("hinge/example", "hinge", [se, te], {},
        np.maximum(0, 1 - np.array([1, 1, -1]) * np.array([0.8, -0.5, 2])).mean(),
        grads=hinge_grads("hinge", se, te, 1.0, "mean"), grad_error=hge)
    add("squared_hinge/example", "squared_hinge", [se, te], {},
        (np.maximum(0, 1 - np.array([1, 1, -1]) * np.array([0.8, -0.5, 2])) ** 2).mean(),
        grads=hinge_grads("squared_hinge", se, te, 1.0, "mean"), grad_error={1: LABEL_GRAD_ERROR.format(fn="squared_hinge")})
    # at the kink (t·s = margin) the subgradient is 0, as torch's clamp_min
    sk, tk = torch.tensor([1.0, -1.0, 0.5, 2.0]), torch.tensor([1.0, -1.0, 1.0, 1.0])
    for fn in ["hinge", "squared_hinge"]:
        g = hinge_grads(fn, sk, tk, 1.0, "none")
        assert g[0][0] == 0 and g[0][1] == 0, g
        add(f"{fn}/edge/kink", fn, [sk, tk], {"reduction": "none"}, ref_hinge(fn, sk, tk, 1.0),
            grads=g, grad_error={1: LABEL_GRAD_ERROR.format(fn=fn)})
    add("hinge/error/zero_one_labels", "hinge", [torch.tensor([0.5, -0.5]), torch.tensor([1.0, 0.0])], {},
        error="hinge: t must hold labels -1 or +1, got 0 at index 1")
    add("squared_hinge/error/label_2", "squared_hinge", [torch.tensor([0.5, -0.5]), torch.tensor([1.0, 2.0])], {},
        error="squared_hinge: t must hold labels -1 or +1, got 2")
    add("hinge/error/shape", "hinge", [torch.tensor([0.5, -0.5]), torch.tensor([1.0, -1.0, 1.0])], {},
        error="hinge: s and t must have the same shape, got [2] and [3]")


def ref_multiclass_hinge(s, y, margin, p, variant):
    s2 = s.reshape(-1, s.shape[-1])
    y2 = y.reshape(-1).long()
    c = s2.shape[-1]
    sy = s2.gather(1, y2[:, None])
    mask = torch.ones_like(s2, dtype=torch.bool)
    mask[torch.arange(len(y2)), y2] = False
    if variant == "weston_watkins":
        terms = torch.clamp(margin - sy + s2, min=0) ** p
        l = (terms * mask).sum(1)
        if p in (1, 2):   # torch multi_margin_loss is this ÷ C
            close(l, F.multi_margin_loss(s2, y2, p=p, margin=margin, reduction="none") * c)
    else:
        other = torch.where(mask, s2, torch.tensor(-math.inf)).amax(1)   # autograd: ties share the gradient
        l = torch.clamp(margin - sy[:, 0] + other, min=0) ** p
    return l.reshape(y.shape)


MC_GRAD_ERROR = {1: INDEX_GRAD_ERROR.format(fn="multiclass_hinge")}


def mc_grads(s, y, margin, p, variant, reduction):
    """autograd of the transcription (clamp: subgradient 0 at the kink); for weston_watkins with
    p 1 or 2 it is asserted equal to torch's multi_margin_loss backward × C."""
    grads = autograd(lambda a: reduce(ref_multiclass_hinge(a, y, margin, p, variant), reduction), [s], [0])
    if variant == "weston_watkins" and p in (1, 2):
        c = s.shape[-1]
        def mml(a):
            l = F.multi_margin_loss(a.reshape(-1, c), y.reshape(-1).long(), p=int(p), margin=margin, reduction="none") * c
            return reduce(l.reshape(y.shape), reduction)
        close(grads[0], autograd(mml, [s], [0])[0])
    return grads


def gen_multiclass_hinge():
    seed = 5000
    for shape, _ in ROW_SHAPES:
        c = shape[-1]
        for variant in [None, "crammer_singer"]:
            for margin in [None, 0.5]:
                for p in [None, 2.0, 3.0]:
                    for reduction in REDUCTIONS:
                        seed += 1
                        g = gen(seed)
                        s = torch.randn(shape, generator=g) * 1.5
                        y = indices(shape[:-1], c, g)
                        kw = {"reduction": reduction}
                        if variant:
                            kw["variant"] = variant
                        if margin is not None:
                            kw["margin"] = margin
                        if p is not None:
                            kw["p"] = p
                        ref = reduce(ref_multiclass_hinge(s, y, 1.0 if margin is None else margin,
                                                          1.0 if p is None else p, variant or "weston_watkins"), reduction)
                        add(f"multiclass_hinge/{tag(shape)}/{variant or 'weston_watkins'}/margin={margin}/p={p}/{reduction}",
                            "multiclass_hinge", [s, y], kw, ref,
                            grads=mc_grads(s, y, 1.0 if margin is None else margin, 1.0 if p is None else p,
                                           variant or "weston_watkins", reduction),
                            grad_error=MC_GRAD_ERROR)
    # sklearn's multiclass hinge_loss is crammer_singer with margin 1
    g = gen(5999)
    s = torch.randn([12, 4], generator=g)
    y = indices([12], 4, g)
    y[:4] = torch.tensor([0.0, 1, 2, 3])
    sk = sklearn.metrics.hinge_loss(y.long().numpy(), s.numpy(), labels=[0, 1, 2, 3])
    close(ref_multiclass_hinge(s, y, 1.0, 1.0, "crammer_singer").mean(), sk)
    add("multiclass_hinge/sklearn", "multiclass_hinge", [s, y], {"variant": "crammer_singer"}, sk,
        grads=mc_grads(s, y, 1.0, 1.0, "crammer_singer", "mean"), grad_error=MC_GRAD_ERROR)
    # cs231n's example (weston_watkins), via the alias
    S = torch.tensor([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
    yS = torch.tensor([0.0, 1, 2])
    add("svm/alias/cs231n", "svm", [S, yS], {"reduction": "none"},
        F.multi_margin_loss(S, torch.tensor([0, 1, 2]), reduction="none") * 3,
        grads=mc_grads(S, yS, 1.0, 1.0, "weston_watkins", "none"), grad_error=MC_GRAD_ERROR)
    add("multiclass_hinge/example", "multiclass_hinge", [S, yS], {},
        (F.multi_margin_loss(S, torch.tensor([0, 1, 2]), reduction="none") * 3).mean(),
        grads=mc_grads(S, yS, 1.0, 1.0, "weston_watkins", "mean"), grad_error=MC_GRAD_ERROR)
    s1, y1 = torch.tensor([[0.3], [-2.0]]), torch.tensor([0.0, 0.0])
    add("multiclass_hinge/edge/one_class", "multiclass_hinge", [s1, y1],
        {"reduction": "none"}, torch.tensor([0.0, 0.0]), grads=mc_grads(s1, y1, 1.0, 1.0, "weston_watkins", "none"),
        grad_error=MC_GRAD_ERROR)
    add("multiclass_hinge/edge/one_class/cs", "multiclass_hinge", [s1, y1],
        {"reduction": "none", "variant": "crammer_singer"}, torch.tensor([0.0, 0.0]),
        grads=mc_grads(s1, y1, 1.0, 1.0, "crammer_singer", "none"), grad_error=MC_GRAD_ERROR)
    # kinks (margin − s_y + s_j = 0: subgradient 0, as multi_margin_loss) and tied maxima
    # (Crammer–Singer: the tied classes share the gradient, as torch's amax)
    sk = torch.tensor([[1.0, 0.0, 2.0, -3.0], [0.5, 2.0, 2.0, 0.0], [2.5, 1.5, 1.5, 1.5]])
    yk = torch.tensor([0.0, 0.0, 0.0])
    for variant in ["weston_watkins", "crammer_singer"]:
        for pk in [1.0, 2.0]:
            add(f"multiclass_hinge/edge/kinks_and_ties/{variant}/p={pk}", "multiclass_hinge", [sk, yk],
                {"reduction": "none", "variant": variant, "p": pk}, ref_multiclass_hinge(sk, yk, 1.0, pk, variant),
                grads=mc_grads(sk, yk, 1.0, pk, variant, "none"), grad_error=MC_GRAD_ERROR)
    add("multiclass_hinge/error/variant", "multiclass_hinge", [S, torch.tensor([0.0, 1, 2])], {"variant": "cs"},
        error="multiclass_hinge: variant must be one of \"weston_watkins\", \"crammer_singer\", got \"cs\"")
    add("multiclass_hinge/error/p", "multiclass_hinge", [S, torch.tensor([0.0, 1, 2])], {"p": 0.0},
        error="multiclass_hinge: p must be a positive number")
    add("multiclass_hinge/error/out_of_range", "multiclass_hinge", [S, torch.tensor([0.0, 1, 3])], {},
        error="multiclass_hinge: class index 3 in y at index 2 is out of range for 3 classes")
    add("multiclass_hinge/error/one_hot", "multiclass_hinge", [S, torch.eye(3)], {},
        error="multiclass_hinge: y must hold class indices with shape [3]")


# ---------------------------------------------------------------- focal, poly1, poly

def softplus(x):
    """log(1 + e^x) without overflow or cancellation, whose autograd is σ(x) everywhere (also at 0,
    and without the nan that torch.where meets when the unused branch overflows)."""
    pos = x > 0
    xp = torch.where(pos, x, torch.zeros_like(x))
    xn = torch.where(pos, torch.zeros_like(x), x)
    return torch.where(pos, xp + torch.log1p(torch.exp(-xp)), torch.log1p(torch.exp(xn)))


def binary_ce_q(p, y, use_logits):
    """ce (binary cross-entropy) and q = 1 − p_t, without cancellation for logits: ce is
    y·softplus(−x) + (1 − y)·softplus(x), which torch's binary_cross_entropy_with_logits equals
    up to its cancellation (it gives 0 for x = −40, y = 0 instead of 4.2e-18; the gradient with
    respect to y needs the exact ratio ce/q there)."""
    if use_logits:
        ce = y * softplus(-p) + (1 - y) * softplus(p)
        assert torch.allclose(ce, F.binary_cross_entropy_with_logits(p, y, reduction="none"), rtol=1e-14, atol=1e-15)
        q = y * torch.sigmoid(-p) + (1 - y) * torch.sigmoid(p)
        s = torch.sigmoid(p)
        # torchvision's 1 − p_t agrees up to its cancellation
        assert torch.allclose(q, 1 - (s * y + (1 - s) * (1 - y)), rtol=0, atol=1e-15)
    else:
        ce = -(y * safe_clog(p) + (1 - y) * safe_clog1m(p))
        q = y * (1 - p) + (1 - y) * p
    return ce, q


def index_ce_q(p, y, use_logits):
    """ce = −log p_t and q = 1 − p_t for class-index targets, classes on the last axis."""
    yi = y.long().unsqueeze(-1)
    if use_logits:
        lpt = torch.log_softmax(p, dim=-1).gather(-1, yi).squeeze(-1)
        q = -torch.expm1(lpt)
    else:
        pt = p.gather(-1, yi).squeeze(-1)
        lpt = safe_clog(pt)
        q = 1 - pt
    return -lpt, q


def alpha_t(alpha, y, binary, shape):
    if alpha is None:
        return 1.0
    a = torch.as_tensor(alpha)
    if binary:
        return a * y + (1 - a) * (1 - y)
    if a.dim() == 0:
        return a
    return a[y.long()]


def ref_pt(form, p, y, binary, use_logits, params):
    ce, q = binary_ce_q(p, y, use_logits) if binary else index_ce_q(p, y, use_logits)
    if form == "focal":
        l = ce * q ** params["gamma"] if params["gamma"] else ce
        l = alpha_t(params.get("alpha"), y, binary, p.shape) * l
    elif form == "poly1":
        g = params["gamma"]
        l = (ce + params["epsilon"] * q) if g == 0 else (q ** g * ce + params["epsilon"] * q ** (g + 1))
    else:
        eps = torch.atleast_1d(torch.as_tensor(params["epsilon"], dtype=torch.float64))
        l = ce + sum(e * q ** (j + 1) for j, e in enumerate(eps.tolist()))
    return l


def pt_q(p, y, binary, use_logits):
    return (binary_ce_q(p, y, use_logits) if binary else index_ce_q(p, y, use_logits))[1]


def pt_grads(form, p, y, binary, use_logits, params, reduction):
    """autograd of ref_pt (reduced) with respect to p and, for binary labels, y. Where q = 1 − p_t
    is exactly 0, autograd of q^γ (γ < 1) meets 0·∞ and gives nan; every term of the gradient
    vanishes there (q^γ → 0, and γ·q^(γ−1)·(−log p_t) → 0 since −log p_t ≈ q), so the limit 0
    is used — for a whole row with class indices. Nothing else may be nan (unless the input is)."""
    grads = autograd(lambda a, b: reduce(ref_pt(form, a, b, binary, use_logits, params), reduction),
                     [p, y], [0, 1] if binary else [0])
    sat = pt_q(p, y, binary, use_logits) == 0
    if not binary:
        sat = sat.unsqueeze(-1).expand(p.shape)
    for i, g in grads.items():
        grads[i] = torch.where(sat & torch.isnan(g), torch.zeros_like(g), g)
        assert not torch.isnan(grads[i]).any() or torch.isnan(p).any(), (form, p, y, grads[i])
    return grads


def pt_grad_error(binary, fn):
    return None if binary else {1: INDEX_GRAD_ERROR.format(fn=fn)}


def mp_pt_loss(form, x, y, params, k=None):
    """One sample's loss in mpmath from logits (binary: x and y numbers; indices: x a list, k the class)."""
    if k is None:
        s, sn = 1 / (1 + mpmath.exp(-x)), 1 / (1 + mpmath.exp(x))
        ce = (1 - y) * x + mpmath.log1p(mpmath.exp(-x)) if x > 0 else -y * x + mpmath.log1p(mpmath.exp(x))
        q = y * sn + (1 - y) * s
    else:
        lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in x))
        lp = x[k] - lse
        ce, q = -lp, -mpmath.expm1(lp)
    g = params.get("gamma", 0.0)
    if form == "focal":
        l = q ** g * ce if g else ce
        a = params.get("alpha")
        if a is not None:
            l *= (a * y + (1 - a) * (1 - y)) if k is None else a
        return l
    if form == "poly1":
        return ce + params["epsilon"] * q if g == 0 else q ** g * ce + params["epsilon"] * q ** (g + 1)
    return ce + mpmath.fsum(e * q ** (j + 1) for j, e in enumerate(params["epsilon"]))


def mp_check_pt_logits(form, x, y, params, grads, binary):
    """Checks gradients of saturated-logit cases against mpmath (60 digits) numerical derivatives
    of the same losses, reduction "none": d/dx (and d/dy, one-sided at labels 0 and 1)."""
    mpmath.mp.dps = 60
    def agree(got, want):
        want = float(want)
        # torch's own σ(x) − y loses values below 1e-16 to cancellation (0 for 1e-18): far below the tests' 1e-12 floor
        assert abs(got - want) <= max(1e-9 * abs(want), 1e-16), (form, got, want)
    if binary:
        for i, (xi, yi) in enumerate(zip(x.tolist(), y.tolist())):
            xm, ym = mpmath.mpf(xi), mpmath.mpf(yi)
            agree(float(grads[0][i]), mpmath.diff(lambda v: mp_pt_loss(form, v, ym, params), xm))
            direction = -1 if yi == 1 else (1 if yi == 0 else 0)
            # at a label 0/1 with 1 − p_t = 0 the loss goes like (1 − y)^(γ+1): a tiny one-sided step
            with mpmath.workdps(300):
                agree(float(grads[1][i]), mpmath.diff(lambda v: mp_pt_loss(form, xm, v, params), ym,
                                                      direction=direction, h=mpmath.mpf("1e-150")))
    else:
        for r, (row, k) in enumerate(zip(x.tolist(), y.long().tolist())):
            xm = [mpmath.mpf(v) for v in row]
            for j in range(len(row)):
                def f(v, j=j):
                    z = list(xm)
                    z[j] = v
                    return mp_pt_loss(form, z, None, params, k)
                agree(float(grads[0][r, j]), mpmath.diff(f, xm[j]))


PT_BINARY_SHAPES = [[], [7], [4, 3], [2, 3, 5]]


def pt_inputs(seed, shape, binary, use_logits, soft=False):
    g = gen(seed)
    if binary:
        p = logits(shape, g) if use_logits else probs(shape, g)
        y = torch.rand(shape, generator=g) if soft else labels01(shape, g)
    else:
        p = logits(shape, g) if use_logits else distributions(shape, g)
        y = indices(shape[:-1], shape[-1], g)
    return p, y, g


def gen_focal():
    seed = 6000
    for binary in [True, False]:
        shapes = PT_BINARY_SHAPES if binary else [s for s, _ in ROW_SHAPES]
        for shape in shapes:
            for use_logits in [False, True]:
                for gamma in [None, 0.0, 0.5]:
                    for akind in [None, "scalar", "vector"]:
                        for reduction in REDUCTIONS:
                            seed += 1
                            if akind == "vector" and binary and not shape:
                                continue
                            p, y, g = pt_inputs(seed, shape, binary, use_logits)
                            c = shape[-1] if shape else 1
                            alpha = {None: None, "scalar": 0.25, "vector": torch.rand([c], generator=g)}[akind]
                            kw = {"reduction": reduction}
                            if gamma is not None:
                                kw["gamma"] = gamma
                            if use_logits:
                                kw["logits"] = True
                            if alpha is not None:
                                kw["alpha"] = alpha
                            params = {"gamma": 2.0 if gamma is None else gamma, "alpha": alpha}
                            ref = reduce(ref_pt("focal", p, y, binary, use_logits, params), reduction)
                            add(f"focal/{'binary' if binary else 'index'}/{tag(shape)}/{'logits' if use_logits else 'probs'}/"
                                f"gamma={gamma}/alpha={akind}/{reduction}", "focal", [p, y], kw, ref,
                                grads=pt_grads("focal", p, y, binary, use_logits, params, reduction),
                                grad_error=pt_grad_error(binary, "focal"))
    # soft binary labels (torchvision's formula accepts them)
    for use_logits in [False, True]:
        p, y, _ = pt_inputs(6900 + use_logits, [9], True, use_logits, soft=True)
        kw = {"reduction": "none", "alpha": 0.3, "gamma": 1.5, "logits": use_logits}
        params = {"gamma": 1.5, "alpha": 0.3}
        add(f"focal/binary/soft/{'logits' if use_logits else 'probs'}", "focal", [p, y], kw,
            ref_pt("focal", p, y, True, use_logits, params), grads=pt_grads("focal", p, y, True, use_logits, params, "none"))
    # torchvision sigmoid_focal_loss == focal(alpha: 0.25, logits: true)
    p, y, _ = pt_inputs(6950, [5, 4], True, True)
    tv = torchvision_sigmoid_focal_loss(p, y, alpha=0.25, gamma=2.0, reduction="mean")
    close(tv, ref_pt("focal", p, y, True, True, {"gamma": 2.0, "alpha": 0.25}).mean())
    # gradients: torch.autograd on torchvision's formula, where its 1 − p_t (computed by cancellation) is accurate
    params = {"gamma": 2.0, "alpha": 0.25}
    grads = pt_grads("focal", p, y, True, True, params, "mean")
    tvg = autograd(lambda a, b: torchvision_sigmoid_focal_loss(a, b, alpha=0.25, gamma=2.0, reduction="mean"), [p, y], [0, 1])
    for i in (0, 1):
        assert torch.allclose(grads[i], tvg[i], rtol=1e-9, atol=1e-15), (grads[i], tvg[i])
    add("focal/torchvision", "focal", [p, y], {"alpha": 0.25, "logits": True}, tv, grads=grads)
    # γ = 0, no alpha: cross-entropy (and its gradient softmax − onehot)
    p, y, _ = pt_inputs(6951, [6, 4], False, True)
    grads = pt_grads("focal", p, y, False, True, {"gamma": 0.0}, "mean")
    close(grads[0], autograd(lambda a: F.cross_entropy(a, y.long()), [p], [0])[0])
    add("focal/gamma0_is_cross_entropy", "focal", [p, y], {"gamma": 0.0, "logits": True}, F.cross_entropy(p, y.long()),
        grads=grads, grad_error=pt_grad_error(False, "focal"))
    # gamma and alpha are constants (passed by position here, so that they can be asked for)
    pc, yc = torch.tensor([0.9, 0.2, 0.6]), torch.tensor([1.0, 0.0, 1.0])
    params = {"gamma": 1.5, "alpha": 0.25}
    add("focal/grad/gamma_alpha_are_constants", "focal", [pc, yc, 1.5, 0.25], {},
        ref_pt("focal", pc, yc, True, False, params).mean(), grads=pt_grads("focal", pc, yc, True, False, params, "mean"),
        grad_error={2: "focal: gamma is a constant of the loss and has no gradient",
                    3: "focal: alpha is a constant of the loss and has no gradient"})
    # the mission example
    pe, ye = torch.tensor([0.9, 0.2]), torch.tensor([1.0, 0.0])
    pt = pe * ye + (1 - pe) * (1 - ye)
    mission = (F.binary_cross_entropy(pe, ye, reduction="none") * (1 - pt) ** 2).mean()
    assert f"{float(mission):.6g}" == "0.00498967"
    add("focal/mission_example", "focal", [pe, ye], {"gamma": 2.0}, mission,
        grads=pt_grads("focal", pe, ye, True, False, {"gamma": 2.0}, "mean"))
    # saturated inputs with γ < 1: finite, no 0·∞
    x = torch.tensor([1000.0, -1000.0, 40.0, -40.0, 1000.0, -1000.0, 0.0])
    yb = torch.tensor([1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0])
    for gamma in [0.0, 0.25, 0.5, 2.0]:
        params = {"gamma": gamma, "alpha": 0.25}
        grads = pt_grads("focal", x, yb, True, True, params, "none")
        mp_check_pt_logits("focal", x, yb, params, grads, True)
        # torchvision's formula: the same gradient wherever its autograd is finite and 1 − p_t is not cancelled
        tvg = autograd(lambda a, b: torchvision_sigmoid_focal_loss(a, b, alpha=0.25, gamma=gamma), [x, yb], [0, 1])
        ok = torch.isfinite(tvg[0]) & (x.abs() < 30)
        assert torch.allclose(grads[0][ok], tvg[0][ok], rtol=1e-9, atol=1e-15)
        add(f"focal/edge/saturated_logits/gamma={gamma}", "focal", [x, yb],
            {"gamma": gamma, "logits": True, "reduction": "none", "alpha": 0.25},
            ref_pt("focal", x, yb, True, True, params), grads=grads)
    pb = torch.tensor([1.0, 0.0, 0.0, 1.0, 0.5, 1e-30])
    yb2 = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0, 1.0])
    for gamma in [0.0, 0.5]:
        add(f"focal/edge/probs_0_1/gamma={gamma}", "focal", [pb, yb2], {"gamma": gamma, "reduction": "none"},
            ref_pt("focal", pb, yb2, True, False, {"gamma": gamma}),
            grads=pt_grads("focal", pb, yb2, True, False, {"gamma": gamma}, "none"))
    xi = torch.tensor([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0], [5.0, 5.0, 5.0]])
    yi = torch.tensor([0.0, 0.0, 2.0])
    for gamma in [0.5, 2.0]:
        grads = pt_grads("focal", xi, yi, False, True, {"gamma": gamma}, "none")
        mp_check_pt_logits("focal", xi, yi, {"gamma": gamma}, grads, False)
        add(f"focal/edge/index_logits_1000/gamma={gamma}", "focal", [xi, yi],
            {"gamma": gamma, "logits": True, "reduction": "none"},
            ref_pt("focal", xi, yi, False, True, {"gamma": gamma}), grads=grads, grad_error=pt_grad_error(False, "focal"))
    pi = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    add("focal/edge/index_probs_0_1/gamma=0.5", "focal", [pi, torch.tensor([0.0, 0.0])], {"gamma": 0.5, "reduction": "none"},
        torch.tensor([0.0, 100.0]), grads=pt_grads("focal", pi, torch.tensor([0.0, 0.0]), False, False, {"gamma": 0.5}, "none"),
        grad_error=pt_grad_error(False, "focal"))
    # errors
    add("focal/error/shape", "focal", [torch.tensor([0.9, 0.2]), torch.tensor([1.0, 0.0, 1.0])], {"gamma": 2.0},
        error="focal: p and y must have the same shape, got [2] and [3]")
    add("focal/error/index_shape", "focal", [torch.full([2, 3], 1 / 3), torch.tensor([1.0, 0.0, 1.0])], {},
        error="focal: y must have p's shape [2, 3] (binary labels) or [2] (class indices), got [3]")
    add("focal/error/gamma", "focal", [torch.tensor([0.9]), torch.tensor([1.0])], {"gamma": -1.0},
        error="focal: gamma must be a non-negative number, got -1")
    add("focal/error/alpha_binary", "focal", [torch.tensor([0.9]), torch.tensor([1.0])], {"alpha": 1.5},
        error="focal: alpha must be in [0, 1] for binary labels")
    add("focal/error/alpha_vector_size", "focal", [torch.full([2, 3], 1 / 3), torch.tensor([1.0, 0.0])],
        {"alpha": torch.ones([2])}, error="focal: alpha must have one value per class, shape [3] (or be a number), got [2]")
    add("focal/error/p", "focal", [torch.tensor([1.2]), torch.tensor([1.0])], {},
        error="focal: p must hold probabilities in [0, 1], got 1.2")
    add("focal/error/y", "focal", [torch.tensor([0.2]), torch.tensor([-1.0])], {},
        error="focal: y must hold 0/1 labels or probabilities in [0, 1], got -1")
    add("focal/error/index", "focal", [torch.full([2, 3], 1 / 3), torch.tensor([1.0, 3.0])], {},
        error="focal: class index 3 in y at index 1 is out of range for 3 classes")
    add("focal/error/unknown_keyword", "focal", [torch.tensor([0.9]), torch.tensor([1.0])], {"gama": 2.0},
        error="focal has no parameter 'gama'")


def gen_poly():
    seed = 7000
    for binary in [True, False]:
        shapes = PT_BINARY_SHAPES if binary else [s for s, _ in ROW_SHAPES]
        for shape in shapes:
            for use_logits in [False, True]:
                for epsilon in [None, -1.0, 2.5]:
                    for gamma in [None, 2.0]:
                        for reduction in REDUCTIONS:
                            seed += 1
                            p, y, _ = pt_inputs(seed, shape, binary, use_logits)
                            kw = {"reduction": reduction}
                            if use_logits:
                                kw["logits"] = True
                            if epsilon is not None:
                                kw["epsilon"] = epsilon
                            if gamma is not None:
                                kw["gamma"] = gamma
                            params = {"epsilon": 1.0 if epsilon is None else epsilon, "gamma": 0.0 if gamma is None else gamma}
                            ref = reduce(ref_pt("poly1", p, y, binary, use_logits, params), reduction)
                            add(f"poly1/{'binary' if binary else 'index'}/{tag(shape)}/{'logits' if use_logits else 'probs'}/"
                                f"eps={epsilon}/gamma={gamma}/{reduction}", "poly1", [p, y], kw, ref,
                                grads=pt_grads("poly1", p, y, binary, use_logits, params, reduction),
                                grad_error=pt_grad_error(binary, "poly1"))
            for use_logits in [False, True]:
                for epsilon in [None, [], [1.0, 0.5], [2.0, -1.0, 0.5, 3.0], 0.7]:
                    for reduction in REDUCTIONS:
                        seed += 1
                        p, y, _ = pt_inputs(seed, shape, binary, use_logits)
                        kw = {"reduction": reduction}
                        if use_logits:
                            kw["logits"] = True
                        if epsilon is not None:
                            kw["epsilon"] = torch.tensor(epsilon)
                        params = {"epsilon": [1.0] if epsilon is None else epsilon}
                        ref = reduce(ref_pt("poly", p, y, binary, use_logits, params), reduction)
                        add(f"poly/{'binary' if binary else 'index'}/{tag(shape)}/{'logits' if use_logits else 'probs'}/"
                            f"eps={epsilon}/{reduction}", "poly", [p, y], kw, ref,
                            grads=pt_grads("poly", p, y, binary, use_logits, params, reduction),
                            grad_error=pt_grad_error(binary, "poly"))
    # optax poly_loss_cross_entropy (one-hot labels), transcribed:
    #   cross_entropy + epsilon * (1 - sum(labels * softmax(logits)))
    x, y, _ = pt_inputs(7900, [5, 4], False, True)
    onehot = F.one_hot(y.long(), 4).double()
    optax = -(onehot * torch.log_softmax(x, -1)).sum(-1) + 2.0 * (1 - (onehot * torch.softmax(x, -1)).sum(-1))
    close(optax, ref_pt("poly1", x, y, False, True, {"epsilon": 2.0, "gamma": 0.0}))
    grads = pt_grads("poly1", x, y, False, True, {"epsilon": 2.0, "gamma": 0.0}, "none")
    def optax_poly1(a):
        return -(onehot * torch.log_softmax(a, -1)).sum(-1) + 2.0 * (1 - (onehot * torch.softmax(a, -1)).sum(-1))
    close(grads[0], autograd(optax_poly1, [x], [0])[0])
    add("poly1/optax", "poly1", [x, y], {"epsilon": 2.0, "logits": True, "reduction": "none"}, optax,
        grads=grads, grad_error=pt_grad_error(False, "poly1"))
    # edges: saturated logits and probabilities 0/1
    xs = torch.tensor([1000.0, -1000.0, 40.0, -40.0, 1000.0])
    ys = torch.tensor([1.0, 0.0, 1.0, 0.0, 0.0])
    for form, params, kw in [("poly1", {"epsilon": 1.0, "gamma": 0.5}, {"gamma": 0.5}),
                             ("poly", {"epsilon": [1.0, 2.0]}, {"epsilon": torch.tensor([1.0, 2.0])})]:
        grads = pt_grads(form, xs, ys, True, True, params, "none")
        mp_check_pt_logits(form, xs, ys, params, grads, True)
        add(f"{form}/edge/saturated_logits", form, [xs, ys], {"logits": True, "reduction": "none", **kw},
            ref_pt(form, xs, ys, True, True, params), grads=grads)
    pb = torch.tensor([1.0, 0.0, 0.0, 1.0])
    yb = torch.tensor([1.0, 0.0, 1.0, 0.0])
    add("poly/edge/probs_0_1", "poly", [pb, yb], {"reduction": "none"}, torch.tensor([0.0, 0.0, 101.0, 101.0]),
        grads=pt_grads("poly", pb, yb, True, False, {"epsilon": [1.0]}, "none"))
    add("poly1/edge/probs_0_1/gamma=0.5", "poly1", [pb, yb], {"reduction": "none", "gamma": 0.5},
        ref_pt("poly1", pb, yb, True, False, {"epsilon": 1.0, "gamma": 0.5}),
        grads=pt_grads("poly1", pb, yb, True, False, {"epsilon": 1.0, "gamma": 0.5}, "none"))
    # examples
    pe, ye = torch.tensor([0.9, 0.2]), torch.tensor([1.0, 0.0])
    add("poly1/example", "poly1", [pe, ye], {}, ref_pt("poly1", pe, ye, True, False, {"epsilon": 1.0, "gamma": 0.0}).mean(),
        grads=pt_grads("poly1", pe, ye, True, False, {"epsilon": 1.0, "gamma": 0.0}, "mean"))
    add("poly/example", "poly", [pe, ye], {"epsilon": torch.tensor([1.0, 0.5])},
        ref_pt("poly", pe, ye, True, False, {"epsilon": [1.0, 0.5]}).mean(),
        grads=pt_grads("poly", pe, ye, True, False, {"epsilon": [1.0, 0.5]}, "mean"))
    # errors
    add("poly/error/epsilon_matrix", "poly", [pe, ye], {"epsilon": torch.ones([2, 2])},
        error="poly: epsilon must be a vector [ε1, …, εN] (or a number), got shape [2, 2]")
    add("poly1/error/gamma", "poly1", [pe, ye], {"gamma": -0.5}, error="poly1: gamma must be a non-negative number, got -0.5")
    add("poly1/error/shape", "poly1", [pe, torch.tensor([1.0, 0.0, 1.0])], {},
        error="poly1: p and y must have the same shape, got [2] and [3]")


# ---------------------------------------------------------------- entropy, kl

def entropy_grads(p, ax):
    """torch.special.entr's backward, −(log p + 1): +inf at p = 0."""
    return autograd(lambda a: torch.special.entr(a).sum(ax), [p], [0])


def kl_grads(p, q, ax):
    """autograd of torch's kl_div(log q, p).sum(axis) (math order kl(p, q)), with its nan at p = 0
    replaced by the limit: ∂/∂p = log(p/q) + 1 → −inf as p → 0 < q (nan stays where p = q = 0),
    and ∂/∂q = −p/q is 0 where p = 0 (the term p·log(p/q) is 0 for every q there)."""
    grads = autograd(lambda a, b: F.kl_div(b.log(), a, reduction="none").sum(ax), [p, q], [0, 1])
    if (torch.broadcast_tensors(p, q)[0] == 0).any():
        assert p.shape == q.shape
        assert torch.equal(torch.isnan(grads[0]), p == 0), grads[0]   # torch: nan exactly where p = 0
        grads[0] = torch.where((p == 0) & (q > 0), torch.full_like(p, -math.inf), grads[0])
        grads[1] = torch.where(p == 0, torch.zeros_like(q), grads[1])
    return grads


def gen_information():
    seed = 8000
    for shape, axes in [([5], [None, 0]), ([4, 3], [None, 0, -2]), ([2, 3, 4], [None, 1, 0])]:
        for axis in axes:
            seed += 1
            g = gen(seed)
            ax = -1 if axis is None else axis
            p = torch.softmax(torch.randn(shape, generator=g) * 2, dim=ax)
            q = torch.softmax(torch.randn(shape, generator=g) * 2, dim=ax)
            kw = {} if axis is None else {"axis": axis}
            h = torch.special.entr(p).sum(ax)
            close(h, torch.as_tensor(scipy.stats.entropy(p.numpy(), axis=ax)))
            add(f"entropy/{tag(shape)}/axis={axis}", "entropy", [p], kw, h, grads=entropy_grads(p, ax))
            d = torch.as_tensor(scipy.special.rel_entr(p.numpy(), q.numpy()).sum(ax))
            close(d, F.kl_div(q.log(), p, reduction="none").sum(ax))   # torch: reversed order, log-space input
            close(d, torch.as_tensor(scipy.stats.entropy(p.numpy(), q.numpy(), axis=ax)))
            add(f"kl/{tag(shape)}/axis={axis}", "kl", [p, q], kw, d, grads=kl_grads(p, q, ax))
    # zeros: 0·log 0 = 0; kl 0 where p = 0, inf where q = 0 < p
    p = torch.tensor([[0.5, 0.5, 0.0], [1.0, 0.0, 0.0], [0.2, 0.3, 0.5]])
    q = torch.tensor([[0.25, 0.25, 0.5], [0.5, 0.5, 0.0], [0.0, 0.5, 0.5]])
    add("entropy/edge/zeros", "entropy", [p], {}, torch.special.entr(p).sum(-1), grads=entropy_grads(p, -1))
    add("kl/edge/zeros_and_inf", "kl", [p, q], {}, torch.as_tensor(scipy.special.rel_entr(p.numpy(), q.numpy()).sum(-1)),
        grads=kl_grads(p, q, -1))
    add("kl/edge/identical", "kl", [p, p], {}, torch.zeros(3), grads=kl_grads(p, p, -1))
    pt, qt = torch.tensor([0.5, 0.5]), torch.tensor([1.0, 1e-320])
    add("kl/edge/tiny_q", "kl", [pt, qt], {},
        0.5 * math.log(0.5) + 0.5 * (math.log(0.5) - math.log(1e-320)), grads=kl_grads(pt, qt, -1))
    # broadcasting: one model distribution q for a batch of p
    g = gen(8100)
    pb = torch.softmax(torch.randn([4, 3], generator=g), -1)
    qb = torch.softmax(torch.randn([3], generator=g), -1)
    add("kl/broadcast_q", "kl", [pb, qb], {}, torch.as_tensor(scipy.special.rel_entr(pb.numpy(), qb.numpy()).sum(-1)),
        grads=kl_grads(pb, qb, -1))
    # kl(p, q) == cross_entropy(q, p, reduction: "none") − entropy(p)
    ce = F.cross_entropy(clog(qb).expand(4, 3), pb, reduction="none")
    close(ce - torch.special.entr(pb).sum(-1), torch.as_tensor(scipy.special.rel_entr(pb.numpy(), qb.numpy()).sum(-1)))
    pe = torch.tensor([0.5, 0.25, 0.25])
    add("entropy/example", "entropy", [pe], {}, torch.special.entr(pe).sum(), grads=entropy_grads(pe, -1))
    pk, qk = torch.tensor([0.5, 0.5]), torch.tensor([0.9, 0.1])
    add("kl/example", "kl", [pk, qk], {}, scipy.special.rel_entr([0.5, 0.5], [0.9, 0.1]).sum(), grads=kl_grads(pk, qk, -1))
    # errors
    add("entropy/error/negative", "entropy", [torch.tensor([-0.1, 1.1])], {},
        error="entropy: p must hold probabilities in [0, 1], got -0.1 at index 0")
    add("entropy/error/axis", "entropy", [torch.ones([2, 2]) / 2], {"axis": 2},
        error="entropy: axis 2 is out of range for a tensor of rank 2 (expected -2…1)")
    add("entropy/error/scalar", "entropy", [0.5], {}, error="entropy: p must be a distribution")
    add("kl/error/shape", "kl", [torch.tensor([0.5, 0.5, 0.0]), torch.tensor([0.5, 0.5])], {},
        error="kl: p and q must have the same shape (or shapes that broadcast), got [3] and [2]")
    add("kl/error/q_range", "kl", [torch.tensor([0.5, 0.5]), torch.tensor([2.0, -1.0])], {},
        error="kl: q must hold probabilities in [0, 1], got 2")


def main():
    gen_bce()
    gen_cross_entropy()
    gen_nll()
    gen_hinge()
    gen_multiclass_hinge()
    gen_focal()
    gen_poly()
    gen_information()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    write_fixture(OUT, {"cases": cases})
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
