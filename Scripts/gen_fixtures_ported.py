#!/usr/bin/env python3
"""Reference fixtures for the ported losses (docs/reference.md §4.6).

Writes Tests/LossLangTests/Fixtures/ported.json in the shared fixture format (LossFixtureTests.swift
documents it; "grads" are torch.autograd float64 gradients of sum(out) by positional argument,
checked by GradFixtureTests.swift).

References, all float64:
- hinge_embedding, soft_margin, multilabel_soft_margin, multilabel_margin: torch.nn.functional itself
  (`hinge_embedding_loss`, `soft_margin_loss`, `multilabel_soft_margin_loss`, `multilabel_margin_loss`).
  soft_margin at |x| ≥ 710 only: torch's log(1 + exp(−y·x)) overflows to inf, the reference there is
  softplus(−y·x), the value the formula has.
- msle, mape: a float64 torch port of Keras 3's `mean_squared_logarithmic_error` and
  `mean_absolute_percentage_error` (keras/src/losses/losses.py): Keras computes in float32, so the
  port is checked here against Keras itself (torch backend) at float32 precision, rtol 1e-5, and the
  port's values are the fixtures. The port computes log(max(x, 1e-7) + 1) as log1p(max(x, 1e-7)).
- generalized_ce: the paper's formula (Zhang & Sabuncu 2018, eq. 6), (1 − p[y]^q)/q, in torch; with
  logits p = softmax(x) first (as the authors' code).
- listnet: Cao et al. 2007, top-one probabilities: −Σ softmax(relevance)·log_softmax(scores).
- listmle: Xia et al. 2008: π sorts the relevance in decreasing order with torch.sort(stable=True),
  so tied items keep their positions' order; loss = Σ_i logsumexp(s_π(i:)) − s_π(i), the suffix
  log-sum-exps by torch.logcumsumexp on the flipped list.
- sparsemax, sparsemax_loss: a float64 torch port of optax's `projection_simplex` and
  `multiclass_sparsemax_loss` (jax is not needed); the vector–Jacobian products of sparsemax go to
  "sparsemax_vjp" (PortedLossTests.swift).
- supcon, circle: pytorch-metric-learning's `SupConLoss` and `CircleLoss` themselves, float64 ("mean":
  its default AvgNonZeroReducer; "none": DoNothingReducer).
- cosent: sentence-transformers' `CoSENTLoss.forward` transcribed in torch (sentence-transformers is
  not needed).
- bce with label_smoothing: torch binary_cross_entropy(_with_logits) on y·(1 − ε) + ε/2, the smoothing of
  Keras' BinaryCrossentropy (checked against keras at float32 precision).
- triplet and contrastive with distance: "cosine": torch TripletMarginWithDistanceLoss with 1 − cosine_similarity,
  and the contrastive formula on that distance, in torch.
- kl with log: true: torch `kl_div(log_q, log_p, log_target=True)` summed over the axis (0 where log p =
  −inf, where torch gives nan).
- ctc: torch `ctc_loss` itself; its gradient minus the exp(log_probs) term its backward folds in (see
  the ctc section), checked by central differences.

Fixed seeds; run by hand (needs torch and pytorch-metric-learning; keras only for the msle/mape cross-check, skipped if absent):

    python3 Scripts/gen_fixtures_ported.py
"""
import os
import warnings

import torch
import torch.nn.functional as F

from fixture_common import encode as enc, make_case, write_fixture, torch_case

torch.set_default_dtype(torch.float64)
warnings.filterwarnings("ignore")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "LossLangTests", "Fixtures", "ported.json")

cases = []
gen = torch.Generator().manual_seed(20261207)


def T(x):
    return torch.tensor(x, dtype=torch.float64)


def randn(*shape, scale=1.0):
    return (torch.randn(shape, generator=gen) * scale).round(decimals=6)


def rand(*shape):
    return torch.rand(shape, generator=gen).round(decimals=6)


def signs(*shape):
    return torch.where(torch.rand(shape, generator=gen) < 0.5, -1.0, 1.0)


def add(*args, **kwargs):
    """A case computed in torch (fixture_common.torch_case)."""
    cases.append(torch_case(*args, **kwargs))


def reduce(loss, red):
    return loss if red == "none" else (loss.sum() if red == "sum" else loss.mean())


REDS = ("mean", "sum", "none")

# ---------------------------------------------------------------- hinge_embedding (torch)

x, y = randn(4, 5, scale=1.5), signs(4, 5)
for red in REDS:
    for m in (1.0, 0.5, 2.0):
        add(f"hinge_embedding/{m}/{red}", "hinge_embedding", [x, y], {"margin": m, "reduction": red},
            lambda a, b, m=m, red=red: F.hinge_embedding_loss(a, b, margin=m, reduction=red), diff=[0],
            grad_error={1: "labels"})
add("hinge_embedding/default", "hinge_embedding", [x, y], {}, lambda a, b: F.hinge_embedding_loss(a, b), diff=[0])
add("hinge_embedding/example", "hinge_embedding", [T([0.3, 2, 0.5, 1.5]), T([1, 1, -1, -1])], {"reduction": "none"},
    lambda a, b: F.hinge_embedding_loss(a, b, reduction="none"), diff=[0])
# at the margin: torch gives the gradient 0 (x = margin), −1 just inside
add("hinge_embedding/at-margin", "hinge_embedding", [T([1.0, 1.0, 0.999, 1.001]), T([-1, 1, -1, -1])], {"reduction": "sum"},
    lambda a, b: F.hinge_embedding_loss(a, b, reduction="sum"), diff=[0])
