#!/usr/bin/env python3
"""Checks every number the example notebooks display against an independent computation
in NumPy / PyTorch / scikit-learn / sentence-transformers (or a paper's published value).

usage: python3 Examples/verify_with_torch.py [NAME…]      (LOSS=path/to/loss, default .build/debug/loss)

For each Examples/NAME.loss, `loss --json` prints one JSON line per displayed value, in order.
REFERENCE[NAME] lists the value each of those lines must have, computed here without `loss`
(None skips a line: plots, strings). Numbers must agree to rtol 1e-9 (atol 1e-12). This is
not part of CI (it needs torch); run it whenever an example's numbers change.
"""
import json
import math
import os
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "Scripts"))
from fixture_common import torchvision_sigmoid_focal_loss  # noqa: E402
REFERENCE = {}


def example(name):
    def register(f):
        REFERENCE[name] = f
        return f
    return register


def T(x):
    if isinstance(x, torch.Tensor):
        return x.detach().to(torch.float64)
    return torch.tensor(x, dtype=torch.float64)


def val(x):
    """A torch tensor / numpy array / float as a plain Python value."""
    if isinstance(x, torch.Tensor):
        x = x.detach().numpy()
    if isinstance(x, np.ndarray):
        return x.astype(float)
    return x


PLOT = None   # a displayed plot: not compared


# ---------------------------------------------------------------- 01 focal loss, Figure 1
def focal_ref(p, y, gamma, alpha=None):
    """Lin et al. 2017, element-wise on probabilities: −α_t (1 − p_t)^γ log p_t."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    pt = np.where(y == 1, p, 1 - p)
    loss = -((1 - pt) ** gamma) * np.log(pt)
    if alpha is not None:
        loss = loss * np.where(y == 1, alpha, 1 - alpha)
    return loss


@example("01_focal_loss_figure1")
def _():
    gammas = [0, 0.5, 1, 2, 5]
    fl = lambda pt: np.array([focal_ref(pt, 1, g) for g in gammas])
    ratio = lambda pt: 1 / (1 - pt) ** 2
    pt1000 = 1 - 1 / math.sqrt(1000)
    out = [PLOT, fl(0.1), fl(0.5), fl(0.9), ratio(0.9), ratio(0.968), pt1000, ratio(pt1000)]
    ce_easy = F.binary_cross_entropy(T([0.01] * 100000), T([0.0] * 100000), reduction="sum")
    ce_hard = F.binary_cross_entropy(T([0.1] * 100), T([1.0] * 100), reduction="sum")
    out.append([val(ce_easy), val(ce_hard)])
    out.append([focal_ref([0.01] * 100000, [0] * 100000, 2).sum(), focal_ref([0.1] * 100, [1] * 100, 2).sum()])
    x, y = T([2.0, -1.0, 0.5, -3.0]), T([1.0, 0, 0, 1])
    tv = torchvision_sigmoid_focal_loss(x, y)
    out += [tv, tv.mean(), tv.mean()]
    scores, labels = T([[1.0, 2.0, 0.5], [3.0, 0.1, -1.0]]), torch.tensor([0, 0])
    ce = F.cross_entropy(scores, labels, reduction="none")
    pt = torch.exp(-ce)
    out += [ce, ce, (1 - pt) ** 2 * ce]
    return out


# ---------------------------------------------------------------- 02 Huber vs MSE vs MAE
@example("02_huber_mse_mae")
def _():
    hub = lambda a, y, d=1.0: F.huber_loss(T(a), T(y), delta=d, reduction="none")
    curves = lambda a: [a ** 2, abs(a), val(hub(a, 0.0))]
    out = [PLOT, curves(0.5), curves(3.0)]
    h = lambda a: float(hub(a, 0.0, 2.0))
    eps = 1e-6
    out += [[h(1), 0.5], [h(2), 2, 2], [h(5), 8], [(h(2) - h(2 - eps)) / eps, (h(2 + eps) - h(2)) / eps]]
    r = [-4, -1.5, -0.2, 0, 0.7, 3]
    out += [hub(r, [0.0] * 6, 2.0), 2 * F.smooth_l1_loss(T(r), T([0.0] * 6), beta=2.0, reduction="none")]
    # minimisers: mean, median, and the root of sum psi_delta(y - c) (scipy), on the analytic side
    from scipy.optimize import minimize_scalar
    y = np.array([1, 2, 3, 4, 100.0])
    hub_np = lambda e, d: np.where(np.abs(e) <= d, 0.5 * e * e, d * (np.abs(e) - 0.5 * d))
    c1 = minimize_scalar(lambda c: hub_np(y - c, 1.0).mean(), bounds=(0, 30), method="bounded", options={"xatol": 1e-12}).x
    c3 = minimize_scalar(lambda c: hub_np(y - c, 3.0).mean(), bounds=(0, 30), method="bounded", options={"xatol": 1e-12}).x
    assert abs(c1 - 3) < 1e-6 and abs(c3 - 3.25) < 1e-6, (c1, c3)
    out += [[y.mean(), np.median(y), 3.0], [22, 3], 3.25]
    target, good, bad = T([3, -0.5, 2, 7]), T([2.5, 0, 2, 8]), T([2.5, 0, 2, 18])
    for pr in (good, bad):
        out.append([val(F.mse_loss(pr, target)), val(F.l1_loss(pr, target)), val(F.huber_loss(pr, target))])
    out.append(math.sqrt(float(F.mse_loss(good, target))))
    return out


# ---------------------------------------------------------------- 03 KL divergence
def kl_torch(p, q):
    """D_KL(P‖Q) with torch's argument order: F.kl_div(log Q, P), summed over the last axis."""
    p, q = T(p), T(q)
    return F.kl_div(torch.log(q), p, reduction="none").sum(-1)


@example("03_kl_divergence_cross_entropy")
def _():
    from scipy.stats import entropy as sp_entropy
    P, Q = np.array([0.36, 0.48, 0.16]), np.full(3, 1 / 3)
    out = [0.0852996013183706, 0.09745500678538754]          # Wikipedia's published values, to their 6 digits
    assert abs(val(kl_torch(P, Q)) - 0.0852996) < 5e-8 and abs(val(kl_torch(Q, P)) - 0.097455) < 5e-7
    out[0], out[1] = val(kl_torch(P, Q)), val(kl_torch(Q, P))
    out += [P * np.log(P / Q), sp_entropy(P, Q), sp_entropy(P, Q) / math.log(2), 0.0]
    H_PQ = -(P * np.log(Q)).sum()
    out += [[H_PQ, sp_entropy(P, Q), sp_entropy(P)], True, [H_PQ, math.log(3), math.log(3)]]
    coin = np.array([0.3, 0.7])
    curves = lambda q: [-(coin * np.log([q, 1 - q])).sum(), sp_entropy(coin, [q, 1 - q]), sp_entropy([q, 1 - q], coin)]
    out += [PLOT, curves(0.3), sp_entropy(coin), curves(0.9)]
    Pb, Qb = np.array([[1, 0, 0], [0.2, 0.5, 0.3]]), np.array([[0.7, 0.2, 0.1], [0.3, 0.3, 0.4]])
    ce = F.cross_entropy(torch.log(T(Qb)), T(Pb), reduction="none")   # soft targets
    out += [kl_torch(Pb, Qb), [sp_entropy(r) for r in Pb], ce, ce]
    out += [math.log(2), math.inf]
    assert val(kl_torch([0.25, 0.25, 0.5], [0.5, 0.5, 0.0])) == math.inf
    return out


# ---------------------------------------------------------------- 04 cs231n SVM and softmax
def loss_json(source):
    """The values `loss --json -e SOURCE` displays (used only to fetch our random numbers)."""
    loss = os.environ.get("LOSS", os.path.join(ROOT, ".build", "debug", "loss"))
    run = subprocess.run([loss, "--json", "-e", source], capture_output=True, text=True, check=True)
    out = []
    for l in run.stdout.splitlines():
        v = json.loads(l)
        out.append(np.array(v["data"], float).reshape(v["shape"]) if isinstance(v, dict) else v)
    return out