add("hinge_embedding/broadcast-y", "hinge_embedding", [x, signs(5)], {"reduction": "none"},
    lambda a, b: F.hinge_embedding_loss(a, b.expand(4, 5), reduction="none"), diff=[0])
add("hinge_embedding/scalar", "hinge_embedding", [T(0.25), T(-1.0)], {}, lambda a, b: F.hinge_embedding_loss(a, b), diff=[0])
add("hinge_embedding/error/labels01", "hinge_embedding", [x, (y > 0).double()], {}, error="y must hold labels -1 or +1, got 0")
add("hinge_embedding/error/label2", "hinge_embedding", [T([1.0, 2.0]), T([1.0, 2.0])], {}, error="got 2 at index 1")
add("hinge_embedding/error/shape", "hinge_embedding", [randn(3), signs(4)], {}, error="[3] and [4]")
add("hinge_embedding/error/margin", "hinge_embedding", [randn(3), signs(3)], {"margin": float("inf")}, error="margin")

# ---------------------------------------------------------------- soft_margin (torch)

x, y = randn(3, 4, scale=2), signs(3, 4)
for red in REDS:
    add(f"soft_margin/{red}", "soft_margin", [x, y], {"reduction": red},
        lambda a, b, red=red: F.soft_margin_loss(a, b, reduction=red), diff=[0], grad_error={1: "labels"})
add("soft_margin/vector", "soft_margin", [T([2, -1, 0.5]), T([1, 1, -1])], {},
    lambda a, b: F.soft_margin_loss(a, b), diff=[0])
add("soft_margin/broadcast", "soft_margin", [x, signs(4)], {"reduction": "none"},
    lambda a, b: F.soft_margin_loss(a, b.expand(3, 4), reduction="none"), diff=[0])
xs = T([800.0, -800.0, 40.0, -40.0, 0.0])
assert torch.isinf(F.soft_margin_loss(xs, torch.ones(5), reduction="none")[1])  # why the reference is softplus here
add("soft_margin/extreme", "soft_margin", [xs, T([1, 1, -1, 1, -1])], {"reduction": "none"},
    lambda a, b: F.softplus(-b * a), diff=[0])
add("soft_margin/error/labels01", "soft_margin", [x, (y > 0).double()], {}, error="y must hold labels -1 or +1, got 0")

# ---------------------------------------------------------------- multilabel_soft_margin (torch)

x, y = randn(4, 5, scale=2), (rand(4, 5) > 0.5).double()
w = rand(5) + 0.1
for red in REDS:
    add(f"multilabel_soft_margin/{red}", "multilabel_soft_margin", [x, y], {"reduction": red},
        lambda a, b, red=red: F.multilabel_soft_margin_loss(a, b, reduction=red), diff=[0, 1])
    add(f"multilabel_soft_margin/weight/{red}", "multilabel_soft_margin", [x, y], {"weight": w, "reduction": red},
        lambda a, b, red=red: F.multilabel_soft_margin_loss(a, b, weight=w, reduction=red), diff=[0, 1])
ysoft = rand(4, 5)
add("multilabel_soft_margin/soft-targets", "multilabel_soft_margin", [x, ysoft], {"reduction": "none"},
    lambda a, b: F.multilabel_soft_margin_loss(a, b, reduction="none"), diff=[0, 1])
add("multilabel_soft_margin/example", "multilabel_soft_margin", [T([[2, -1, 0.5], [0, 1, -2]]), T([[1, 0, 1], [0, 1, 0]])],
    {"reduction": "none"}, lambda a, b: F.multilabel_soft_margin_loss(a, b, reduction="none"), diff=[0])
add("multilabel_soft_margin/vector", "multilabel_soft_margin", [randn(4), T([1, 0, 0, 1])], {},
    lambda a, b: F.multilabel_soft_margin_loss(a, b), diff=[0])
x3, y3 = randn(2, 3, 4), (rand(2, 3, 4) > 0.5).double()
add("multilabel_soft_margin/rank3", "multilabel_soft_margin", [x3, y3], {"reduction": "none"},
    lambda a, b: F.multilabel_soft_margin_loss(a, b, reduction="none"), diff=[0])
add("multilabel_soft_margin/saturated", "multilabel_soft_margin", [T([[900.0, -900.0, 30.0]]), T([[0, 1, 1]])], {},
    lambda a, b: F.multilabel_soft_margin_loss(a, b), diff=[0])
add("multilabel_soft_margin/error/indices", "multilabel_soft_margin", [x, T([0, 1, 2, 3])], {}, error="y must have x's shape [4, 5] (one 0/1 label per class), got [4]")
add("multilabel_soft_margin/error/y", "multilabel_soft_margin", [x, y * 2], {}, error="y must hold 0/1 labels")
add("multilabel_soft_margin/error/weight", "multilabel_soft_margin", [x, y], {"weight": rand(4)}, error="weight")

# ---------------------------------------------------------------- multilabel_margin (torch)


def mlm(a, b, red="mean"):
    return F.multilabel_margin_loss(a, b.long(), reduction=red)


x = randn(4, 5)
yt = T([[3, 0, -1, 1, 2], [1, -1, 0, 0, 0], [-1, 2, 3, 4, 0], [0, 1, 2, 3, 4]])
for red in REDS:
    add(f"multilabel_margin/{red}", "multilabel_margin", [x, yt], {"reduction": red},
        lambda a, b, red=red: mlm(a, b, red), diff=[0], grad_error={1: "class indices"})
add("multilabel_margin/example", "multilabel_margin", [T([0.1, 0.2, 0.4, 0.8]), T([3, 0, -1, 1])], {},
    lambda a, b: mlm(a, b), diff=[0])
add("multilabel_margin/duplicates", "multilabel_margin", [x, T([[2, 2, -1, 0, 0], [0, 1, 0, -1, 3], [4, -1, -1, -1, -1], [1, 3, 1, 3, -1]])],
    {"reduction": "none"}, lambda a, b: mlm(a, b, "none"), diff=[0])
add("multilabel_margin/wide-margin", "multilabel_margin", [randn(3, 6, scale=0.2), T([[0, 5, -1, 0, 0, 0], [1, -1, 0, 0, 0, 0], [2, 3, 4, -1, 0, 0]])],
    {"reduction": "none"}, lambda a, b: mlm(a, b, "none"), diff=[0])
add("multilabel_margin/error/range", "multilabel_margin", [x, T([[5, -1, 0, 0, 0]] * 4)], {}, error="got 5")
add("multilabel_margin/error/neg", "multilabel_margin", [x, T([[1, -2, 0, 0, 0]] * 4)], {}, error="ended by -1, got -2")
add("multilabel_margin/error/shape", "multilabel_margin", [x, T([0, 1, 2, 3])], {}, error="y must have x's shape [4, 5]")

# ---------------------------------------------------------------- msle, mape (float64 port of Keras 3)

EPS = 1e-7


def keras_msle(y_pred, y_true):
    first_log = torch.log1p(torch.clamp_min(y_pred, EPS))
    second_log = torch.log1p(torch.clamp_min(y_true, EPS))
    return torch.square(first_log - second_log)


def keras_mape(y_pred, y_true):
    diff = torch.abs((y_true - y_pred) / torch.clamp_min(torch.abs(y_true), EPS))
    return 100.0 * diff


try:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras
    for _ in range(3):
        p, t = rand(4, 6) * 3 - 0.5, rand(4, 6) * 3 - 0.5
        got = keras.losses.mean_squared_logarithmic_error(t.float(), p.float()).double()
        assert torch.allclose(got, keras_msle(p, t).mean(-1), rtol=1e-5, atol=1e-6), (got, keras_msle(p, t).mean(-1))
        got = keras.losses.mean_absolute_percentage_error(t.float(), p.float()).double()
        assert torch.allclose(got, keras_mape(p, t).mean(-1), rtol=1e-5), (got, keras_mape(p, t).mean(-1))
    print("msle/mape port agrees with keras", keras.__version__, "(float32)")
except ImportError:
    print("keras not installed: the msle/mape port is not cross-checked")

for fn, port in (("msle", keras_msle), ("mape", keras_mape)):
    p, t = rand(3, 4) * 4, rand(3, 4) * 4 + 0.05
    for red in REDS:
        add(f"{fn}/{red}", fn, [p, t], {"reduction": red}, lambda a, b, port=port, red=red: reduce(port(a, b), red), diff=[0, 1])
    wt = rand(4)
    add(f"{fn}/weight", fn, [p, t], {"weight": wt}, lambda a, b, port=port: (port(a, b) * wt).mean(), diff=[0, 1])
    add(f"{fn}/broadcast", fn, [p, t[0]], {"reduction": "none"}, lambda a, b, port=port: port(a, b), diff=[0, 1])
    # negative values (clamped to ε by msle; signed for mape) and tiny targets
    pn, tn = T([-0.5, 2.0, -3.0, 0.5, 1e-9]), T([1.0, -2.0, -0.5, 1e-9, 0.3])
    add(f"{fn}/negative", fn, [pn, tn], {"reduction": "none"}, lambda a, b, port=port: port(a, b), diff=[0, 1])
add("msle/example", "msle", [T([1, 3, 0]), T([1, 1, 2])], {}, lambda a, b: keras_msle(a, b).mean(), diff=[0, 1])
add("mape/example", "mape", [T([110, 45, 3]), T([100, 50, 2])], {}, lambda a, b: keras_mape(a, b).mean(), diff=[0, 1])
add("mape/zero-target", "mape", [T([0.5, 0.0]), T([0.0, 0.0])], {"reduction": "none"}, lambda a, b: keras_mape(a, b), diff=[0])
add("msle/large", "msle", [T([1e300, 1e-300]), T([1.0, 1e300])], {"reduction": "none"}, lambda a, b: keras_msle(a, b), diff=[0, 1])
add("msle/error/shape", "msle", [randn(3), randn(2)], {}, error="[3] and [2]")
add("mape/error/shape", "mape", [randn(3), randn(2)], {}, error="[3] and [2]")

# ---------------------------------------------------------------- generalized_ce (Zhang & Sabuncu 2018, eq. 6)


def gce(p, y, q=0.7, logits=False, red="mean"):
    probs = F.softmax(p, dim=-1) if logits else p
    pt = probs.gather(-1, y.long().unsqueeze(-1)).squeeze(-1)
    return reduce((1 - pt ** q) / q, red)


logit = randn(5, 4, scale=2)
prob = F.softmax(randn(5, 4), dim=-1)
yi = T([0, 3, 1, 2, 3])
for red in REDS:
    for q in (0.7, 0.3, 1.0):
        add(f"generalized_ce/probs/q{q}/{red}", "generalized_ce", [prob, yi], {"q": q, "reduction": red},
            lambda a, b, q=q, red=red: gce(a, b, q, False, red), diff=[0], grad_error={1: "class indices"})
        add(f"generalized_ce/logits/q{q}/{red}", "generalized_ce", [logit, yi], {"q": q, "logits": True, "reduction": red},
            lambda a, b, q=q, red=red: gce(a, b, q, True, red), diff=[0])