@example("04_cs231n_svm_softmax")
def _():
    from sklearn.metrics import hinge_loss
    scores = T([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
    labels = torch.tensor([0, 1, 2])
    ww = lambda s, y, p=1, margin=1.0: F.multi_margin_loss(s, y, p=p, margin=margin, reduction="none") * s.shape[-1]
    out = [ww(scores, labels), ww(scores, labels).mean(), [2.9, 0]]
    assert np.allclose(val(ww(scores, labels)), [2.9, 0, 12.9]) and abs(float(ww(scores, labels).mean()) - 5.27) < 5e-3
    out.append(ww(T([[13.0, -7, 11]]), torch.tensor([0]), margin=10.0)[0])
    cs = [hinge_loss([int(y)], val(scores[i:i + 1]), labels=[0, 1, 2]) for i, y in enumerate(labels)]
    out += [ww(scores, labels, p=2), cs, ww(scores, labels) / 3]
    out += [torch.exp(scores[0]), torch.softmax(scores[0], -1), -torch.log_softmax(scores[0], -1)[0],
            F.cross_entropy(scores, labels, reduction="none")]
    s = T([[-2.85, 0.86, 0.28]])
    out += [ww(s, torch.tensor([2]))[0], torch.softmax(s[0], -1), F.cross_entropy(s, torch.tensor([2]))]
    assert round(float(ww(s, torch.tensor([2]))[0]), 2) == 1.58 and round(float(F.cross_entropy(s, torch.tensor([2]))), 2) == 1.04
    three = T([[10, -2, 3], [10, -100, -100], [10, 9, 9]])
    out += [ww(three, torch.tensor([0, 0, 0])), F.cross_entropy(three, torch.tensor([0, 0, 0]), reduction="none")]
    s0 = T(loss_json("seed(0)\n0.001 * randn([5, 10])")[0])
    y0 = torch.tensor([3, 1, 4, 1, 5])
    out += [ww(s0, y0).mean(), F.cross_entropy(s0, y0), math.log(10)]
    return out


# ---------------------------------------------------------------- 05 binary / multi-class / multi-label
@example("05_binary_multiclass_multilabel")
def _():
    bce = lambda p, y: F.binary_cross_entropy(T(p), T(y))
    bcel = lambda s, y, **k: F.binary_cross_entropy_with_logits(T(s), T(y), **k)
    p = torch.sigmoid(T(1.2))
    out = [PLOT, p, [val(bce(p, 1.0)), val(bce(p, 0.0))], [val(bcel(1.2, 1.0)), val(bcel(1.2, 0.0))],
           [val(-torch.log(p)), val(-torch.log(1 - p))], torch.softmax(T([0, 1.2]), -1),
           F.cross_entropy(T([[0, 1.2]]), torch.tensor([1]))]
    pb, yb = T([0.9, 0.2, 0.6, 0.05]), T([1.0, 0, 1, 1])
    out += [F.binary_cross_entropy(pb, yb, reduction="none"), F.binary_cross_entropy(pb, yb)]
    scores, labels = T([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]]), torch.tensor([0, 1])
    probs = torch.softmax(scores, -1)
    ce = F.cross_entropy(scores, labels, reduction="none")
    out += [probs, [1, 1], ce, ce, ce, ce.mean()]
    soft = T([[0.7, 0.2, 0.1], [0, 1, 0]])
    sce = F.cross_entropy(scores, soft, reduction="none")
    out += [sce, sce]
    mls, mlt = T([[2.0, -1.0, 0.5], [-0.3, 1.5, 2.2]]), T([[1.0, 0, 1], [0, 1, 1]])
    el = F.binary_cross_entropy_with_logits(mls, mlt, reduction="none")
    out += [torch.sigmoid(mls), torch.sigmoid(mls).sum(1), el, el.mean(), el.sum(1), torch.softmax(mls, -1)]
    return out


# ---------------------------------------------------------------- 06 PolyLoss
def optax_poly_loss_cross_entropy(logits, labels, epsilon=2.0):
    """optax.poly_loss_cross_entropy (labels one-hot), in torch."""
    one_minus_pt = (labels * (1 - torch.softmax(logits, -1))).sum(-1)
    return -(labels * torch.log_softmax(logits, -1)).sum(-1) + epsilon * one_minus_pt


@example("06_polyloss_poly1_vs_ce")
def _():
    pt = 0.3
    partial = lambda n: sum((1 - pt) ** j / j for j in range(1, n + 1))
    assert abs(partial(50) + math.log(pt)) < 1e-9
    out = [[partial(1), partial(2), partial(5), partial(50)], -math.log(pt)]
    curves = lambda p: [-math.log(p) + e * (1 - p) for e in (0, 2, 1, -1)]
    out += [PLOT, curves(0.3), curves(0.9), partial(50) - partial(1)]
    logits, y = T([[2.0, 0.5, -1.0], [0.2, 0.1, 1.5]]), torch.tensor([0, 2])
    pl = optax_poly_loss_cross_entropy(logits, F.one_hot(y, 3).double(), 2.0)
    out += [pl, torch.softmax(logits, -1)[[0, 1], y], pl]
    p, t = np.array([0.8, 0.3]), np.array([1, 0])
    pt2 = np.where(t == 1, p, 1 - p)
    out.append(-np.log(pt2) + (1 - pt2))
    out += [-math.log(0.3) + 0.7 + 2 * 0.49] * 2
    out += [-(0.7 ** 2) * math.log(0.3) + 0.7 ** 3] * 2
    return out


# ---------------------------------------------------------------- 07 ArcFace / CosFace / SphereFace
def arcface_insightface(x, W, y, s=64.0, m=0.5, easy_margin=False):
    """insightface's legacy ArcMarginProduct + cross-entropy (reduction "none")."""
    cosine = F.linear(F.normalize(x), F.normalize(W))
    sine = torch.sqrt((1.0 - cosine ** 2).clamp(0, 1))
    phi = cosine * math.cos(m) - sine * math.sin(m)
    if easy_margin:
        phi = torch.where(cosine > 0, phi, cosine)
    else:
        phi = torch.where(cosine > math.cos(math.pi - m), phi, cosine - math.sin(math.pi - m) * m)
    one_hot = F.one_hot(y, W.shape[0]).double()
    return F.cross_entropy(s * (one_hot * phi + (1 - one_hot) * cosine), y, reduction="none")


def cosface_ref(x, W, y, s=64.0, m=0.35):
    cosine = F.linear(F.normalize(x), F.normalize(W))
    return F.cross_entropy(s * (cosine - m * F.one_hot(y, W.shape[0]).double()), y, reduction="none")


def sphereface_ref(x, W, y, m=4):
    """A-Softmax (Liu et al. 2017): target ‖x‖ψ(θ_y), others ‖x‖cos θ_j, W normalised."""
    norm = x.norm(dim=1, keepdim=True)
    cosine = F.linear(F.normalize(x), F.normalize(W)).clamp(-1, 1)
    theta = torch.acos(cosine)
    k = torch.floor(m * theta / math.pi)
    psi = (-1.0) ** k * torch.cos(m * theta) - 2 * k
    one_hot = F.one_hot(y, W.shape[0]).double()
    return F.cross_entropy(norm * (one_hot * psi + (1 - one_hot) * cosine), y, reduction="none")


@example("07_arcface_cosface_margins")
def _():
    deg = math.pi / 180
    arc_t = lambda t: math.cos(t + 0.5) if t + 0.5 <= math.pi else math.cos(t) - 0.5 * math.sin(0.5)
    targets = lambda a: [math.cos(a * deg), arc_t(a * deg), math.cos(a * deg) - 0.35]
    a_peak = (math.pi - 0.5) / 2
    out = [PLOT, targets(30), targets(90), targets(170), 1 - math.cos(0.5),
           [a_peak / deg, math.cos(a_peak) - math.cos(a_peak + 0.5), 2 * math.sin(0.25)]]
    th = T([30, 60, 120, 170]) * deg
    x = torch.stack([torch.cos(th), torch.sin(th)], 1)
    W, y = T([[1, 0], [0, 1]]), torch.tensor([0, 0, 0, 0])
    back = lambda L: torch.sin(th) - torch.log(torch.expm1(L))
    L_arc = arcface_insightface(x, W, y, s=1.0)
    out += [L_arc, back(L_arc), [arc_t(float(t)) for t in th], back(cosface_ref(x, W, y, s=1.0))]
    out += [True, math.cos(170 * deg) - 0.5 * math.sin(0.5), back(arcface_insightface(x, W, y, s=1.0, easy_margin=True)), torch.cos(th)]
    psi_back = back(sphereface_ref(x, W, y))
    out += [psi_back, psi_back]
    psi = lambda t: (-1) ** math.floor(4 * t / math.pi) * math.cos(4 * t) - 2 * math.floor(4 * t / math.pi)
    assert np.allclose(val(psi_back), [psi(float(t)) for t in th])
    feats = T([[1.0, 0.2, -0.1], [0.1, 0.9, 0.3], [-0.2, 0.1, 1.1]])
    centres = T([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.577, 0.577, 0.577]])
    labels = torch.tensor([0, 1, 2])
    out += [arcface_insightface(feats, centres, labels), cosface_ref(feats, centres, labels),
            arcface_insightface(feats, centres, labels, m=0.0)]
    return out