add("generalized_ce/example", "generalized_ce", [T([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]]), T([0, 2])], {},
    lambda a, b: gce(a, b), diff=[0])
add("generalized_ce/vector", "generalized_ce", [T([0.2, 0.5, 0.3]), T(1.0)], {"q": 0.5}, lambda a, b: gce(a, b, 0.5), diff=[0])
add("generalized_ce/q-large", "generalized_ce", [prob, yi], {"q": 2.5}, lambda a, b: gce(a, b, 2.5), diff=[0])
# saturated logits: p_t ≈ 1 − 2e-13 (the naive 1 − p_t^q loses 3 digits: the reference is the same formula
# written as −expm1(q·log_softmax(x)[y])/q) and p_t ≈ e^-1000 (the bound 1/q)
add("generalized_ce/saturated", "generalized_ce", [T([[30.0, 0.0, 0.0], [0.0, 1000.0, 0.0]]), T([0, 0])],
    {"logits": True, "reduction": "none"},
    lambda a, b: -torch.expm1(0.7 * F.log_softmax(a, dim=-1).gather(-1, b.long().unsqueeze(-1)).squeeze(-1)) / 0.7, diff=[0])
add("generalized_ce/error/q0", "generalized_ce", [prob, yi], {"q": 0}, error="q must be a positive number")
add("generalized_ce/error/probs", "generalized_ce", [logit, yi], {}, error="p must hold probabilities in [0, 1]")
add("generalized_ce/error/index", "generalized_ce", [prob, T([0, 4, 1, 2, 3])], {}, error="out of range")
add("generalized_ce/error/shape", "generalized_ce", [prob, prob], {}, error="class indices")

# ---------------------------------------------------------------- listnet (Cao et al. 2007), listmle (Xia et al. 2008)


def listnet_ref(s, r, red="mean"):
    return reduce(-(F.softmax(r, dim=-1) * F.log_softmax(s, dim=-1)).sum(-1), red)


def listmle_ref(s, r, red="mean"):
    order = torch.sort(r, dim=-1, descending=True, stable=True).indices
    ss = s.gather(-1, order)
    lse = torch.logcumsumexp(ss.flip(-1), dim=-1).flip(-1)
    return reduce((lse - ss).sum(-1), red)


sc = randn(4, 6, scale=2)
rel = torch.randint(0, 4, (4, 6), generator=gen).double()   # integer grades: many ties
for red in REDS:
    add(f"listnet/{red}", "listnet", [sc, rel], {"reduction": red}, lambda a, b, red=red: listnet_ref(a, b, red), diff=[0, 1])
    add(f"listmle/{red}", "listmle", [sc, rel], {"reduction": red}, lambda a, b, red=red: listmle_ref(a, b, red), diff=[0],
        grad_error={1: "relevance"})
ex_s, ex_r = T([[3, 1, 2], [0.5, 0.2, 0.1]]), T([[2, 0, 1], [0, 1, 2]])
add("listnet/example", "listnet", [ex_s, ex_r], {}, lambda a, b: listnet_ref(a, b), diff=[0, 1])
add("listmle/example", "listmle", [ex_s, ex_r], {}, lambda a, b: listmle_ref(a, b), diff=[0])
add("listnet/vector", "listnet", [randn(5), rand(5) * 3], {}, lambda a, b: listnet_ref(a, b), diff=[0, 1])
add("listmle/vector", "listmle", [randn(5), rand(5) * 3], {}, lambda a, b: listmle_ref(a, b), diff=[0])
# ties: [1, 1, 0] ranks item 0 before item 1; swapping their scores changes the loss
add("listmle/ties", "listmle", [T([[0.0, 2.0, 1.0], [2.0, 0.0, 1.0]]), T([[1, 1, 0], [1, 1, 0]])], {"reduction": "none"},
    lambda a, b: listmle_ref(a, b, "none"), diff=[0])
big = T([[1000.0, -1000.0, 999.0, 0.0]])
add("listmle/large", "listmle", [big, T([[0, 3, 1, 2]])], {"reduction": "none"}, lambda a, b: listmle_ref(a, b, "none"), diff=[0])
# d/d relevance here: torch's softmax backward computes P_k·(log P_s,k − Σ_j P_j log P_s,j) with log P_s ≈ −2000,
# a cancellation that leaves ~1e-4 relative accuracy in the 1e-9 entries (listnet's backward avoids it)
add("listnet/large", "listnet", [big, T([[0, 30, 1, 2]])], {"reduction": "none"}, lambda a, b: listnet_ref(a, b, "none"), diff=[0, 1],
    grad_rtol=1e-3)
long_s, long_r = randn(2, 300), rand(2, 300)
add("listmle/long", "listmle", [long_s, long_r], {}, lambda a, b: listmle_ref(a, b), diff=[0])
add("listnet/long", "listnet", [long_s, long_r], {}, lambda a, b: listnet_ref(a, b), diff=[0, 1])
add("listnet/error/shape", "listnet", [sc, rel[:, :5]], {}, error="relevance must have the shape of scores")
add("listmle/error/shape", "listmle", [sc, rel[0]], {}, error="relevance must have the shape of scores")
add("listmle/error/number", "listmle", [T(1.0), T(1.0)], {}, error="scores must have a last axis")

# ---------------------------------------------------------------- sparsemax, sparsemax_loss (optax, ported to torch float64)


def projection_simplex(x, axis=-1):
    """optax.projections.projection_simplex (scale 1), its _projection_unit_simplex transcribed along `axis`."""
    v = x.movedim(axis, -1)
    n = v.shape[-1]
    values_sorted = torch.sort(v, dim=-1, descending=True).values
    cumsum_values = torch.cumsum(values_sorted, dim=-1)
    ind = torch.arange(1, n + 1, dtype=v.dtype)
    cond = 1.0 / ind + (values_sorted - cumsum_values / ind) > 0.0
    idx = cond.sum(-1, keepdim=True)
    threshold = (cumsum_values.gather(-1, idx - 1) - 1.0) / idx
    return torch.relu(v - threshold).movedim(-1, axis)


def multiclass_sparsemax_loss(scores, labels, red="mean"):
    """optax.losses.multiclass_sparsemax_loss (per sample), transcribed; then the reduction."""
    proba = projection_simplex(scores)
    lab = labels.long().unsqueeze(-1)
    s = scores - scores.gather(-1, lab)
    s = s.scatter(-1, lab, 0.0)
    loss = (proba * torch.where(proba > 0, s, 0.0)).sum(-1) + 0.5 * (1.0 - (proba * proba).sum(-1))
    return reduce(loss, red)


sx = randn(4, 5, scale=1.5)
add("sparsemax/rows", "sparsemax", [sx], {}, lambda a: projection_simplex(a), diff=[0])
add("sparsemax/axis0", "sparsemax", [sx], {"axis": 0}, lambda a: projection_simplex(a, 0), diff=[0])
x3 = randn(2, 3, 4)
add("sparsemax/rank3-axis1", "sparsemax", [x3], {"axis": 1}, lambda a: projection_simplex(a, 1), diff=[0])
add("sparsemax/example", "sparsemax", [T([0.5, 0.6, 0.2])], {}, lambda a: projection_simplex(a), diff=[0])
add("sparsemax/number", "sparsemax", [T(3.0)], {}, lambda a: projection_simplex(a.reshape(1)).reshape(()), diff=[0])
add("sparsemax/uniform", "sparsemax", [T([2.0, 2.0, 2.0, 2.0])], {}, lambda a: projection_simplex(a), diff=[0])
# large offset: the reference projects x − max x (the same projection; optax's cumsum loses digits at 1e8)
big = T([[1e8 + 0.5, 1e8 + 0.25, 1e8, 1e8 - 1.0]])
add("sparsemax/offset", "sparsemax", [big], {}, lambda a: projection_simplex(a - a.max().detach()), diff=[0])
add("sparsemax/neg-inf", "sparsemax", [T([0.5, float("-inf"), 0.2])], {}, lambda a: projection_simplex(a))
for red in REDS:
    add(f"sparsemax_loss/{red}", "sparsemax_loss", [sx, T([0, 4, 2, 1])], {"reduction": red},
        lambda a, b, red=red: multiclass_sparsemax_loss(a, b, red), diff=[0], grad_error={1: "class indices"})
add("sparsemax_loss/example", "sparsemax_loss", [T([[0.5, 0.6, 0.2], [2, 0, 0]]), T([0, 0])], {"reduction": "none"},
    lambda a, b: multiclass_sparsemax_loss(a, b, "none"), diff=[0])
add("sparsemax_loss/vector", "sparsemax_loss", [randn(6), T(3.0)], {}, lambda a, b: multiclass_sparsemax_loss(a, b), diff=[0])
add("sparsemax_loss/error/index", "sparsemax_loss", [sx, T([0, 5, 2, 1])], {}, error="out of range")
add("sparsemax_loss/error/shape", "sparsemax_loss", [sx, sx], {}, error="class indices")

# ---------------------------------------------------------------- supcon, circle (pytorch-metric-learning), cosent

from pytorch_metric_learning import losses as pml_losses
from pytorch_metric_learning.reducers import DoNothingReducer


def pml_ref(cls, red, **kw):
    """pytorch-metric-learning's loss itself: "mean" with its default AvgNonZeroReducer, "none" with
    DoNothingReducer (the per-anchor losses), "sum" their sum."""
    def f(z, labels):
        if red == "mean":
            return cls(**kw)(z, labels.long())
        loss = cls(reducer=DoNothingReducer(), **kw)
        # compute_loss with ref_emb/ref_labels None, as forward calls it for a single batch (passing z as the
        # reference would count each row as its own positive)
        out = loss.compute_loss(z, labels.long(), None, None, None)["loss"]["losses"]
        if not torch.is_tensor(out) or out.dim() == 0:   # zero_losses(): no pairs
            out = torch.zeros(z.shape[0]) + 0 * z.sum()
        out = out.reshape(z.shape[0])
        return out if red == "none" else out.sum()
    return f


zz = randn(8, 4)
lab = T([0, 1, 0, 2, 1, 0, 3, 1])          # class 2 and 3 have one row: anchors without positives
for red in REDS:
    for t in (0.1, 0.5):
        add(f"supcon/t{t}/{red}", "supcon", [zz, lab], {"temperature": t, "reduction": red},
            pml_ref(pml_losses.SupConLoss, red, temperature=t), diff=[0], grad_error={1: "class labels"})
    for m, g in ((0.4, 80.0), (0.25, 16.0)):
        add(f"circle/m{m}-g{g}/{red}", "circle", [zz, lab], {"m": m, "gamma": g, "reduction": red},
            pml_ref(pml_losses.CircleLoss, red, m=m, gamma=g), diff=[0], grad_error={1: "class labels"},
            rtol=1e-9, grad_rtol=1e-8)