# ---------------------------------------------------------------- 08 triplet and contrastive
def contrastive_hadsell(x1, x2, Y, margin=1.0):
    """Hadsell et al. 2006: (1 − Y)·½D² + Y·½·max(0, m − D)², Y = 1 for dissimilar pairs."""
    d = (x1 - x2).norm(dim=-1)
    return (1 - Y) * 0.5 * d ** 2 + Y * 0.5 * torch.clamp(margin - d, min=0) ** 2


@example("08_triplet_contrastive_2d")
def _():
    E = T([[0.0, 0.0], [0.6, 0.0], [0.0, 0.8], [2.0, 2.0], [1.0, 0.3], [0.3, 0.5]])
    D = torch.cdist(E, E)
    a, p, n = E[[0, 0, 0]], E[[1, 1, 1]], E[[3, 4, 5]]
    out = [D, F.triplet_margin_loss(a, p, n, margin=0.5, reduction="none"),
           torch.clamp(D[0, 1] - D[0, [3, 4, 5]] + 0.5, min=0)]
    sq = lambda u, v: ((u - v) ** 2).sum(-1)
    out += [torch.clamp(sq(a, p) - sq(a, n) + 0.5, min=0)] * 2
    out.append(F.triplet_margin_loss(a, p, n, margin=0.5, swap=True, reduction="none"))
    x1, x2, Y = E[[0, 0, 0, 1, 0]], E[[1, 2, 5, 4, 3]], T([0, 0, 1, 1, 1])
    c = contrastive_hadsell(x1, x2, Y)
    d = (x1 - x2).norm(dim=-1)
    out += [PLOT, c, d, c, c.mean()]
    ys = 1 - Y
    out += [ys * d ** 2 + (1 - ys) * torch.clamp(1 - d, min=0) ** 2] * 2
    E3 = 3 * E
    out += [contrastive_hadsell(E3[0], E3[5], T(1.0)), F.triplet_margin_loss(E3[[0]], E3[[1]], E3[[5]], margin=0.5)]
    return out


# ---------------------------------------------------------------- 09 InfoNCE and MNR
def st_mnr(anchor, positive, negatives=None, scale=20.0, symmetric=False):
    """sentence-transformers' MultipleNegativesRankingLoss (or …SymmetricRankingLoss), mean over the batch."""
    import warnings
    warnings.filterwarnings("ignore")
    from sentence_transformers.sentence_transformer import losses as st
    if symmetric:
        loss = st.MultipleNegativesSymmetricRankingLoss(model=None, scale=scale)
    else:
        loss = st.MultipleNegativesRankingLoss(model=None, scale=scale)
    embs = [anchor, positive] + ([negatives] if negatives is not None else [])
    return loss.compute_loss_from_embeddings(embs, None)


def per_row_mnr(anchor, candidates, scale):
    sims = F.normalize(anchor) @ F.normalize(candidates).T * scale
    return F.cross_entropy(sims, torch.arange(anchor.shape[0]), reduction="none")


@example("09_infonce_mnr_temperature")
def _():
    from info_nce import InfoNCE
    q = T([[1.0, 0.1, 0.0], [0.0, 1.0, 0.2], [0.3, 0.0, 1.0], [0.7, 0.7, 0.0]])
    k = T([[0.9, 0.3, 0.1], [0.1, 0.8, 0.0], [0.2, 0.2, 0.9], [0.2, 0.9, 0.1]])
    S = F.normalize(q) @ F.normalize(k).T
    nce = lambda t, red="mean": InfoNCE(temperature=t, reduction=red)(q, k)
    out = [S, nce(0.1, "none"), F.cross_entropy(S / 0.1, torch.arange(4), reduction="none")]
    out += [st_mnr(q, k), nce(0.05), st_mnr(q, k, scale=10.0), nce(0.1)]
    out += [torch.softmax(S[0], -1), torch.softmax(S[0] / 0.1, -1), torch.softmax(S[3] / 0.05, -1)]
    out += [PLOT, [val(nce(t)) for t in (0.01, 0.1, 1.0, 100.0)], math.log(4), math.log(4) - val(nce(0.1))]
    hard = T([[0.9, 0.1, 0.4], [0.4, 0.8, 0.0], [0.0, 0.4, 0.9], [0.4, 0.9, -0.2]])
    with_hard = per_row_mnr(q, torch.cat([k, hard]), 20.0)
    assert abs(float(with_hard.mean()) - float(st_mnr(q, k, hard))) < 1e-12
    sym = st_mnr(q, k, symmetric=True)
    out += [per_row_mnr(q, k, 20.0), with_hard, sym, sym]
    return out


# ---------------------------------------------------------------- 10 GE2E
def ge2e_ref(emb, w=10.0, b=-5.0):
    """Wan et al. 2018, written from the paper: returns (S [N·M, N], softmax loss [N, M], contrast loss [N, M])."""
    N, M, _ = emb.shape
    e = F.normalize(emb, dim=-1)
    rows = []
    for j in range(N):
        for i in range(M):
            row = []
            for k in range(N):
                if k == j:
                    c = torch.cat([e[j, :i], e[j, i + 1:]]).mean(0)
                else:
                    c = e[k].mean(0)
                row.append(w * F.cosine_similarity(e[j, i], c, dim=0) + b)
            rows.append(torch.stack(row))
    S = torch.stack(rows)
    own = torch.arange(N).repeat_interleave(M)
    soft = (-S[torch.arange(N * M), own] + torch.logsumexp(S, 1)).reshape(N, M)
    sig = torch.sigmoid(S)
    other = sig.masked_fill(F.one_hot(own, N).bool(), -1.0).max(1).values
    contrast = (1 - sig[torch.arange(N * M), own] + other).reshape(N, M)
    return S, soft, contrast


@example("10_ge2e_speaker_batch")
def _():
    deg = math.pi / 180
    ang = T([[0, -10, 15], [120, 130, 60], [240, 225, 250]]) * deg
    emb = torch.stack([torch.cos(ang), torch.sin(ang)], -1)
    S, soft, con = ge2e_ref(emb)
    out = [[3, 3, 2], emb[1], S, soft, soft, soft.sum(), con, con, 1 - 1 / (1 + math.exp(-5))]

    def at(a):
        moved = emb.clone()
        moved[1, 2] = T([math.cos(a * deg), math.sin(a * deg)])
        return val(ge2e_ref(moved)[1].sum())
    out += [PLOT, [at(60), at(120), at(0)]]
    return out


# ---------------------------------------------------------------- 11 Dice
def dice_score_ref(p, g, smooth=0.0, squared=True):
    """V-Net (squared) or linear Dice coefficient of one sample (all elements), MONAI-style smoothing."""
    p, g = np.asarray(p, float).ravel(), np.asarray(g, float).ravel()
    den = (p ** 2).sum() + (g ** 2).sum() if squared else p.sum() + g.sum()
    if den + smooth == 0:
        return 1.0
    return (2 * (p * g).sum() + smooth) / (den + smooth)


def tversky_ref(p, g, alpha=0.5, beta=0.5):
    p, g = np.asarray(p, float).ravel(), np.asarray(g, float).ravel()
    tp = (p * g).sum()
    return 1 - tp / (tp + alpha * (p * (1 - g)).sum() + beta * ((1 - p) * g).sum())


@example("11_dice_two_masks")
def _():
    G = np.zeros((6, 6)); G[:4, :4] = 1
    P = np.zeros((6, 6)); P[1:5, 1:5] = 1
    d = dice_score_ref(P, G)
    assert d == 0.5625
    out = [G, [9, 16, 16], d, 1 - d, d, 9 / 23, d / (2 - d)]
    E = np.zeros((6, 6))
    losses = [1 - dice_score_ref(x, G) for x in (P, G, E)]
    out += [losses, np.mean(losses), PLOT, [0.8, 0.8], [2 / 3, 2 / 3]]
    soft = 0.8 * P + 0.1 * (1 - P)
    out += [dice_score_ref(soft, G)] * 2
    out += [1 - dice_score_ref(E, E), 1 - dice_score_ref(P, G, smooth=1.0)]
    partial = G.copy(); partial[2:, :] = 0
    out += [tversky_ref(P, G), 8, [tversky_ref(P, G, 0.3, 0.7), tversky_ref(partial, G, 0.3, 0.7)],
            [1 - dice_score_ref(P, G), 1 - dice_score_ref(partial, G)]]
    return out


# ---------------------------------------------------------------- 12 margin ranking
@example("12_margin_ranking")
def _():
    a, b, t = loss_json("seed(0)\nrandn(3)\nrandn(3)\nsign(randn(3))")
    x1, x2, y = T(a).requires_grad_(), T(b).requires_grad_(), T(t)
    out_ = torch.nn.MarginRankingLoss()(x1, x2, y)
    out_.backward()
    out = [a, b, t, out_, -y * (x1 - x2), F.margin_ranking_loss(x1, x2, y, reduction="none"), x1.grad, x2.grad]
    out += [PLOT, F.margin_ranking_loss(x1, x2, y, margin=0.7, reduction="none")]
    paris, france, rome, italy, cap = map(np.array, ([1.0, 0], [1.1, 1.0], [3.0, 0.2], [3.0, 1.1], [0, 1.0]))
    f = lambda h, r, tt: np.linalg.norm(h + r - tt)
    ts = [f(paris, cap, france), f(rome, cap, italy)]
    cs = [f(paris, cap, italy), f(rome, cap, france)]
    out += [ts, cs, F.margin_ranking_loss(T(cs), T(ts), T([1.0, 1.0]), margin=1.0, reduction="none")]
    nm = f(paris, cap, np.array([1.6, 1.2]))
    out += [nm, F.margin_ranking_loss(T([nm]), T([ts[0]]), T([1.0]), margin=1.0)]
    return out


# ---------------------------------------------------------------- 13 hinge and squared hinge
def torch_grad(f, x):
    x = T(x).requires_grad_()
    f(x).backward()
    return x.grad


@example("13_hinge_squared_hinge")
def _():
    from sklearn.metrics import hinge_loss
    curves = lambda z: [1.0 if z < 0 else 0.0, (1 - z) ** 2, max(0, 1 - z),
                        math.log1p(math.exp(-z)) / math.log(2), max(0, 1 - z) ** 2]
    out = [PLOT, curves(-1.0), curves(0.5), curves(2.0)]
    sc, lab = np.array([2.5, 0.3, -0.4, -2.0]), np.array([1, 1, 1, -1])
    out += [lab * sc, np.maximum(0, 1 - lab * sc), np.maximum(0, 1 - lab * sc) ** 2, hinge_loss(lab, sc), hinge_loss(lab, sc)]
    h = lambda s, t=1.0: torch.clamp(1 - t * s, min=0)
    out += [torch_grad(h, 0.999), torch_grad(h, 1.001), torch_grad(lambda s: h(s) ** 2, 0.999),
            torch_grad(lambda s: h(s) ** 2, -1.0), torch_grad(lambda s: h(s, T(lab)).sum(), sc)]
    out += [np.maximum(0, 2 - lab * sc), np.maximum(0, 2 - lab * 2 * sc) / 2]
    return out


# ---------------------------------------------------------------- 14 log-cosh and Huber
def logcosh_t(e):
    """log cosh e in the stable form abs(e) − log 2 + log1p(exp(−2 abs(e))) (Keras LogCosh)."""
    a = e.abs()
    return a - math.log(2) + torch.log1p(torch.exp(-2 * a))


@example("14_logcosh_huber_smoothness")
def _():
    out = [PLOT, [math.log(math.cosh(0.1)), 0.005 - 0.0001 / 12 + 1e-6 / 45], [math.log(math.cosh(10)), 10 - math.log(2)],
           [val(F.huber_loss(T(10.0), T(0.0))), 9.5], math.inf, val(logcosh_t(T(1000.0)))]
    lc = lambda r: logcosh_t(r)
    hb = lambda r: F.huber_loss(r, torch.zeros_like(r))
    slopes = lambda e: [val(torch_grad(lambda r: 0.5 * F.mse_loss(r, torch.zeros_like(r)), e)),
                        val(torch_grad(lambda r: F.l1_loss(r, torch.zeros_like(r)), e)), val(torch_grad(lc, e)), val(torch_grad(hb, e))]
    out += [PLOT, slopes(0.5), slopes(2.0), [math.tanh(0.5), math.tanh(2)]]
    h = 1e-4
    curv = lambda f, e: (val(torch_grad(f, e + h)) - val(torch_grad(f, e - h))) / (2 * h)
    assert abs(curv(lc, 0.9) - (1 - math.tanh(0.9) ** 2)) < 1e-7
    out += [[curv(hb, 0.9), curv(hb, 1.1)], [curv(lc, 0.9), curv(lc, 1.1)], [1 - math.tanh(0.9) ** 2, 1 - math.tanh(1.1) ** 2]]
    pred, target = [1.2, 0.4, 3.0, 8.0], T([1.0, 0.5, 2.0, 0.0])
    out += [torch_grad(lambda p: logcosh_t(p - target).mean(), pred), torch_grad(lambda p: F.huber_loss(p, target), pred),
            torch_grad(lambda p: F.mse_loss(p, target), pred)]
    return out


# ---------------------------------------------------------------- 15 Poisson and Gaussian NLL
@example("15_poisson_gaussian_nll")
def _():
    from scipy.stats import poisson
    pn = lambda x, y, **k: F.poisson_nll_loss(T(x), T(y), **k)
    out = [PLOT, pn(3.0, 3.0, log_input=False), 3 - 3 * math.log(3),
           torch_grad(lambda l: F.poisson_nll_loss(l, T(3.0), log_input=False), 3.0)]
    counts, rates = np.array([0, 1, 3, 7.0]), np.array([0.5, 1.5, 2.0, 6.0])
    out += [pn(np.log(rates), counts, reduction="none"), pn(rates, counts, log_input=False, reduction="none"),
            rates - counts * np.log(rates), math.lgamma(8)]
    out += [-poisson.logpmf(counts, rates), pn(np.log(rates), counts, full=True, reduction="none")]
    gn = lambda m, y, v, **k: F.gaussian_nll_loss(T(m), T(y), T(v), **k)
    out += [PLOT, gn([0.0], [2.0], [4.0]), 0.5 * (math.log(4) + 1),
            torch_grad(lambda v: F.gaussian_nll_loss(T([0.0]), T([2.0]), v), [4.0])[0]]
    mu, y, var = [1.0, 2.0, 3.0, 4.0], [1.2, 1.5, 6.0, 5.5], [0.1, 0.5, 9.0, 0.2]
    g = gn(mu, y, var, reduction="none")
    out += [g, g, gn(mu, y, var, full=True, reduction="none") - g, gn(mu, y, var)]
    out += [gn(mu, y, [1.0] * 4, reduction="none"), 0.5 * F.mse_loss(T(mu), T(y), reduction="none")]
    return out


# ---------------------------------------------------------------- 16 label smoothing
@example("16_label_smoothing")
def _():
    logits, y = T([[1.0, 3.0, 0.2, -1.0], [2.0, 0.5, 0.1, 0.4]]), torch.tensor([1, 0])
    sm = 0.9 * F.one_hot(y, 4).double() + 0.025
    ls_ = F.cross_entropy(logits, y, label_smoothing=0.1, reduction="none")
    out = [sm, ls_, F.cross_entropy(logits, sm, reduction="none"), F.cross_entropy(logits, y, reduction="none"), ls_]
    def ls(d, e):
        d = d if isinstance(d, torch.Tensor) else T(d)
        z = torch.cat([d.reshape(1), torch.zeros(9)]).reshape(1, 10)
        return F.cross_entropy(z, torch.tensor([0]), label_smoothing=e)
    d_star = lambda e: math.log((1 - e + e / 10) / (e / 10))
    q = np.full(10, 0.01); q[0] = 0.91
    g = torch_grad(lambda d: ls(d, 0.1), d_star(0.1))
    assert abs(float(g)) < 1e-12
    out += [PLOT, [d_star(0.1), d_star(0.2)], True, [val(ls(d_star(0.1), 0.1)), -(q * np.log(q)).sum()], [0.91, 0.01]]
    out += [[val(ls(10.0, 0.0)), val(ls(10.0, 0.1))], torch_grad(lambda d: ls(d, 0.1), 10.0)]
    return out