ex_z, ex_l = T([[1, 0], [0.8, 0.6], [0, 1], [-0.6, 0.8]]), T([0, 0, 1, 1])
add("supcon/example", "supcon", [ex_z, ex_l], {"temperature": 0.5}, pml_ref(pml_losses.SupConLoss, "mean", temperature=0.5), diff=[0])
add("circle/example", "circle", [ex_z, ex_l], {"gamma": 4}, pml_ref(pml_losses.CircleLoss, "mean", gamma=4.0), diff=[0])
add("supcon/scaled-rows", "supcon", [zz * T([[3.0], [0.1], [1], [1], [10], [1], [1], [2]]), lab], {"reduction": "none"},
    pml_ref(pml_losses.SupConLoss, "none"), diff=[0])
add("supcon/no-negatives", "supcon", [zz[:3], T([1, 1, 1])], {}, pml_ref(pml_losses.SupConLoss, "mean"), diff=[0])
add("supcon/no-positives", "supcon", [zz[:3], T([0, 1, 2])], {}, pml_ref(pml_losses.SupConLoss, "mean"), diff=[0])
add("circle/no-positives", "circle", [zz[:3], T([0, 1, 2])], {"reduction": "none"}, pml_ref(pml_losses.CircleLoss, "none"), diff=[0])
add("supcon/error/labels", "supcon", [zz, lab[:5]], {}, error="labels must be a vector of 8 class labels")
add("supcon/error/temperature", "supcon", [zz, lab], {"temperature": 0}, error="temperature must be a positive number")
add("circle/error/gamma", "circle", [zz, lab], {"gamma": -1}, error="gamma must be a positive number")
add("circle/error/shape", "circle", [zz[0], lab[:1]], {}, error="z must have shape [N, D]")


def cosent_ref(a, b, labels, scale=20.0):
    """sentence-transformers CoSENTLoss.forward, transcribed (its pairwise_cos_sim normalises with F.normalize)."""
    scores = (F.normalize(a, p=2, dim=1) * F.normalize(b, p=2, dim=1)).sum(-1)
    scores = scores * scale
    scores = scores[:, None] - scores[None, :]
    labels = labels[:, None] < labels[None, :]
    labels = labels.double()
    scores = scores - (1 - labels) * 1e12
    scores = torch.cat((torch.zeros(1), scores.view(-1)), dim=0)
    return torch.logsumexp(scores, dim=0)


ca, cb, cs = randn(6, 5), randn(6, 5), T([0.9, 0.1, 0.5, 0.5, 0.0, 1.0])
for sc in (20.0, 5.0, 1.0):
    add(f"cosent/scale{sc}", "cosent", [ca, cb, cs], {"scale": sc}, lambda a, b, y, sc=sc: cosent_ref(a, b, y, sc), diff=[0, 1],
        grad_error={2: "scores"})
add("cosent/example", "cosent", [T([[1, 0], [1, 1], [0, 1]]), T([[1, 0.2], [0, 1], [1, 0]]), T([1, 0.5, 0])], {},
    lambda a, b, y: cosent_ref(a, b, y), diff=[0, 1])
add("cosent/all-tied", "cosent", [ca, cb, T([1.0] * 6)], {}, lambda a, b, y: cosent_ref(a, b, y), diff=[0, 1])
add("cosent/error/scores", "cosent", [ca, cb, cs[:4]], {}, error="scores must be a vector of 6")
add("cosent/error/shape", "cosent", [ca, cb[:, :4]], {"scores": cs}, error="a and b must have the same shape")

# ---------------------------------------------------------------- ctc (torch ctc_loss)
# Gradient: torch's ctc_loss backward returns scale_b·(exp(log_probs) − e) for t < input_lengths[b], where
# −scale_b·e is the derivative of the loss (e = Σ_{s: l'_s = c} α·β / (p·y)); the extra exp(log_probs) is the
# log_softmax folded in. The fixtures hold the derivative: torch's gradient minus scale_b·exp(log_probs) on
# the used time steps, checked by central differences once below.


def ctc_ref(red, blank=0, zero_inf=False):
    def f(lp, tg, il, tl):
        return F.ctc_loss(lp, tg.long(), il.long(), tl.long(), blank=blank, reduction=red, zero_infinity=zero_inf)
    return f


def add_ctc(name, lp, tg, il, tl, red="mean", blank=0, zero_inf=False, grads=True):
    kwargs = {"reduction": red}
    if blank:
        kwargs["blank"] = blank
    if zero_inf:
        kwargs["zero_infinity"] = True
    f = ctc_ref(red, blank, zero_inf)
    lpg = lp.clone().requires_grad_(True)
    out = f(lpg, tg, il, tl)
    c = make_case(name, "ctc", [lp, tg, il, tl], kwargs, expected=out.detach(),
                  grad_error={1: "class indices", 2: "lengths"})
    if grads:
        (g,) = torch.autograd.grad(out.sum(), [lpg])
        n = lp.shape[1]
        per = F.ctc_loss(lp, tg.long(), il.long(), tl.long(), blank=blank, reduction="none", zero_infinity=False)
        scale = torch.ones(n) if red != "mean" else 1.0 / (n * tl.clamp(min=1))
        used = (torch.arange(lp.shape[0])[:, None] < il[None, :]).double()          # [T, N]
        finite = torch.isfinite(per).double()       # zero_infinity: torch's gradient of an impossible sample is 0
        fold = (scale * used * finite)[:, :, None] * lp.exp()
        c["grads"] = {"0": enc(g - fold)}
    cases.append(c)


T_, N_, C_ = 6, 3, 5
lp = F.log_softmax(randn(T_, N_, C_, scale=1.5), dim=-1)
tg = T([[1, 2, 2, 3], [4, 1, 0, 0], [3, 3, 1, 0]])
il, tl = T([6, 5, 6]), T([4, 2, 3])
for red in REDS:
    add_ctc(f"ctc/padded/{red}", lp, tg, il, tl, red)
    add_ctc(f"ctc/concatenated/{red}", lp, T([1, 2, 2, 3, 4, 1, 3, 3, 1]), il, tl, red)
add_ctc("ctc/blank4", lp, T([[1, 2, 2, 3], [0, 1, 0, 0], [3, 3, 1, 0]]), il, tl, "none", blank=4)
add_ctc("ctc/empty-target", lp, tg, il, T([0, 2, 1]), "mean")
add_ctc("ctc/raw-log-probs", randn(T_, N_, C_), tg, il, tl, "sum")   # not normalised: the exact derivative still holds
add_ctc("ctc/example", torch.log(T([[[0.5, 0.5]], [[0.5, 0.5]]])), T([[1]]), T([2]), T([1]), "sum")
# impossible alignments: [1, 1] needs 3 steps; input_lengths 2 → inf (grads nan in torch: none here), 0 with zero_infinity
imp_tg, imp_il = T([[1, 1, 0, 0], [4, 1, 0, 0], [3, 3, 1, 0]]), T([2, 5, 6])
add_ctc("ctc/impossible", lp, imp_tg, imp_il, T([2, 2, 3]), "none", grads=False)
for red in REDS:
    add_ctc(f"ctc/impossible-zero-inf/{red}", lp, imp_tg, imp_il, T([2, 2, 3]), red, zero_inf=True)
# long sequence: stability of the log-space recursions
lp_long = F.log_softmax(randn(200, 2, 6, scale=3), dim=-1)
tg_long = torch.randint(1, 6, (2, 40), generator=gen).double()
add_ctc("ctc/long", lp_long, tg_long, T([200, 150]), T([40, 31]), "mean")
cases.append(make_case("ctc/error/blank-in-target", "ctc", [lp, T([[0, 1, 0, 0]] * 3), il, tl], {}, error="other than blank (0)"))
cases.append(make_case("ctc/error/class", "ctc", [lp, T([[5, 1, 0, 0]] * 3), il, tl], {}, error="got 5 for sequence 0"))
cases.append(make_case("ctc/error/lengths", "ctc", [lp, tg, T([6, 5]), tl], {}, error="input_lengths must be a vector of 3"))
cases.append(make_case("ctc/error/too-long", "ctc", [lp, tg, T([7, 5, 6]), tl], {}, error="got 7"))
cases.append(make_case("ctc/error/concat-sum", "ctc", [lp, T([1, 2, 3]), il, T([1, 1, 2])], {}, error="concatenated targets hold 3"))
cases.append(make_case("ctc/error/rank", "ctc", [lp[:, 0], tg[0], T(6.0), T(4.0)], {}, error="log_probs must have shape [T, N, C]"))

# central differences on one case: the fixture gradient is the derivative of the loss
chk = cases[[c["name"] for c in cases].index("ctc/padded/mean")]
gfix = torch.tensor(chk["grads"]["0"]["data"]).reshape(lp.shape)
for idx in ((0, 0, 1), (3, 1, 4), (5, 2, 0), (2, 2, 3)):
    h = 1e-6
    up, dn = lp.clone(), lp.clone()
    up[idx] += h
    dn[idx] -= h
    fd = (ctc_ref("mean")(up, tg, il, tl) - ctc_ref("mean")(dn, tg, il, tl)) / (2 * h)
    assert abs(fd - gfix[idx]) < 1e-7, (idx, fd, gfix[idx])

# ---------------------------------------------------------------- options: kl with log: true (torch kl_div, log_target=True)


def kl_log_ref(axis=-1):
    def f(lp, lq):
        # torch gives nan where p = 0 (log p = −inf); the divergence has 0 there, and so has its gradient:
        # the double where keeps the nan out of autograd
        zero = lp == float("-inf")
        safe = torch.where(zero, 0.0, lp)
        t = torch.where(zero, 0.0, F.kl_div(lq, safe, log_target=True, reduction="none"))
        return t.sum(axis)
    return f


lpk = F.log_softmax(randn(3, 4, scale=2), dim=-1)
lqk = F.log_softmax(randn(3, 4, scale=2), dim=-1)
add("kl/log/rows", "kl", [lpk, lqk], {"log": True}, kl_log_ref(), diff=[0, 1])
add("kl/log/axis0", "kl", [F.log_softmax(lpk, dim=0), F.log_softmax(lqk, dim=0)], {"log": True, "axis": 0}, kl_log_ref(0), diff=[0, 1])
add("kl/log/broadcast-q", "kl", [lpk, lqk[0]], {"log": True}, kl_log_ref(), diff=[0, 1])
add("kl/log/example", "kl", [torch.log(T([0.5, 0.5])), torch.log(T([0.9, 0.1]))], {"log": True}, kl_log_ref(), diff=[0, 1])
add("kl/log/zero-p", "kl", [T([0.0, float("-inf")]), T([-0.5, -0.9])], {"log": True}, kl_log_ref(), diff=[0, 1])
add("kl/log/saturated", "kl", [F.log_softmax(T([[700.0, 0.0, -700.0]]), -1), F.log_softmax(T([[0.0, 0.0, 0.0]]), -1)], {"log": True},
    kl_log_ref(), diff=[0, 1])
add("kl/log/error/positive", "kl", [T([0.5, 0.5]), T([-0.1, -2.0])], {"log": True}, error="p must hold log-probabilities")

# ---------------------------------------------------------------- options: bce label_smoothing (Keras: y·(1 − ε) + ε/2)