# ---------------------------------------------------------------- 17 focal vs CE gradient
@example("17_focal_vs_ce_gradient")
def _():
    def d_fl(xt, g, alpha=-1):
        return torch_grad(lambda x: torchvision_sigmoid_focal_loss(x, T(1.0), alpha=alpha, gamma=g), xt)
    d_ce = lambda xt: torch_grad(lambda x: F.binary_cross_entropy_with_logits(x, T(1.0)), xt)
    # the appendix's closed forms, as an extra check of torch's autograd
    appendix = lambda xt, g: (1 - 1 / (1 + math.exp(-xt))) ** g * (g * (1 / (1 + math.exp(-xt))) * math.log(1 / (1 + math.exp(-xt))) + 1 / (1 + math.exp(-xt)) - 1)
    assert abs(float(d_fl(-2.0, 2)) - appendix(-2.0, 2)) < 1e-14
    out = [PLOT]
    for xt in (2.0, -2.0):
        out.append([val(d_ce(xt)), val(d_fl(xt, 2))])
    for xt in (2.0, -2.0):
        out.append([val(d_ce(xt)), appendix(xt, 2)])
    logit = lambda p: math.log(p / (1 - p))
    ratio = lambda p: float(d_fl(logit(p), 2)) / float(d_ce(logit(p)))
    out += [PLOT, [ratio(0.5), ratio(0.9), ratio(0.99)], [ratio(0.5), ratio(0.9), ratio(0.99)]]
    fl_p = lambda p: -(1 - p) ** 2 * torch.log(p)
    out += [torch_grad(fl_p, 0.7), 2 * 0.3 * math.log(0.7) - 0.09 / 0.7,
            torch_grad(lambda p: F.binary_cross_entropy(p, T(1.0)), 0.7)]
    x, y = [2.0, -1.0, 0.5, -3.0], T([1.0, 0, 0, 1])
    out += [torch_grad(lambda s: torchvision_sigmoid_focal_loss(s, y).mean(), x),
            torch_grad(lambda s: F.binary_cross_entropy_with_logits(s, y), x)]
    return out


# ---------------------------------------------------------------- 18 contrastive gradient
@example("18_contrastive_gradient")
def _():
    W = T([[1.0, 0.2, 0.0], [-0.3, 0.8, 0.2]])
    X1, X2 = T([1.0, 0.0, 2.0]), T([0.5, 1.0, 1.0])
    D = (W @ (X1 - X2)).norm()
    dD = torch_grad(lambda w: (w @ X1 - w @ X2).norm(), W)
    d = X1 - X2
    assert torch.allclose(dD, torch.outer(W @ d, d) / D, rtol=1e-14)
    L = lambda w, y, m=1.0: contrastive_hadsell(w @ X1, w @ X2, T(y), m)
    out = [D, dD, dD, torch_grad(lambda w: L(w, 0.0), W), D * dD, torch_grad(lambda w: L(w, 1.0), W), -(1 - D) * dD,
           torch.zeros(2, 3)]
    h = 1e-6
    Wp, Wm = W.clone(), W.clone()
    Wp[1, 2] += h; Wm[1, 2] -= h
    out += [(L(Wp, 1.0) - L(Wm, 1.0)) / (2 * h), torch_grad(lambda w: L(w, 1.0), W)[1, 2]]
    A = T([[1.0, 0.0, 2.0], [0.5, 1.0, 1.0], [1.0, 0.5, 0.0], [0.0, 1.0, 2.0]])
    B = T([[0.8, 0.1, 1.9], [0.4, 1.2, 1.3], [0.6, 0.8, 0.4], [0.3, 1.0, 1.5]])
    Y = T([0.0, 0, 1, 1])
    batch = lambda w: contrastive_hadsell(A @ w.T, B @ w.T, Y).mean()
    w, hist = W.clone(), []
    for _ in range(41):
        hist.append(val(batch(w)))
        w = w - 1.0 * torch_grad(batch, w)
    out += [[hist[i] for i in (0, 10, 20, 40)], PLOT, (A @ W.T - B @ W.T).norm(dim=1), (A @ w.T - B @ w.T).norm(dim=1)]
    return out