def smooth(y, eps):
    return y * (1 - eps) + 0.5 * eps


try:
    import keras
    for eps in (0.1, 0.3):
        xk, yk = randn(3, 4, scale=2), (rand(3, 4) > 0.5).double()
        got = keras.losses.binary_crossentropy(yk.float(), xk.float(), from_logits=True, label_smoothing=eps).double()
        want = F.binary_cross_entropy_with_logits(xk, smooth(yk, eps), reduction="none").mean(-1)
        assert torch.allclose(got, want, rtol=1e-5), (got, want)
    print("bce label_smoothing agrees with keras (float32)")
except ImportError:
    pass

pb, yb, xb = rand(3, 4) * 0.98 + 0.01, (rand(3, 4) > 0.5).double(), randn(3, 4, scale=2)
wb, pwb = rand(3, 4) + 0.5, rand(4) + 0.5
for eps in (0.1, 0.25, 1.0):
    for red in REDS:
        add(f"bce/label_smoothing{eps}/{red}", "bce", [pb, yb], {"label_smoothing": eps, "reduction": red},
            lambda p, y, eps=eps, red=red: F.binary_cross_entropy(p, smooth(y, eps), reduction=red), diff=[0, 1])
    add(f"bce/label_smoothing{eps}/logits", "bce", [xb, yb], {"label_smoothing": eps, "logits": True, "weight": wb, "pos_weight": pwb},
        lambda x, y, eps=eps: F.binary_cross_entropy_with_logits(x, smooth(y, eps), weight=wb, pos_weight=pwb), diff=[0, 1])
add("bce/label_smoothing/soft", "bce", [pb, rand(3, 4)], {"label_smoothing": 0.2},
    lambda p, y: F.binary_cross_entropy(p, smooth(y, 0.2)), diff=[0, 1])
add("bce/label_smoothing/error/eps", "bce", [pb, yb], {"label_smoothing": 1.5}, error="label_smoothing must be in [0, 1]")
add("bce/label_smoothing/error/y", "bce", [pb, yb * 2], {"label_smoothing": 0.1}, error="y must hold 0/1 labels")

# ---------------------------------------------------------------- options: distance "cosine" on triplet and contrastive


def cos_dist(x, y):
    return 1 - F.cosine_similarity(x, y)


def triplet_cos_ref(red, margin=1.0, swap=False):
    loss = torch.nn.TripletMarginWithDistanceLoss(distance_function=cos_dist, margin=margin, swap=swap, reduction=red)
    return lambda a, p, n, *rest: loss(a, p, n)


def contrastive_cos_ref(red, margin=1.0, similar=0.0):
    def f(x1, x2, y, *rest):
        d = cos_dist(x1, x2)
        sim = (y == similar).double()
        loss = sim * 0.5 * d ** 2 + (1 - sim) * 0.5 * torch.clamp_min(margin - d, 0) ** 2
        return reduce(loss, red)
    return f


ta, tp, tn = randn(5, 3), randn(5, 3), randn(5, 3)
for red in REDS:
    for m, sw in ((1.0, False), (0.3, True), (1.5, True)):
        add(f"triplet/cosine/m{m}-swap{sw}/{red}", "triplet", [ta, tp, tn], {"distance": "cosine", "margin": m, "swap": sw, "reduction": red},
            triplet_cos_ref(red, m, sw), diff=[0, 1, 2])
    for m, sim in ((1.0, 0.0), (0.5, 1.0)):
        yc = T([0, 1, 1, 0, 1])
        add(f"contrastive/cosine/m{m}-sim{sim}/{red}", "contrastive", [ta, tp, yc], {"distance": "cosine", "margin": m, "similar": sim, "reduction": red},
            contrastive_cos_ref(red, m, sim), diff=[0, 1], grad_error={2: "labels"})
add("triplet/cosine/vector", "triplet", [ta[0], tp[0], tn[0]], {"distance": "cosine", "margin": 2.0},
    lambda a, p, n: triplet_cos_ref("mean", 2.0)(a[None], p[None], n[None]), diff=[0, 1, 2])
add("triplet/cosine/error/norm", "triplet", [ta, tp, tn], {"distance": "cosine", "norm": 1}, error="norm and squared apply to the Euclidean distance")
add("triplet/cosine/error/choice", "triplet", [ta, tp, tn], {"distance": "cos"}, error="distance must be one of")
add("contrastive/cosine/error/y", "contrastive", [ta, tp, T([0, 1, 2, 0, 1])], {"distance": "cosine"}, error="y must hold labels 0 or 1")

# Σ sparsemax(x) is 1 along the axis, so the "grads" of the cases above (of sum(out)) are 0: the
# vector–Jacobian products with other upstream gradients are checked by PortedLossTests.swift from
# "sparsemax_vjp": {"x", "axis", "upstream", "grad"}, grad = torch.autograd's ∂(Σ upstream·sparsemax(x))/∂x.
vjp = []
for xv, axis in ((randn(4, 5, scale=1.5), -1), (randn(3, 6), 0), (randn(2, 3, 4), 1), (T([[0.3, 0.1, 0.5, 0.2, -1.0]]), -1)):
    up = randn(*xv.shape)
    xr = xv.clone().requires_grad_(True)
    (g,) = torch.autograd.grad((projection_simplex(xr, axis) * up).sum(), [xr])
    vjp.append({"x": enc(xv), "axis": axis, "upstream": enc(up), "grad": enc(g)})

write_fixture(OUT, {"cases": cases, "sparsemax_vjp": vjp})
print(f"wrote {len(cases)} cases to {OUT}")