# ================================================================ notebooks 19–22: fitting (textbook experiments)
def adam_fit(loss_fn, params, lr, steps):
    """torch.optim.Adam from params (a list of float64 tensors, copied), steps steps; returns the tensors."""
    ps = [T(p).clone().requires_grad_() for p in params]
    opt = torch.optim.Adam(ps, lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(*ps).backward()
        opt.step()
    return [p.detach() for p in ps]


# ---------------------------------------------------------------- 19 robust regression
@example("19_robust_regression")
def _():
    from scipy.optimize import linprog
    n = 40
    x = T(np.linspace(0, 10, n))
    noise = T(loss_json("seed(19)\nrandn([40])")[0])        # loss's generator, only for the noise
    bad = [5, 12, 20, 33, 38]
    y = 2 * x + 1 + 0.5 * noise
    y[bad] = y[bad] - T([18, 25, 22, 30, 27])
    is_bad = torch.zeros(n, dtype=torch.bool); is_bad[bad] = True
    out = [y[bad]]
    fits = {}
    for name, L in (("mse", F.mse_loss), ("huber", F.huber_loss), ("mae", F.l1_loss)):
        p = [T(0.0), T(0.0)]
        for lr in (0.1, 0.01, 0.001):           # three fresh Adams, lr divided by 10 each time
            p = adam_fit(lambda a, b: L(a * x + b, y), p, lr, 700)
        fits[name] = (float(p[0]), float(p[1]))
    out.append([list(fits[k]) for k in ("mse", "huber", "mae")])
    X = torch.stack([x, torch.ones(n)], 1)
    out.append(torch.linalg.lstsq(X, y, driver="gelsd").solution)
    out.append(PLOT)
    gap = lambda a, b: [a - 2, b - 1, max(abs(b - 1), abs(10 * (a - 2) + b - 1))]
    out.append([gap(*fits[k]) for k in ("mse", "huber", "mae")])
    res = [0.01, -0.5, 1, -3, -25]
    out += [torch_grad(lambda r: F.mse_loss(r, torch.zeros(5), reduction="sum"), res) / 2,
            torch_grad(lambda r: F.huber_loss(r, torch.zeros(5), reduction="sum"), res),
            torch_grad(lambda r: F.l1_loss(r, torch.zeros(5), reduction="sum"), res), PLOT]
    for k, psi in (("mse", lambda r: r), ("huber", lambda r: r.clamp(-1, 1)), ("mae", torch.sign)):
        a, b = fits[k]
        r = psi(a * x + b - y)
        out.append([val(r[is_bad].sum()), val(r[~is_bad].sum())])
    # least absolute deviations by linear programming: min Σ t_i, −t ≤ a·x + b − y ≤ t
    xn, yn = val(x), val(y)
    A_ub = np.block([[xn[:, None], np.ones((n, 1)), -np.eye(n)], [-xn[:, None], -np.ones((n, 1)), -np.eye(n)]])
    lp = linprog(np.r_[0, 0, np.ones(n)], A_ub=A_ub, b_ub=np.r_[yn, -yn], bounds=[(None, None)] * 2 + [(0, None)] * n)
    on = np.flatnonzero(np.abs(lp.x[0] * xn + lp.x[1] - yn) < 1e-7)
    assert len(on) == 2, on
    i, j = on
    a = (yn[j] - yn[i]) / (xn[j] - xn[i]); b = yn[i] - a * xn[i]
    assert abs(a - lp.x[0]) < 1e-7 and abs(b - lp.x[1]) < 1e-7
    out += [[i, j], [a, b, np.abs(a * xn + b - yn).mean()]]
    a, b = fits["mae"]
    out.append([a, b, val(F.l1_loss(a * x + b, y))])
    a, b = adam_fit(lambda a, b: F.l1_loss(a * x + b, y), [T(0.0), T(0.0)], 0.1, 2100)
    out.append([val(a), val(b), val(F.l1_loss(a * x + b, y))])
    return out


def lbfgs_fit(loss_fn, params, steps, **kw):
    """One torch.optim.LBFGS(line_search_fn="strong_wolfe", max_iter=steps).step(closure) from params."""
    ps = [T(p).clone().requires_grad_() for p in params]
    opt = torch.optim.LBFGS(ps, max_iter=steps, line_search_fn="strong_wolfe", **kw)

    def closure():
        opt.zero_grad()
        v = loss_fn(*ps)
        v.backward()
        return v
    opt.step(closure)
    return [p.detach() for p in ps]


# ---------------------------------------------------------------- 20 imbalanced: CE vs focal
@example("20_imbalanced_focal")
def _():
    from sklearn.metrics import average_precision_score, precision_score, recall_score
    n0, n1 = 500, 10
    y = torch.cat([torch.zeros(n0), torch.ones(n1)])

    def data(k):
        neg, pos = loss_json(f"seed({k})\nrandn([{n0}, 2])\nrandn([{n1}, 2])")   # loss's generator
        return T(np.concatenate([neg, pos + 2]))

    ce = lambda s: F.binary_cross_entropy_with_logits(s, y)
    fl = lambda alpha: (lambda s: torchvision_sigmoid_focal_loss(s, y, alpha=alpha, gamma=2).mean())

    def fit(L, X):
        w, b = lbfgs_fit(lambda w, b: L(X @ w + b), [torch.zeros(2), T(0.0)], 200)
        return w, b

    def metrics(X, w, b, threshold=0.0):
        pred = ((X @ w + b) > threshold).numpy().astype(int)
        yy = y.numpy().astype(int)
        return [recall_score(yy, pred), precision_score(yy, pred, zero_division=0), pred.sum()]

    X = data(7)
    m_ce, m_fl, m_g, m_a = fit(ce, X), fit(fl(0.25), X), fit(fl(-1), X), fit(fl(0.75), X)
    out = [[n0 + n1, n1], [[*val(m_ce[0]), val(m_ce[1])], [*val(m_fl[0]), val(m_fl[1])]], PLOT]
    out += [metrics(X, *m) for m in (m_ce, m_fl, m_g, m_a)]
    out.append([val(F.normalize(m[0], dim=0)) for m in (m_ce, m_fl, m_g, m_a)])
    out.append([average_precision_score(val(y), val(X @ m[0] + m[1])) for m in (m_ce, m_fl, m_g, m_a)])
    s = X @ m_ce[0] + m_ce[1]
    p = torch.sigmoid(s)
    pt = torch.where(y == 1, p, 1 - p)
    easy = pt > 0.9
    out.append([val((easy & (y == 0)).sum()), val((easy & (y == 1)).sum())])
    l_ce = F.binary_cross_entropy_with_logits(s, y, reduction="none")
    l_fl = torchvision_sigmoid_focal_loss(s, y, alpha=-1, gamma=2)
    out.append([val(l_ce[easy].sum() / l_ce.sum()), val(l_fl[easy].sum() / l_fl.sum())])
    out.append([val(torch.sigmoid(X @ m[0] + m[1]).sum()) for m in (m_ce, m_fl, m_g)])
    out.append(metrics(X, *m_ce, threshold=math.log(0.1 / 0.9)))   # p > 0.1  ⇔  score > logit(0.1)
    rows = []
    for k in range(20):
        Xk = data(k)
        rows.append([metrics(Xk, *fit(L, Xk))[:2] for L in (ce, fl(0.25))])
    out.append(np.mean(rows, axis=0))
    return out


# ---------------------------------------------------------------- 21 linear SVM (hinge) vs logistic regression
@example("21_svm_hinge_vs_logistic")
def _():
    from sklearn.svm import SVC
    n, lam = 20, 0.01
    a, c = loss_json(f"seed(35)\nrandn([{n}, 2])\nrandn([{n}, 2])")   # loss's generator
    X = T(np.concatenate([0.7 * a + [1.5, 1.5], 0.7 * c - [1.5, 1]]))
    t = torch.cat([torch.ones(n), -torch.ones(n)])
    y = (t + 1) / 2
    out = [[2 * n, n]]
    pen = lambda w: 0.5 * lam * (w ** 2).sum()
    J_svm = lambda w, b: pen(w) + torch.clamp(1 - t * (X @ w + b), min=0).mean()    # sklearn's hinge, mean
    J_log = lambda l: (lambda w, b: 0.5 * l * (w ** 2).sum() + F.binary_cross_entropy_with_logits(X @ w + b, y))
    lg = lbfgs_fit(J_log(lam), [torch.zeros(2), T(0.0)], 200)
    svm = lg
    for lr in (0.1, 0.01, 0.001):          # from the logistic fit, three fresh Adams
        svm = adam_fit(J_svm, svm, lr, 1000)
    out.append([[*val(svm[0]), val(svm[1])], [*val(lg[0]), val(lg[1])]])
    ts = t * (X @ svm[0] + svm[1])
    sv = np.flatnonzero(val(ts) <= 1.01)
    out += [torch.sort(ts).values[:5], sv, t[sv]]
    # the margin equations t_i (w·x_i + b) = 1 of the support vectors
    Xn, tn = val(X), val(t)
    exact = np.linalg.solve(np.c_[tn[sv, None] * Xn[sv], tn[sv]], np.ones(len(sv)))
    ref = SVC(kernel="linear", C=1 / (2 * n * lam), tol=1e-12).fit(Xn, tn)        # C = 1/(nλ)
    assert sorted(ref.support_) == list(sv) and np.allclose(exact, [*ref.coef_[0], ref.intercept_[0]], atol=1e-7), (ref.support_, exact)
    out += [exact, exact - np.r_[val(svm[0]), val(svm[1])], 1 / np.linalg.norm(exact[:2]), PLOT]
    dist = lambda w, b: val((t * (X @ w + b)).min() / w.norm())
    out.append([1 / val(svm[0].norm()), dist(*svm), dist(*lg)])
    fits = [lbfgs_fit(J_log(l), [torch.zeros(2), T(0.0)], 200) for l in (0.01, 0.001, 0.0001, 0.00001)]
    out += [[dist(*f) for f in fits], [val(f[0].norm()) for f in fits]]
    return out


# ---------------------------------------------------------------- 22 the optimizers on Rosenbrock
@example("22_optimizers_rosenbrock")
def _():
    import torch.optim.lbfgs as lbfgs_module
    rosen = lambda p: (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2
    x0 = [-1.5, 2.0]

    def first_order(make, steps=2000):
        x = T(x0).clone().requires_grad_()
        opt = make([x])
        hist, path = [], []
        for _ in range(steps):
            opt.zero_grad()
            f = rosen(x)
            hist.append(val(f)); path.append(val(x).copy())
            f.backward()
            opt.step()
        return val(x), float(val(rosen(x))), np.array(hist), np.array(path)

    def lbfgs(steps=100):
        x = T(x0).clone().requires_grad_()
        opt = torch.optim.LBFGS([x], max_iter=steps, line_search_fn="strong_wolfe")
        hist, path = [], []

        def closure():
            opt.zero_grad()
            f = rosen(x)
            f.backward()
            return f
        original = lbfgs_module._strong_wolfe

        def recording(obj_func, x_init, t, d, f0, g, gtd, **kw):    # each iteration's start: x_k, f(x_k)
            hist.append(float(f0)); path.append(val(x_init[0]).copy())
            return original(obj_func, x_init, t, d, f0, g, gtd, **kw)
        lbfgs_module._strong_wolfe = recording
        try:
            opt.step(closure)
        finally:
            lbfgs_module._strong_wolfe = original
        if opt.state[x]["n_iter"] == len(hist) + 1:     # the last iteration stopped before its line search
            hist.append(float(val(rosen(x)))); path.append(val(x).copy())
        assert opt.state[x]["n_iter"] == len(hist)
        return val(x), float(val(rosen(x))), np.array(hist), np.array(path), opt.state[x]["n_iter"]

    gd = first_order(lambda p: torch.optim.SGD(p, lr=1e-3))
    mom = first_order(lambda p: torch.optim.SGD(p, lr=1e-3, momentum=0.9))
    nag = first_order(lambda p: torch.optim.SGD(p, lr=1e-3, momentum=0.9, nesterov=True))
    adam = first_order(lambda p: torch.optim.Adam(p, lr=0.02))
    lb = lbfgs()
    out = [val(rosen(T(x0))), torch_grad(rosen, x0), [list(gd[3].shape), list(lb[3].shape)],
           "tol" if lb[4] < 100 else "steps"]
    out.append([[r[0][0], r[0][1], r[1], np.linalg.norm(r[0] - 1)] for r in (gd, mom, nag, adam, lb)])
    first = lambda h: int(np.argmax(h < 1e-3)) if (h < 1e-3).any() else math.nan
    out.append([first(r[2]) for r in (gd, mom, nag, adam, lb)])
    out += [PLOT, nag[2].max(), PLOT, PLOT]
    # the plotted paths (callback traces) are torch's iterates too
    traces = loss_json("rosen = p -> (1 - p[0])^2 + 100 * (p[1] - p[0]^2)^2\npath = (k, x, l) -> x\n" +
                       "".join(f"minimize(rosen, [-1.5, 2], {o}, callback: path).trace\n" for o in (
                           'method: "gd", lr: 1e-3, steps: 2000', 'method: "momentum", lr: 1e-3, steps: 2000',
                           'method: "momentum", lr: 1e-3, nesterov: true, steps: 2000',
                           'method: "adam", lr: 0.02, steps: 2000', 'method: "lbfgs", steps: 100')))
    for got, r in zip(traces, (gd, mom, nag, adam, lb)):
        assert got.shape == r[3].shape and np.allclose(got, r[3], rtol=1e-9, atol=1e-12), (got.shape, r[3].shape)
    return out


# ================================================================ notebooks 23–26: fits
def adam_fit_b(f, params, lr, steps):
    """minimize(f, params, method: "adam", lr:, steps:) in torch: returns (params, history, final loss)."""
    ps = {k: T(v).clone().requires_grad_() for k, v in params.items()}
    opt = torch.optim.Adam(list(ps.values()), lr=lr)
    hist = []
    for _ in range(steps):
        opt.zero_grad()
        L = f(ps)
        hist.append(float(L.detach()))
        L.backward()
        opt.step()
    with torch.no_grad():
        final = float(f(ps))
    return {k: v.detach() for k, v in ps.items()}, hist, final


def angle_deg(u, c):
    """Angle between the rows of u and the vector c (unit vectors, 2-D) via atan2(|u × c|, u·c), degrees."""
    return torch.atan2((u[:, 0] * c[1] - u[:, 1] * c[0]).abs(), u @ c) * 180 / math.pi


# ---------------------------------------------------------------- 23 ArcFace toy
@example("23_arcface_toy")
def _():
    torch.set_num_threads(1)   # small tensors: one thread is much faster
    M, noise, A1, A2, W = loss_json("seed(0)\nrandn([8, 10])\nrandn([96, 10])\n0.3 * randn([10, 16])\n"
                                    "0.3 * randn([16, 2])\nrandn([8, 2])")
    C, n = 8, 12
    y = torch.arange(C).repeat_interleave(n)
    X = T(M)[y] + 0.6 * T(noise)
    p0 = {"A1": A1, "b1": np.zeros(16), "A2": A2, "W": W}
    feat = lambda p: torch.tanh(X @ p["A1"] + p["b1"]) @ p["A2"]
    losses = {
        "soft": lambda p: F.cross_entropy(feat(p) @ p["W"].T, y),
        "norm": lambda p: arcface_insightface(feat(p), p["W"], y, s=16.0, m=0.0).mean(),
        "arc": lambda p: arcface_insightface(feat(p), p["W"], y, s=16.0, m=0.5).mean(),
    }
    fits = {k: adam_fit_b(f, p0, 0.04, 250) for k, f in losses.items()}
    out = [[96, 10], np.round(10000 * np.array([fits[k][2] for k in ("soft", "norm", "arc")])) / 10000]
    cosines = lambda p: F.normalize(feat(p)) @ F.normalize(p["W"]).T
    acc = lambda s: float((s.argmax(1) == y).double().mean())
    out.append([acc(feat(fits["soft"][0]) @ fits["soft"][0]["W"].T), acc(cosines(fits["norm"][0])), acc(cosines(fits["arc"][0]))])
    out += [PLOT, PLOT, PLOT]

    def spread(p):
        Fn = F.normalize(feat(p))
        S = torch.stack([angle_deg(Fn[y == k], F.normalize(Fn[y == k].mean(0), dim=0)) for k in range(C)])
        return torch.stack([S.mean(1), S.max(1).values])

    def summary(p):
        Fn = F.normalize(feat(p))
        G = torch.atan2((torch.outer(Fn[:, 0], Fn[:, 1]) - torch.outer(Fn[:, 1], Fn[:, 0])).abs(), Fn @ Fn.T) * 180 / math.pi
        S = spread(p)
        return [float(S[0].mean()), float(S[1].max()), float(G[y[:, None] != y[None, :]].min())]
    to_001 = lambda a: np.round(100 * np.asarray(val(a) if isinstance(a, torch.Tensor) else a)) / 100
    out += [to_001(spread(fits[k][0])) for k in ("soft", "norm", "arc")]
    out.append(to_001([summary(fits[k][0]) for k in ("soft", "norm", "arc")]))
    return out


# ---------------------------------------------------------------- 24 triplet and contrastive embedding
@example("24_triplet_contrastive_embedding")
def _():
    torch.set_num_threads(1)
    mu3, noise, W0 = loss_json("seed(1)\nrandn([4, 3])\nrandn([100, 10])\nrandn([10, 2])")
    K, n = 4, 25
    y = torch.arange(K).repeat_interleave(n)
    mu = torch.cat([2 * T(mu3), torch.zeros(K, 7)], 1)
    sd = T([0.5] * 3 + [2.0] * 7)
    X = mu[y] + sd * T(noise)
    W0 = 0.3 * T(W0)

    def separation(E):
        D = torch.cdist(E, E)
        same = (y[:, None] == y[None, :]).double()
        intra = (D * same).sum() / (same.sum() - K * n)
        inter = (D * (1 - same)).sum() / (1 - same).sum()
        nn = (D + 1e9 * torch.eye(K * n)).argmin(1)
        return [float(inter / intra), float((y[nn] == y).double().mean())]
    i = torch.arange(K * n)
    pos = y * n + (i - y * n + 1) % n
    neg = ((y + 1) % K) * n + (i - y * n)
    neg2 = ((y + 2) % K) * n + (i - y * n)
    anchors, positives, negatives = torch.cat([i, i]), torch.cat([pos, pos]), torch.cat([neg, neg2])
    trip = lambda W, red="mean": F.triplet_margin_loss(X[anchors] @ W, X[positives] @ W, X[negatives] @ W, margin=1.0, reduction=red)
    left, right = torch.cat([i, i, i]), torch.cat([pos, neg, neg2])
    Y = torch.cat([torch.zeros(K * n), torch.ones(2 * K * n)])
    con = lambda W: contrastive_hadsell(X[left] @ W, X[right] @ W, Y, margin=2.0).mean()
    out = [[100, 10], separation(X), separation(X @ W0), PLOT, [24, int(pos[24]), int(neg[24]), int(neg2[24])]]
    out.append([float(trip(W0)), float(con(W0))])
    Wt, ht, lt = adam_fit_b(lambda p: trip(p["W"]), {"W": W0}, 0.05, 200)
    Wc, hc, lc = adam_fit_b(lambda p: con(p["W"]), {"W": W0}, 0.05, 200)
    Wt, Wc = Wt["W"], Wc["W"]
    out += [[lt, lc], PLOT, [h == 0 for h in ht].index(True)]
    violated = lambda W: float((trip(W, "none") > 0).double().mean())
    out += [[violated(W0), violated(Wt)], PLOT, PLOT]
    out.append([separation(X), separation(X @ W0), separation(X @ Wt), separation(X @ Wc)])
    out.append(torch.stack([W0.norm(dim=1), Wt.norm(dim=1), Wc.norm(dim=1)]))
    return out


# ---------------------------------------------------------------- 25 MNR and the batch size
def adam_minibatch(f, x0, n, batch, epochs, lr, perms):
    """minimize(f, x0, data: …, batch:, epochs:, lr:) (Adam) with the given per-epoch row orders."""
    W = T(x0).clone().requires_grad_()
    opt = torch.optim.Adam([W], lr=lr)
    for e in range(epochs):
        order = torch.as_tensor(np.asarray(perms[e], dtype=np.int64))
        for s in range(0, n, batch):
            opt.zero_grad()
            f(W, order[s:s + batch]).backward()
            opt.step()
    return W.detach()


@example("25_mnr_batch_size")
def _():
    torch.set_num_threads(1)

    def make(seed):
        c, topic, n1, n2, G, nq = loss_json(f"seed({seed})\nrandn([8, 4])\nrandint(0, 8, 512)\nrandn([512, 4])\n"
                                            "randn([512, 4])\nrandn([8, 8])\nrandn([512, 8])")
        topic = torch.as_tensor(topic.astype(np.int64))
        D = torch.cat([3 * T(c)[topic] + 0.3 * T(n1), T(n2)], 1)
        R = torch.eye(8) + 0.5 * T(G) / math.sqrt(8)
        Q = D @ R + 0.1 * T(nq)
        return dict(Q=Q[:256], D=D[:256], Qte=Q[256:], Dte=D[256:], topic=topic[256:], R=R)
    perms = [np.asarray(p) for p in loss_json("seed(7)\n" + "shuffle(range(0, 256, 1))\n" * 5)]
    ids = torch.arange(256)

    def metrics(W, d):
        S = F.normalize(d["Qte"] @ W) @ F.normalize(d["Dte"]).T
        same = d["topic"][:, None] == d["topic"][None, :]
        return [float((S.argmax(1) == ids).double().mean()), float((d["topic"][S.argmax(1)] == d["topic"]).double().mean()),
                float((torch.where(same, S, T(-2.0)).argmax(1) == ids).double().mean())]

    def train(d, b):
        f = lambda W, rows: per_row_mnr(d["Q"][rows] @ W, d["D"][rows], 20.0).mean()
        return adam_minibatch(f, torch.eye(8), 256, b, 5, 0.04, perms)
    d1 = make(1)
    out = [metrics(torch.eye(8), d1), metrics(torch.linalg.inv(d1["R"]), d1), [320, 80, 20], PLOT]
    fits = {b: train(d1, b) for b in (4, 16, 64)}
    out.append([metrics(fits[b], d1) for b in (4, 16, 64)])
    table = [[metrics(fits[b], d1)[0] for b in (4, 16, 64)]]
    for seed in (2, 3):
        d = make(seed)
        table.append([metrics(train(d, b), d)[0] for b in (4, 16, 64)])
    out += [table, np.mean(table, 0), PLOT, [math.log(4), math.log(16), math.log(64)]]
    return out


# ---------------------------------------------------------------- 26 Dice vs BCE segmentation
def lbfgs_fit_b(f, params, steps):
    """minimize(f, params, method: "lbfgs", steps:): one torch LBFGS.step (strong Wolfe) with max_iter = steps."""
    ps = {k: T(v).clone().requires_grad_() for k, v in params.items()}
    opt = torch.optim.LBFGS(list(ps.values()), lr=1, max_iter=steps, history_size=100, line_search_fn="strong_wolfe",
                            tolerance_grad=1e-7, tolerance_change=1e-9)

    def closure():
        opt.zero_grad()
        L = f(ps)
        L.backward()
        return L
    opt.step(closure)
    n_iter = opt.state[opt._params[0]]["n_iter"]
    return {k: v.detach() for k, v in ps.items()}, n_iter


@example("26_dice_vs_bce_segmentation")
def _():
    torch.set_num_threads(1)
    H, W = 24, 50
    noise, noise_test = loss_json("seed(0)\nrandn([24, 50])\nrandn([24, 50])")
    rows, cols = torch.arange(H).double()[:, None], torch.arange(W).double()[None, :]
    disc = lambda r, c: ((rows - r) ** 2 + (cols - c) ** 2 <= 3.3).double()
    G, G_test = disc(7.5, 12) + disc(15.5, 36), disc(16.5, 10) + disc(6.5, 30)
    I, I_test = G + 0.8 * T(noise), G_test + 0.8 * T(noise_test)
    band = lambda n: torch.ones(n, n).triu(-1).tril(1)

    def features(img):
        blur = band(H) @ img @ band(W).T / 9
        return torch.stack([img.reshape(-1), blur.reshape(-1)], 1)
    X, X_test, g, g_test = features(I), features(I_test), G.reshape(-1), G_test.reshape(-1)
    prob = lambda p, X: torch.sigmoid(X @ p["w"] + p["b"])
    dice_loss = lambda p, q: 1 - 2 * (p * q).sum() / ((p * p).sum() + (q * q).sum())
    out = [[24, 0.02, 24], float((I[G == 0] > 0.5).double().mean()), PLOT, [1200, 2]]
    p0 = {"w": np.zeros(2), "b": 0.0}
    fits = [lbfgs_fit_b(lambda p: F.binary_cross_entropy(prob(p, X), g), p0, 200),
            lbfgs_fit_b(lambda p: dice_loss(prob(p, X), g), p0, 200),
            lbfgs_fit_b(lambda p: F.binary_cross_entropy_with_logits(X @ p["w"] + p["b"], g, pos_weight=T(49.0)), p0, 200)]
    assert all(n < 200 for _, n in fits)          # stopped by a tolerance, not the step limit
    ps = [p for p, _ in fits]
    out += [["tol", "tol", "tol"], [[*val(p["w"]), float(p["b"])] for p in ps],
            [[float(-p["b"] / p["w"].sum()), float(p["w"].sum())] for p in ps], PLOT]

    def scores(p, X, g):
        m = (prob(p, X) > 0.5).double()
        tp = (m * g).sum()
        return [float(1 - dice_loss(m, g)), float(tp / g.sum()), float(tp / max(float(m.sum()), 1.0)), float(m.sum())]
    out += [[scores(p, X, g) for p in ps], [scores(p, X_test, g_test) for p in ps]]
    out.append([[float((prob(p, X_test) * g_test).sum() / g_test.sum()), float((prob(p, X_test) * (1 - g_test)).sum() / (1 - g_test).sum())] for p in ps])
    return out


# ---------------------------------------------------------------- the checker
def close(got, want, path):
    if want is None:
        return []
    if isinstance(want, str):
        return [] if got == want else [f"{path}: got {got!r}, want {want!r}"]
    if isinstance(want, bool):
        return [] if got is want else [f"{path}: got {got!r}, want {want!r}"]
    if isinstance(want, (list, tuple)) and want and all(isinstance(w, str) for w in want):
        return [] if got == list(want) else [f"{path}: got {got!r}, want {want!r}"]
    w = np.asarray(val(want) if not isinstance(want, list) else np.array([val(v) for v in want], dtype=float), dtype=float)
    if isinstance(got, dict) and "shape" in got:
        g = np.array([float(v) if not isinstance(v, str) else float(v.replace("inf", "inf")) for v in got["data"]]).reshape(got["shape"])
    elif isinstance(got, (int, float)):
        g = np.array(float(got))
    elif isinstance(got, str) and got in ("nan", "inf", "-inf"):
        g = np.array(float(got))
    else:
        return [f"{path}: got {got!r}, want a number {w}"]
    if g.shape != w.shape:
        return [f"{path}: shape {g.shape}, want {w.shape}"]
    if not np.allclose(g, w, rtol=1e-9, atol=1e-12, equal_nan=True):
        return [f"{path}: got {g.tolist()}, want {w.tolist()}"]
    return []


def main(names):
    loss = os.environ.get("LOSS", os.path.join(ROOT, ".build", "debug", "loss"))
    names = names or sorted(REFERENCE)
    missing = sorted(os.path.basename(f)[:-5] for f in os.listdir(HERE) if f.endswith(".loss") and f[:-5] not in REFERENCE)
    failed = 0
    for name in names:
        path = os.path.join(HERE, name + ".loss")
        run = subprocess.run([loss, "--json", path], capture_output=True, text=True, cwd=HERE)
        lines = [json.loads(l) for l in run.stdout.splitlines() if l.strip()]
        lines = [l for l in lines if not (isinstance(l, dict) and "print" in l)]
        want = REFERENCE[name]()
        problems = []
        if run.returncode != 0:
            problems.append(f"exit status {run.returncode}: {run.stderr.strip()}")
        if len(lines) != len(want):
            problems.append(f"{len(lines)} displayed values, reference has {len(want)}")
        for i, (g, w) in enumerate(zip(lines, want)):
            if w is PLOT and not (isinstance(g, dict) and "plot" in g) and w is not None:
                problems.append(f"value {i + 1}: expected a plot")
            problems += close(g, w, f"value {i + 1}")
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for p in problems:
                print("   ", p)
        else:
            print(f"ok   {name} ({len(want)} values)")
    for m in missing:
        print(f"NOTE {m}.loss has no reference here")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
