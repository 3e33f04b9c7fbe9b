#!/usr/bin/env python3
"""Reference values for the embedding and metric-learning losses (docs/reference.md §4.3).

Writes Tests/LossLangTests/Fixtures/embedding.json in the shared fixture format
(see Tests/LossLangTests/LossFixtureTests.swift): torch float64, fixed seeds.

References, per built-in:
  triplet           torch.nn.functional.triplet_margin_loss (squared: FaceNet, transcribed)
  contrastive       Hadsell, Chopra, LeCun 2006, transcribed
  margin_ranking    torch.nn.functional.margin_ranking_loss
  cosine_embedding  torch.nn.functional.cosine_embedding_loss
  infonce           info-nce-pytorch `info_nce`
  ntxent            SimCLR NT-Xent transcribed; means checked against pytorch-metric-learning NTXentLoss
  mnr               transcribed per sample; means checked against sentence-transformers
                    MultipleNegativesRankingLoss / MultipleNegativesSymmetricRankingLoss
  ge2e              Wan et al. 2018, transcribed with explicit loops
  arcface           insightface legacy ArcMarginProduct + F.cross_entropy
  cosface           insightface CosFace + F.cross_entropy
  sphereface        sphereface_pytorch AngleLinear (Chebyshev cos mθ, k = ⌊mθ/π⌋), λ = 0
  center_loss       Wen et al. 2016, transcribed

Run by hand:  pip install torch info-nce-pytorch sentence-transformers pytorch-metric-learning
              python3 Scripts/gen_fixtures_embedding.py
It also prints each registry example with its display text (6 significant digits).

"grad_cases" (ignored by the generic fixture test) hold torch autograd gradients of
upstream·loss with respect to every differentiable input, hyperparameters included; the
upstream gradient is a number for "mean"/"sum" and a random tensor for "none".
"""
import math
import os
import warnings

import torch
import torch.nn.functional as F

from fixture_common import encode as arg, write_fixture

torch.set_default_dtype(torch.float64)
warnings.filterwarnings("ignore", category=DeprecationWarning)

try:
    from info_nce import info_nce
except ImportError:  # pragma: no cover
    info_nce = None
try:
    from sentence_transformers.sentence_transformer.losses import (
        MultipleNegativesRankingLoss, MultipleNegativesSymmetricRankingLoss)
except ImportError:  # pragma: no cover
    MultipleNegativesRankingLoss = MultipleNegativesSymmetricRankingLoss = None
try:
    from pytorch_metric_learning.losses import NTXentLoss
except ImportError:  # pragma: no cover
    NTXentLoss = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "LossLangTests", "Fixtures", "embedding.json")

cases = []


def add(name, fn, args, kwargs, expected, rtol=None):
    c = {"name": name, "fn": fn, "args": [arg(a) for a in args],
         "kwargs": {k: arg(v) for k, v in kwargs.items()}, "expected": arg(expected)}
    if rtol is not None:
        c["rtol"] = rtol
    cases.append(c)


def add_error(name, fn, args, kwargs, message):
    cases.append({"name": name, "fn": fn, "args": [arg(a) for a in args],
                  "kwargs": {k: arg(v) for k, v in kwargs.items()}, "error": message})


def reduce(per, reduction):
    if reduction == "none":
        return per
    if reduction == "sum":
        return per.sum()
    return per.mean()


def add_reductions(name, fn, args, kwargs, per, reductions=("none", "mean", "sum")):
    """One case per reduction; `per` holds the per-sample losses ("none")."""
    for r in reductions:
        kw = dict(kwargs)
        if r != "mean":
            kw["reduction"] = r
        add(f"{name}/{r}", fn, args, kw, reduce(per, r))


def gen(seed):
    g = torch.Generator().manual_seed(seed)
    return g


def randn(g, *shape):
    return torch.randn(*shape, generator=g, dtype=torch.float64)


# ---------------------------------------------------------------- triplet

def triplet_squared(a, p, n, margin, swap):
    dap = ((a - p) ** 2).sum(-1)
    dan = ((a - n) ** 2).sum(-1)
    if swap:
        dan = torch.minimum(dan, ((p - n) ** 2).sum(-1))
    return torch.clamp(margin + dap - dan, min=0)


def gen_triplet():
    g = gen(101)
    for (N, D) in [(4, 3), (7, 5), (1, 8)]:
        a, p, n = randn(g, N, D), randn(g, N, D), randn(g, N, D)
        for norm in [1, 2, 3, 1.5, math.inf]:
            for swap in [False, True]:
                for margin in [1.0, 0.3]:
                    kw = {}
                    if norm != 2:
                        kw["norm"] = norm
                    if swap:
                        kw["swap"] = True
                    if margin != 1:
                        kw["margin"] = margin
                    per = F.triplet_margin_loss(a, p, n, margin=margin, p=norm, swap=swap, reduction="none")
                    nm = "inf" if norm == math.inf else norm
                    add_reductions(f"triplet/{N}x{D}/p{nm}/swap{int(swap)}/m{margin}", "triplet", [a, p, n], kw, per)
        for swap in [False, True]:
            per = triplet_squared(a, p, n, 1.0, swap)
            add_reductions(f"triplet/{N}x{D}/squared/swap{int(swap)}", "triplet", [a, p, n],
                           {"squared": True, "swap": swap}, per)
        per = triplet_squared(a, p, n, 2.5, False)
        add_reductions(f"triplet/{N}x{D}/squared/m2.5", "triplet", [a, p, n], {"squared": True, "margin": 2.5}, per)
    # one sample as vectors: a number whatever the reduction
    a, p, n = randn(g, 6), randn(g, 6), randn(g, 6)
    v = F.triplet_margin_loss(a, p, n, margin=2.0, reduction="none")
    for r in ["none", "mean", "sum"]:
        add(f"triplet/vector/{r}", "triplet", [a, p, n], {"margin": 2.0, "reduction": r}, v)
    # zero distances: finite (d = ‖1e-6‖ on both sides → margin)
    z = torch.zeros(3, 4)
    z[1] = torch.tensor([1.0, -2.0, 0.5, 3.0])
    add_reductions("triplet/zero-distance", "triplet", [z, z, z], {},
                   F.triplet_margin_loss(z, z.clone(), z.clone(), reduction="none"))
    add_reductions("triplet/zero-distance/swap/p1", "triplet", [z, z, z], {"swap": True, "norm": 1},
                   F.triplet_margin_loss(z, z.clone(), z.clone(), p=1, swap=True, reduction="none"))
    add_reductions("triplet/zero-distance/squared", "triplet", [z, z, z], {"squared": True},
                   triplet_squared(z, z, z, 1.0, False))
    # hinge inactive everywhere, and an empty batch (torch: mean of nothing is nan)
    a = torch.tensor([[0.0, 0.0], [1.0, 1.0]])
    add_reductions("triplet/inactive", "triplet", [a, a + 0.1, a + 5.0], {},
                   F.triplet_margin_loss(a, a + 0.1, a + 5.0, reduction="none"))
    e = torch.zeros(0, 3)
    add_reductions("triplet/empty-batch", "triplet", [e, e, e], {}, F.triplet_margin_loss(e, e, e, reduction="none"))
    # errors
    a3, a4 = randn(g, 2, 3), randn(g, 2, 4)
    add_error("triplet/error/shape", "triplet", [a3, a4, a3], {}, "anchor and positive must have the same shape, got [2, 3] and [2, 4]")
    add_error("triplet/error/shape-negative", "triplet", [a3, a3, a4], {}, "anchor and negative must have the same shape, got [2, 3] and [2, 4]")
    add_error("triplet/error/rank", "triplet", [randn(g, 2, 2, 2)] * 3, {}, "anchor must have shape [N, D]")
    add_error("triplet/error/margin", "triplet", [a3, a3, a3], {"margin": 0}, "margin must be greater than 0, got 0")
    add_error("triplet/error/norm", "triplet", [a3, a3, a3], {"norm": 0}, "norm must be a positive number")
    add_error("triplet/error/squared-norm", "triplet", [a3, a3, a3], {"squared": True, "norm": 1}, "norm must be 2, got 1")
    add_error("triplet/error/reduction", "triplet", [a3, a3, a3], {"reduction": "avg"}, "reduction must be one of")


# ---------------------------------------------------------------- contrastive

def contrastive_ref(x1, x2, y, margin, similar):
    d = torch.linalg.vector_norm(x1 - x2, dim=-1)
    sim = y == similar
    return torch.where(sim, 0.5 * d ** 2, 0.5 * torch.clamp(margin - d, min=0) ** 2)


def gen_contrastive():
    g = gen(202)
    for (N, D) in [(6, 3), (9, 4)]:
        x1, x2 = randn(g, N, D), randn(g, N, D)
        y = (torch.rand(N, generator=g) > 0.5).double()
        y[0], y[1] = 0.0, 1.0
        for margin in [1.0, 2.5]:
            for similar in [0, 1]:
                kw = {}
                if margin != 1:
                    kw["margin"] = margin
                if similar != 0:
                    kw["similar"] = similar
                add_reductions(f"contrastive/{N}x{D}/m{margin}/similar{similar}", "contrastive", [x1, x2, y], kw,
                               contrastive_ref(x1, x2, y, margin, similar))
    x1, x2 = randn(g, 5), randn(g, 5)
    for yy in [0.0, 1.0]:
        add(f"contrastive/vector/y{int(yy)}", "contrastive", [x1, x2, yy], {"margin": 4.0, "reduction": "none"},
            contrastive_ref(x1, x2, torch.tensor(yy), 4.0, 0))
    # a single label for every pair
    x1, x2 = randn(g, 3, 2), randn(g, 3, 2)
    add_reductions("contrastive/scalar-label", "contrastive", [x1, x2, 1.0], {"margin": 3.0},
                   contrastive_ref(x1, x2, torch.ones(3), 3.0, 0))
    # zero-distance pairs: finite (½·0 similar, ½·margin² dissimilar)
    z = torch.tensor([[1.0, 2.0], [1.0, 2.0], [0.0, 0.0]])
    y = torch.tensor([0.0, 1.0, 1.0])
    add_reductions("contrastive/zero-distance", "contrastive", [z, z, y], {}, contrastive_ref(z, z.clone(), y, 1.0, 0))
    a3 = randn(g, 3, 2)
    add_error("contrastive/error/shape", "contrastive", [a3, randn(g, 3, 3), torch.zeros(3)], {}, "x1 and x2 must have the same shape, got [3, 2] and [3, 3]")
    add_error("contrastive/error/labels", "contrastive", [a3, a3, torch.tensor([0.0, 2.0, 1.0])], {}, "y must hold 0/1 labels, got 2 at position 1")
    add_error("contrastive/error/label-count", "contrastive", [a3, a3, torch.zeros(2)], {}, "y must be a number or a vector of 3 labels (one per row of x1), got shape [2]")
    add_error("contrastive/error/similar", "contrastive", [a3, a3, torch.zeros(3)], {"similar": 2}, "similar must be 0 or 1")


# ---------------------------------------------------------------- margin_ranking, cosine_embedding

def gen_margin_ranking():
    g = gen(303)
    for n in [5, 12]:
        x1, x2 = randn(g, n), randn(g, n)
        y = torch.where(torch.rand(n, generator=g) > 0.5, 1.0, -1.0)
        for margin in [0.0, 0.5]:
            kw = {"margin": margin} if margin else {}
            add_reductions(f"margin_ranking/{n}/m{margin}", "margin_ranking", [x1, x2, y], kw,
                           F.margin_ranking_loss(x1, x2, y, margin=margin, reduction="none"))
    # matrices: every element a sample; broadcast y
    x1, x2 = randn(g, 3, 4), randn(g, 3, 4)
    y = torch.where(torch.rand(3, 4, generator=g) > 0.5, 1.0, -1.0)
    add_reductions("margin_ranking/3x4", "margin_ranking", [x1, x2, y], {"margin": 0.2},
                   F.margin_ranking_loss(x1, x2, y, margin=0.2, reduction="none"))
    add("margin_ranking/scalar", "margin_ranking", [0.3, 0.7, -1.0], {"margin": 0.1},
        F.margin_ranking_loss(torch.tensor(0.3), torch.tensor(0.7), torch.tensor(-1.0), margin=0.1))
    yb = torch.tensor([1.0, -1.0, 1.0, 1.0])
    add_reductions("margin_ranking/broadcast-y", "margin_ranking", [x1, x2, yb], {},
                   torch.clamp(-yb * (x1 - x2), min=0))
    add_error("margin_ranking/error/labels", "margin_ranking", [randn(g, 3), randn(g, 3), torch.tensor([1.0, 0.0, -1.0])], {},
              "y must hold labels -1 or +1, got 0 at position 1")
    add_error("margin_ranking/error/shape", "margin_ranking", [randn(g, 3), randn(g, 2), torch.ones(3)], {},
              "x1, x2 and y must have the same (or broadcastable) shapes, got [3], [2] and [3]")


def gen_cosine_embedding():
    g = gen(404)
    for (N, D) in [(5, 3), (8, 6)]:
        x1, x2 = randn(g, N, D), randn(g, N, D)
        y = torch.where(torch.rand(N, generator=g) > 0.5, 1.0, -1.0)
        y[0], y[1] = 1.0, -1.0
        for margin in [0.0, -0.2, 0.3]:
            kw = {"margin": margin} if margin else {}
            add_reductions(f"cosine_embedding/{N}x{D}/m{margin}", "cosine_embedding", [x1, x2, y], kw,
                           F.cosine_embedding_loss(x1, x2, y, margin=margin, reduction="none"))
    x1, x2 = randn(g, 4), randn(g, 4)
    for yy in [1.0, -1.0]:
        add(f"cosine_embedding/vector/y{int(yy)}", "cosine_embedding", [x1, x2, yy], {"reduction": "none"},
            F.cosine_embedding_loss(x1, x2, torch.tensor(yy), reduction="none"))
    # zero vectors: torch's eps keeps cos = 0
    z = torch.zeros(2, 3)
    w = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    y = torch.tensor([1.0, -1.0])
    add_reductions("cosine_embedding/zero-vectors", "cosine_embedding", [z, w, y], {"margin": -0.5},
                   F.cosine_embedding_loss(z, w, y, margin=-0.5, reduction="none"))
    # tiny vectors: the 1e-12 eps inside the norms shows (torch's handling)
    t1 = torch.tensor([[1e-7, 2e-7], [3.0, 4.0]])
    t2 = torch.tensor([[2e-7, 1e-7], [4.0, 3.0]])
    add_reductions("cosine_embedding/tiny-eps", "cosine_embedding", [t1, t2, torch.tensor([1.0, 1.0])], {},
                   F.cosine_embedding_loss(t1, t2, torch.tensor([1.0, 1.0]), reduction="none"))
    a = randn(g, 3, 2)
    add_error("cosine_embedding/error/labels", "cosine_embedding", [a, a, torch.tensor([1.0, 0.0, 1.0])], {},
              "y must hold labels -1 or +1, got 0 at position 1")
    add_error("cosine_embedding/error/shape", "cosine_embedding", [a, randn(g, 4, 2), torch.ones(3)], {},
              "x1 and x2 must have the same shape, got [3, 2] and [4, 2]")


# ---------------------------------------------------------------- infonce

def infonce_ref(q, k, neg, temperature, mode, reduction):
    if info_nce is not None:
        return info_nce(q, k, neg, temperature=temperature, reduction=reduction, negative_mode=mode)
    raise SystemExit("pip install info-nce-pytorch")


def gen_infonce():
    g = gen(505)
    for (N, D) in [(4, 3), (6, 8)]:
        q, k = randn(g, N, D), randn(g, N, D)
        for tau in [0.1, 0.5, 1.0]:
            kw = {"temperature": tau} if tau != 0.1 else {}
            per = infonce_ref(q, k, None, tau, "unpaired", "none")
            assert torch.allclose(per.mean(), infonce_ref(q, k, None, tau, "unpaired", "mean"), rtol=1e-13)
            add_reductions(f"infonce/{N}x{D}/none-negatives/t{tau}", "infonce", [q, k], kw, per)
            for M in [1, 5]:
                neg = randn(g, M, D)
                per = infonce_ref(q, k, neg, tau, "unpaired", "none")
                add_reductions(f"infonce/{N}x{D}/unpaired{M}/t{tau}", "infonce", [q, k, neg], kw, per)
                negp = randn(g, N, M, D)
                per = infonce_ref(q, k, negp, tau, "paired", "none")
                add_reductions(f"infonce/{N}x{D}/paired{M}/t{tau}", "infonce", [q, k, negp],
                               dict(kw, negative_mode="paired"), per)
    # a zero row (F.normalize's eps: cos 0) and identical rows
    q = torch.tensor([[0.0, 0.0], [1.0, 2.0], [1.0, 2.0]])
    k = torch.tensor([[1.0, 0.0], [1.0, 2.0], [-1.0, 0.5]])
    add_reductions("infonce/zero-row", "infonce", [q, k], {}, infonce_ref(q, k, None, 0.1, "unpaired", "none"))
    # a tiny temperature: large logits, still finite
    q, k = randn(g, 3, 4), randn(g, 3, 4)
    add_reductions("infonce/t0.001", "infonce", [q, k], {"temperature": 0.001}, infonce_ref(q, k, None, 0.001, "unpaired", "none"))
    q, k = randn(g, 3, 4), randn(g, 3, 4)
    add_error("infonce/error/shape", "infonce", [q, randn(g, 2, 4)], {}, "query and positive must have the same shape, got [3, 4] and [2, 4]")
    add_error("infonce/error/rank", "infonce", [randn(g, 4), randn(g, 4)], {}, "query must have shape [N, D]")
    add_error("infonce/error/unpaired-3d", "infonce", [q, k, randn(g, 3, 2, 4)], {}, "with negative_mode: \"unpaired\", negatives must have shape [M, 4]")
    add_error("infonce/error/paired-2d", "infonce", [q, k, randn(g, 2, 4)], {"negative_mode": "paired"}, "negatives must have shape [3, M, 4]")
    add_error("infonce/error/paired-count", "infonce", [q, k, randn(g, 2, 2, 4)], {"negative_mode": "paired"}, "got [2, 2, 4]")
    add_error("infonce/error/negatives-dim", "infonce", [q, k, randn(g, 2, 5)], {}, "negatives must have shape [M, 4]")
    add_error("infonce/error/temperature", "infonce", [q, k], {"temperature": 0}, "temperature must be a positive number, got 0")
    add_error("infonce/error/mode", "infonce", [q, k], {"negative_mode": "pairs"}, "negative_mode must be one of")


# ---------------------------------------------------------------- ntxent

def ntxent_ref(z1, z2, tau):
    n = z1.shape[0]
    z = F.normalize(torch.cat([z1, z2]), dim=-1)
    sim = z @ z.T / tau
    sim = sim.masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))
    target = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    per = F.cross_entropy(sim, target, reduction="none")
    if NTXentLoss is not None:
        labels = torch.cat([torch.arange(n), torch.arange(n)])
        pml = NTXentLoss(temperature=tau)(torch.cat([z1, z2]), labels)
        assert torch.allclose(per.mean(), pml, rtol=1e-10), (per.mean(), pml)
    return per


def gen_ntxent():
    g = gen(606)
    for (N, D) in [(2, 3), (5, 4), (8, 16)]:
        z1, z2 = randn(g, N, D), randn(g, N, D)
        for tau in [0.1, 0.5, 1.0]:
            kw = {"temperature": tau} if tau != 0.1 else {}
            add_reductions(f"ntxent/{N}x{D}/t{tau}", "ntxent", [z1, z2], kw, ntxent_ref(z1, z2, tau))
    z1 = torch.tensor([[1.0, 0.0]])
    z2 = torch.tensor([[0.0, 1.0]])
    add_reductions("ntxent/one-pair", "ntxent", [z1, z2], {}, ntxent_ref(z1, z2, 0.1))
    add_error("ntxent/error/shape", "ntxent", [randn(g, 3, 2), randn(g, 3, 4)], {}, "z1 and z2 must have the same shape, got [3, 2] and [3, 4]")
    add_error("ntxent/error/temperature", "ntxent", [randn(g, 3, 2), randn(g, 3, 2)], {"temperature": -1}, "temperature must be a positive number, got -1")


# ---------------------------------------------------------------- mnr

def mnr_ref(a, p, neg, scale, symmetric):
    """Per-sample losses, checked against sentence-transformers' mean."""
    an, pn = F.normalize(a, dim=-1), F.normalize(p, dim=-1)
    docs = pn if neg is None else torch.cat([pn, F.normalize(neg, dim=-1)])
    fwd = F.cross_entropy(scale * an @ docs.T, torch.arange(len(a)), reduction="none")
    per = fwd
    if symmetric:
        bwd = F.cross_entropy(scale * pn @ an.T, torch.arange(len(a)), reduction="none")
        per = (fwd + bwd) / 2
    if MultipleNegativesRankingLoss is not None:
        cls = MultipleNegativesSymmetricRankingLoss if symmetric else MultipleNegativesRankingLoss
        loss = cls(model=None, scale=scale)
        cols = [a, p]
        if neg is not None:
            # sentence-transformers takes hard negatives as extra columns of N rows
            assert neg.shape[0] % len(a) == 0
            cols += list(neg.split(len(a)))
        st = loss.compute_loss_from_embeddings(cols, None)
        assert torch.allclose(per.mean(), st, rtol=1e-12), (per.mean(), st)
    return per


def gen_mnr():
    g = gen(707)
    for (N, D) in [(3, 4), (6, 5)]:
        a, p = randn(g, N, D), randn(g, N, D)
        for scale in [20.0, 1.0, 50.0]:
            for symmetric in [False, True]:
                for k in [0, 1, 2]:
                    neg = None if k == 0 else randn(g, k * N, D)
                    kw = {}
                    if scale != 20:
                        kw["scale"] = scale
                    if symmetric:
                        kw["symmetric"] = True
                    args = [a, p] if neg is None else [a, p, neg]
                    add_reductions(f"mnr/{N}x{D}/scale{scale}/sym{int(symmetric)}/neg{k}", "mnr", args, kw,
                                   mnr_ref(a, p, neg, scale, symmetric))
    # negatives need not be a multiple of N (they are extra rows)
    a, p, neg = randn(g, 4, 3), randn(g, 4, 3), randn(g, 3, 3)
    add_reductions("mnr/neg-rows3", "mnr", [a, p, neg], {},
                   F.cross_entropy(20 * F.normalize(a, dim=-1) @ torch.cat([F.normalize(p, dim=-1), F.normalize(neg, dim=-1)]).T,
                                   torch.arange(4), reduction="none"))
    add("mnr/alias", "multiple_negatives_ranking", [a, p], {}, mnr_ref(a, p, None, 20.0, False).mean())
    add_error("mnr/error/shape", "mnr", [randn(g, 3, 4), randn(g, 4, 4)], {}, "anchor and positive must have the same shape, got [3, 4] and [4, 4]")
    add_error("mnr/error/negatives", "mnr", [a, p, randn(g, 4, 5)], {}, "negatives must have shape [M, 3]")
    add_error("mnr/error/scale", "mnr", [a, p], {"scale": 0}, "scale must be a positive number, got 0")


# ---------------------------------------------------------------- ge2e

def ge2e_ref(e, method, w, b):
    """Wan et al. 2018 with explicit loops: returns per-utterance losses [N, M]."""
    N, M, D = e.shape
    e = F.normalize(e, dim=-1)
    c = e.mean(dim=1)
    L = torch.empty(N, M)
    for j in range(N):
        for i in range(M):
            S = torch.empty(N)
            for k in range(N):
                ck = torch.cat([e[j, :i], e[j, i + 1:]]).mean(dim=0) if k == j else c[k]
                S[k] = w * torch.dot(e[j, i], F.normalize(ck, dim=0)) + b
            if method == "softmax":
                L[j, i] = -S[j] + torch.logsumexp(S, dim=0)
            else:
                others = torch.cat([S[:j], S[j + 1:]])
                L[j, i] = 1 - torch.sigmoid(S[j]) + torch.sigmoid(others).max()
    return L


def gen_ge2e():
    g = gen(808)
    for (N, M, D) in [(3, 2, 4), (4, 5, 3), (2, 3, 6)]:
        e = randn(g, N, M, D)
        for method in ["softmax", "contrast"]:
            for (w, b) in [(10.0, -5.0), (3.0, 1.5)]:
                kw = {}
                if method != "softmax":
                    kw["method"] = method
                if (w, b) != (10.0, -5.0):
                    kw.update(w=w, b=b)
                per = ge2e_ref(e, method, w, b)
                add_reductions(f"ge2e/{N}x{M}x{D}/{method}/w{w}b{b}", "ge2e", [e], kw, per)
                add_reductions(f"ge2e/flat{N * M}x{D}/{method}/w{w}b{b}", "ge2e", [e.reshape(N * M, D)],
                               dict(kw, speakers=N), per.reshape(N * M))
        add(f"ge2e/{N}x{M}x{D}/speakers-matching", "ge2e", [e], {"speakers": N}, ge2e_ref(e, "softmax", 10.0, -5.0).mean())
    # one speaker (softmax: loss 0 for every utterance) and a zero centroid / zero embedding
    e = randn(g, 1, 3, 2)
    add_reductions("ge2e/one-speaker", "ge2e", [e], {}, ge2e_ref(e, "softmax", 10.0, -5.0))
    e = torch.tensor([[[1.0, 0.0], [-1.0, 0.0]], [[0.0, 0.0], [0.0, 2.0]]])
    for method in ["softmax", "contrast"]:
        kw = {} if method == "softmax" else {"method": method}
        add_reductions(f"ge2e/zero-centroid/{method}", "ge2e", [e], kw, ge2e_ref(e, method, 10.0, -5.0))
    e = randn(g, 2, 3, 4)
    add_error("ge2e/error/m1", "ge2e", [randn(g, 3, 1, 4)], {}, "needs M ≥ 2 utterances per speaker")
    add_error("ge2e/error/m1-flat", "ge2e", [randn(g, 3, 4)], {"speakers": 3}, "needs M ≥ 2 utterances per speaker")
    add_error("ge2e/error/no-speakers", "ge2e", [randn(g, 6, 4)], {}, "e of shape [6, 4] needs speakers: N")
    add_error("ge2e/error/uneven", "ge2e", [randn(g, 7, 4)], {"speakers": 2}, "e has 7 rows, which cannot be split evenly among speakers: 2")
    add_error("ge2e/error/speakers-mismatch", "ge2e", [e], {"speakers": 3}, "speakers: 3 does not match e of shape [2, 3, 4]")
    add_error("ge2e/error/speakers-zero", "ge2e", [randn(g, 6, 4)], {"speakers": 0}, "speakers must be at least 1")
    add_error("ge2e/error/speakers-fraction", "ge2e", [randn(g, 6, 4)], {"speakers": 1.5}, "speakers must be an integer")
    add_error("ge2e/error/rank", "ge2e", [randn(g, 4)], {}, "e must have shape [N, M, D]")
    add_error("ge2e/error/contrast-one-speaker", "ge2e", [randn(g, 1, 3, 2)], {"method": "contrast"}, "method \"contrast\" needs at least 2 speakers")
    add_error("ge2e/error/method", "ge2e", [e], {"method": "triplet"}, "method must be one of")


# ---------------------------------------------------------------- arcface, cosface, sphereface, center_loss

def arcface_logits(x, W, y, s, m, easy_margin):
    """insightface legacy ArcMarginProduct.forward."""
    cosine = F.linear(F.normalize(x), F.normalize(W))
    sine = torch.sqrt((1.0 - torch.pow(cosine, 2)).clamp(0, 1))
    cos_m, sin_m = math.cos(m), math.sin(m)
    th, mm = math.cos(math.pi - m), math.sin(math.pi - m) * m
    phi = cosine * cos_m - sine * sin_m
    if easy_margin:
        phi = torch.where(cosine > 0, phi, cosine)
    else:
        phi = torch.where(cosine > th, phi, cosine - mm)
    one_hot = torch.zeros_like(cosine)
    one_hot.scatter_(1, y.view(-1, 1).long(), 1)
    return s * ((one_hot * phi) + ((1.0 - one_hot) * cosine))


def arcface_ref(x, W, y, s, m, easy_margin):
    return F.cross_entropy(arcface_logits(x, W, y, s, m, easy_margin), y.long(), reduction="none")


def cosface_ref(x, W, y, s, m):
    cosine = F.linear(F.normalize(x), F.normalize(W))
    one_hot = F.one_hot(y.long(), W.shape[0]).double()
    return F.cross_entropy(s * (cosine - one_hot * m), y.long(), reduction="none")


def sphereface_ref(x, W, y, m):
    """sphereface_pytorch AngleLinear (Chebyshev cos mθ, k = ⌊mθ/π⌋) with λ = 0."""
    cheb = [lambda c: c ** 0, lambda c: c, lambda c: 2 * c ** 2 - 1, lambda c: 4 * c ** 3 - 3 * c,
            lambda c: 8 * c ** 4 - 8 * c ** 2 + 1, lambda c: 16 * c ** 5 - 20 * c ** 3 + 5 * c]
    ww = F.normalize(W, dim=1)
    xlen = x.pow(2).sum(1).pow(0.5)
    cos_theta = (F.normalize(x) @ ww.T).clamp(-1, 1)
    cos_m_theta = cheb[m](cos_theta)
    theta = cos_theta.detach().acos()
    k = (m * theta / math.pi).floor().clamp(max=m - 1)
    phi = (-1.0) ** k * cos_m_theta - 2 * k
    one_hot = F.one_hot(y.long(), W.shape[0]).double()
    logits = xlen.view(-1, 1) * torch.where(one_hot > 0, phi, cos_theta)
    return F.cross_entropy(logits, y.long(), reduction="none")


def center_ref(x, c, y):
    return 0.5 * ((x - c[y.long()]) ** 2).sum(-1)


def gen_margin_losses():
    g = gen(909)
    for (N, C, D) in [(5, 3, 4), (8, 6, 3)]:
        x, W = randn(g, N, D), randn(g, C, D)
        y = torch.randint(0, C, (N,), generator=g).double()
        for (s, m) in [(64.0, 0.5), (8.0, 0.2), (30.0, 1.2)]:
            for easy in [False, True]:
                kw = {}
                if s != 64:
                    kw["s"] = s
                if m != 0.5:
                    kw["m"] = m
                if easy:
                    kw["easy_margin"] = True
                add_reductions(f"arcface/{N}x{C}x{D}/s{s}/m{m}/easy{int(easy)}", "arcface", [x, W, y], kw,
                               arcface_ref(x, W, y, s, m, easy))
        for (s, m) in [(64.0, 0.35), (10.0, 0.1), (5.0, -0.2)]:
            kw = {}
            if s != 64:
                kw["s"] = s
            if m != 0.35:
                kw["m"] = m
            add_reductions(f"cosface/{N}x{C}x{D}/s{s}/m{m}", "cosface", [x, W, y], kw, cosface_ref(x, W, y, s, m))
        for m in [1, 2, 3, 4, 5]:
            kw = {} if m == 4 else {"m": m}
            add_reductions(f"sphereface/{N}x{C}x{D}/m{m}", "sphereface", [x, W, y], kw, sphereface_ref(x, W, y, m))
        centers = randn(g, C, D)
        add_reductions(f"center_loss/{N}x{C}x{D}", "center_loss", [x, centers, y], {}, center_ref(x, centers, y))

    # the θ_y + m > π fallback (cos θ_y ≤ cos(π − m)), cos θ = ±1 exactly, and easy_margin below 0
    W = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-0.6, 0.8]])
    x = torch.tensor([[-1.0, 0.05],   # θ_0 ≈ π − 0.05: fallback cos θ − m·sin m
                      [2.0, 0.0],     # cos θ_0 = 1 exactly
                      [-3.0, 0.0],    # cos θ_0 = −1 exactly
                      [0.0, -1.0],    # cos θ_1 = −1 exactly
                      [-0.2, 1.0],    # θ_2 small
                      [0.5, -0.4]])   # cos θ_2 < 0: easy_margin keeps cos θ
    y = torch.tensor([0.0, 0.0, 0.0, 1.0, 2.0, 2.0])
    for easy in [False, True]:
        for (s, m) in [(64.0, 0.5), (16.0, 0.9)]:
            kw = {"s": s, "m": m, "easy_margin": easy}
            per = arcface_ref(x, W, y, s, m, easy)
            assert torch.isfinite(per).all()
            add_reductions(f"arcface/edge/s{s}/m{m}/easy{int(easy)}", "arcface", [x, W, y], kw, per)
    add_reductions("cosface/edge", "cosface", [x, W, y], {}, cosface_ref(x, W, y, 64.0, 0.35))
    for m in [1, 2, 4]:
        add_reductions(f"sphereface/edge/m{m}", "sphereface", [x, W, y], {"m": m}, sphereface_ref(x, W, y, m))
    # zero feature: cos 0 everywhere, and m = 0 is the normalised softmax
    xz = torch.tensor([[0.0, 0.0], [1.0, 1.0]])
    yz = torch.tensor([1.0, 0.0])
    add_reductions("arcface/zero-feature/m0", "arcface", [xz, W, yz], {"m": 0.0, "s": 4.0}, arcface_ref(xz, W, yz, 4.0, 0.0, False))
    add_reductions("sphereface/zero-feature", "sphereface", [xz, W, yz], {}, sphereface_ref(xz, W, yz, 4))
    # one sample as a vector
    xv, yv = torch.tensor([0.3, -0.7]), 2.0
    for fn, ref, kw in [("arcface", lambda: arcface_ref(xv[None], W, torch.tensor([yv]), 10.0, 0.5, False), {"s": 10.0}),
                        ("cosface", lambda: cosface_ref(xv[None], W, torch.tensor([yv]), 10.0, 0.35), {"s": 10.0}),
                        ("sphereface", lambda: sphereface_ref(xv[None], W, torch.tensor([yv]), 4), {}),
                        ("center_loss", lambda: center_ref(xv[None], W, torch.tensor([yv])), {})]:
        add(f"{fn}/vector", fn, [xv, W, yv], dict(kw, reduction="none"), ref()[0])

    x, W = randn(g, 3, 4), randn(g, 5, 4)
    for fn in ["arcface", "cosface", "sphereface", "center_loss"]:
        add_error(f"{fn}/error/label-range", fn, [x, W, torch.tensor([0.0, 5.0, 1.0])], {},
                  "y must hold class indices in [0, 5) (" + ("centers" if fn == "center_loss" else "W") + " has 5 rows), got 5 at position 1")
        add_error(f"{fn}/error/label-negative", fn, [x, W, torch.tensor([0.0, 1.0, -1.0])], {}, "got -1 at position 2")
        add_error(f"{fn}/error/label-fraction", fn, [x, W, torch.tensor([0.5, 1.0, 1.0])], {}, "got 0.5 at position 0")
        add_error(f"{fn}/error/label-count", fn, [x, W, torch.tensor([0.0, 1.0])], {}, "y must be a vector of 3 class indices (one per row of x), got shape [2]")
        add_error(f"{fn}/error/dim", fn, [x, randn(g, 5, 3), torch.tensor([0.0, 1.0, 1.0])], {},
                  "x and " + ("centers" if fn == "center_loss" else "W") + " must have the same embedding size (last axis), got [3, 4] and [5, 3]")
        add_error(f"{fn}/error/weights-rank", fn, [x, randn(g, 4), torch.tensor([0.0, 1.0, 1.0])], {}, "must have shape [C, D]")
    add_error("arcface/error/margin", "arcface", [x, W, torch.tensor([0.0, 1.0, 1.0])], {"m": 3.5}, "m must be an angle (radians) in [0, π), got 3.5")
    add_error("arcface/error/scale", "arcface", [x, W, torch.tensor([0.0, 1.0, 1.0])], {"s": 0}, "s must be a positive number, got 0")
    add_error("sphereface/error/m", "sphereface", [x, W, torch.tensor([0.0, 1.0, 1.0])], {"m": 0}, "m must be an integer from 1 to 1000")
    add_error("sphereface/error/m-fraction", "sphereface", [x, W, torch.tensor([0.0, 1.0, 1.0])], {"m": 2.5}, "m must be an integer")


# ---------------------------------------------------------------- gradients (torch autograd)

grad_cases = []


def add_grad(name, fn, args, kwargs, f, inputs, reduction="mean", seed=0):
    """`f(**inputs)` is the loss in torch (reduced as `reduction`); `inputs` maps parameter names
    (tensors and hyperparameters) to values. The upstream gradient is 1 for "mean"/"sum" and a
    random vector for "none"; expected holds d(upstream·loss)/d(input) for every input."""
    leaves = {k: torch.as_tensor(v, dtype=torch.float64).clone().requires_grad_(True) for k, v in inputs.items()}
    out = f(**leaves)
    if reduction == "none":
        up = torch.randn(out.shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    else:
        up = torch.tensor(1.0) if seed == 0 else torch.tensor(0.5 + seed)
    (out * up).sum().backward()
    kw = dict(kwargs)
    if reduction != "mean":
        kw["reduction"] = reduction
    expected = {}
    for k, t in leaves.items():
        gval = t.grad if t.grad is not None else torch.zeros_like(t)
        assert torch.isfinite(gval).all(), (name, k, gval)
        expected[k] = arg(gval)
    grad_cases.append({"name": name, "fn": fn, "args": [arg(a) for a in args], "kwargs": {k: arg(v) for k, v in kw.items()},
                       "upstream": arg(up), "expected": expected})


def red(x, reduction):
    return x if reduction == "none" else (x.sum() if reduction == "sum" else x.mean())


def gen_gradients():
    g = gen(1001)
    for reduction, seed in [("mean", 0), ("sum", 2), ("none", 3)]:
        # triplet
        a, p, n = randn(g, 4, 3), randn(g, 4, 3), randn(g, 4, 3)
        for norm in [2, 1, 3, math.inf]:
            for swap in [False, True]:
                def f(anchor, positive, negative, margin, norm=norm, swap=swap):
                    dp = F.pairwise_distance(anchor, positive, p=norm, eps=1e-6)
                    dn = F.pairwise_distance(anchor, negative, p=norm, eps=1e-6)
                    if swap:
                        dn = torch.minimum(dn, F.pairwise_distance(positive, negative, p=norm, eps=1e-6))
                    return red(torch.clamp(margin + dp - dn, min=0), reduction)
                kw = {"norm": norm, "swap": swap, "margin": 1.5}
                add_grad(f"grad/triplet/p{norm}/swap{int(swap)}/{reduction}", "triplet", [a, p, n], kw, f,
                         {"anchor": a, "positive": p, "negative": n, "margin": 1.5}, reduction, seed)
        def f(anchor, positive, negative, margin):
            return red(triplet_squared(anchor, positive, negative, margin, True), reduction)
        add_grad(f"grad/triplet/squared/{reduction}", "triplet", [a, p, n], {"squared": True, "swap": True, "margin": 3.0}, f,
                 {"anchor": a, "positive": p, "negative": n, "margin": 3.0}, reduction, seed)
        # contrastive
        x1, x2 = randn(g, 6, 3), randn(g, 6, 3)
        y = torch.tensor([0.0, 1, 0, 1, 1, 0])
        for similar in [0, 1]:
            add_grad(f"grad/contrastive/similar{similar}/{reduction}", "contrastive", [x1, x2, y], {"margin": 2.0, "similar": similar},
                     lambda x1, x2, margin, similar=similar: red(contrastive_ref(x1, x2, y, margin, similar), reduction),
                     {"x1": x1, "x2": x2, "margin": 2.0}, reduction, seed)
        # margin_ranking, cosine_embedding
        s1, s2 = randn(g, 7), randn(g, 7)
        yr = torch.tensor([1.0, -1, 1, 1, -1, -1, 1])
        add_grad(f"grad/margin_ranking/{reduction}", "margin_ranking", [s1, s2, yr], {"margin": 0.3},
                 lambda x1, x2, margin: red(torch.clamp(-yr * (x1 - x2) + margin, min=0), reduction),
                 {"x1": s1, "x2": s2, "margin": 0.3}, reduction, seed)
        yc = torch.tensor([1.0, -1, 1, -1, -1, 1])
        add_grad(f"grad/cosine_embedding/{reduction}", "cosine_embedding", [x1, x2, yc], {"margin": -0.3},
                 lambda x1, x2: F.cosine_embedding_loss(x1, x2, yc, margin=-0.3, reduction=reduction),
                 {"x1": x1, "x2": x2}, reduction, seed)
        # infonce
        q, k = randn(g, 4, 5), randn(g, 4, 5)
        negu, negp = randn(g, 3, 5), randn(g, 4, 2, 5)
        add_grad(f"grad/infonce/none-negatives/{reduction}", "infonce", [q, k], {"temperature": 0.5},
                 lambda query, positive, temperature: info_nce(query, positive, None, temperature=temperature, reduction=reduction),
                 {"query": q, "positive": k, "temperature": 0.5}, reduction, seed)
        add_grad(f"grad/infonce/unpaired/{reduction}", "infonce", [q, k, negu], {"temperature": 0.3},
                 lambda query, positive, negatives, temperature: info_nce(query, positive, negatives, temperature=temperature, reduction=reduction),
                 {"query": q, "positive": k, "negatives": negu, "temperature": 0.3}, reduction, seed)
        add_grad(f"grad/infonce/paired/{reduction}", "infonce", [q, k, negp], {"temperature": 0.7, "negative_mode": "paired"},
                 lambda query, positive, negatives, temperature: info_nce(query, positive, negatives, temperature=temperature,
                                                                         reduction=reduction, negative_mode="paired"),
                 {"query": q, "positive": k, "negatives": negp, "temperature": 0.7}, reduction, seed)
        # ntxent
        add_grad(f"grad/ntxent/{reduction}", "ntxent", [q, k], {"temperature": 0.5},
                 lambda z1, z2, temperature: red(ntxent_ref(z1, z2, temperature), reduction),
                 {"z1": q, "z2": k, "temperature": 0.5}, reduction, seed)
        # mnr
        negm = randn(g, 4, 5)
        for symmetric in [False, True]:
            add_grad(f"grad/mnr/sym{int(symmetric)}/{reduction}", "mnr", [q, k, negm], {"scale": 4.0, "symmetric": symmetric},
                     lambda anchor, positive, negatives, scale, symmetric=symmetric: red(mnr_ref(anchor, positive, negatives, scale, symmetric), reduction),
                     {"anchor": q, "positive": k, "negatives": negm, "scale": 4.0}, reduction, seed)
            add_grad(f"grad/mnr/sym{int(symmetric)}/no-negatives/{reduction}", "mnr", [q, k], {"symmetric": symmetric},
                     lambda anchor, positive, symmetric=symmetric: red(mnr_ref(anchor, positive, None, 20.0, symmetric), reduction),
                     {"anchor": q, "positive": k}, reduction, seed)
        # ge2e
        e = randn(g, 3, 4, 3)
        for method in ["softmax", "contrast"]:
            add_grad(f"grad/ge2e/{method}/{reduction}", "ge2e", [e], {"method": method, "w": 3.0, "b": -1.0},
                     lambda e, w, b, method=method: red(ge2e_ref(e, method, w, b), reduction),
                     {"e": e, "w": 3.0, "b": -1.0}, reduction, seed)
        add_grad(f"grad/ge2e/flat/{reduction}", "ge2e", [e.reshape(12, 3)], {"speakers": 3},
                 lambda e: red(ge2e_ref(e.reshape(3, 4, 3), "softmax", 10.0, -5.0).reshape(12), reduction),
                 {"e": e.reshape(12, 3)}, reduction, seed)
        # arcface, cosface, sphereface, center_loss (cosines away from ±1)
        x, W = randn(g, 5, 3), randn(g, 4, 3)
        yl = torch.tensor([0.0, 3, 1, 1, 2])
        for (s_, m_, easy) in [(8.0, 0.5, False), (4.0, 1.3, False), (6.0, 0.5, True)]:
            add_grad(f"grad/arcface/s{s_}/m{m_}/easy{int(easy)}/{reduction}", "arcface", [x, W, yl], {"s": s_, "m": m_, "easy_margin": easy},
                     lambda x, W, s, m_=m_, easy=easy: red(arcface_ref(x, W, yl, s, m_, easy), reduction),
                     {"x": x, "W": W, "s": s_}, reduction, seed)
        add_grad(f"grad/cosface/{reduction}", "cosface", [x, W, yl], {"s": 5.0},
                 lambda x, W, s: red(cosface_ref(x, W, yl, s, 0.35), reduction), {"x": x, "W": W, "s": 5.0}, reduction, seed)
        for m_ in [1, 2, 4]:
            add_grad(f"grad/sphereface/m{m_}/{reduction}", "sphereface", [x, W, yl], {"m": m_},
                     lambda x, W, m_=m_: red(sphereface_ref(x, W, yl, m_), reduction), {"x": x, "W": W}, reduction, seed)
        cen = randn(g, 4, 3)
        add_grad(f"grad/center_loss/{reduction}", "center_loss", [x, cen, yl], {},
                 lambda x, centers: red(center_ref(x, centers, yl), reduction), {"x": x, "centers": cen}, reduction, seed)


# ---------------------------------------------------------------- examples of the registry entries

def display_number(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    if x == round(x) and abs(x) < 1e15 and len("%.0f" % x) <= 6:
        return "%.0f" % x
    s = "%.6g" % x
    mant, _, exp = s.partition("e")
    if "." in mant:
        mant = mant.rstrip("0").rstrip(".")
    s = mant + ("e" + exp if exp else "")
    return "0" if s == "-0" else s


def display(v):
    v = torch.as_tensor(v)
    if v.dim() == 0:
        return display_number(v.item())
    assert v.dim() == 1
    return "[" + ", ".join(display_number(t) for t in v.tolist()) + "]"


def examples():
    T = torch.tensor
    ex = []
    a, p, n = T([[0.0, 0], [1, 1]]), T([[0.0, 1], [1, 2]]), T([[1.0, 0.5], [1, 1.5]])
    ex.append(("triplet", "triplet([[0, 0], [1, 1]], [[0, 1], [1, 2]], [[1, 0.5], [1, 1.5]], reduction: \"none\")",
               [a, p, n], {"reduction": "none"}, F.triplet_margin_loss(a, p, n, reduction="none")))
    x1, x2, y = T([[0.0, 0], [1, 1]]), T([[0.3, 0.4], [1.2, 1]]), T([0.0, 1])
    ex.append(("contrastive", "contrastive([[0, 0], [1, 1]], [[0.3, 0.4], [1.2, 1]], [0, 1], reduction: \"none\")",
               [x1, x2, y], {"reduction": "none"}, contrastive_ref(x1, x2, y, 1.0, 0)))
    x1, x2, y = T([0.8, 0.3, 0.5]), T([0.4, 0.6, 0.5]), T([1.0, 1, -1])
    ex.append(("margin_ranking", "margin_ranking([0.8, 0.3, 0.5], [0.4, 0.6, 0.5], [1, 1, -1], margin: 0.1, reduction: \"none\")",
               [x1, x2, y], {"margin": 0.1, "reduction": "none"}, F.margin_ranking_loss(x1, x2, y, margin=0.1, reduction="none")))
    x1, x2, y = T([[1.0, 0], [1, 1]]), T([[1.0, 1], [-1, 2]]), T([1.0, -1])
    ex.append(("cosine_embedding", "cosine_embedding([[1, 0], [1, 1]], [[1, 1], [-1, 2]], [1, -1], margin: 0.2, reduction: \"none\")",
               [x1, x2, y], {"margin": 0.2, "reduction": "none"}, F.cosine_embedding_loss(x1, x2, y, margin=0.2, reduction="none")))
    q, k = T([[1.0, 0], [0, 1]]), T([[0.9, 0.1], [0.2, 0.8]])
    ex.append(("infonce", "infonce([[1, 0], [0, 1]], [[0.9, 0.1], [0.2, 0.8]])", [q, k], {}, info_nce(q, k)))
    ex.append(("ntxent", "ntxent([[1, 0], [0, 1]], [[0.9, 0.1], [0.2, 0.8]], temperature: 0.5)", [q, k],
               {"temperature": 0.5}, ntxent_ref(q, k, 0.5).mean()))
    ex.append(("mnr", "mnr([[1, 0], [0, 1]], [[0.9, 0.1], [0.2, 0.8]], scale: 5)", [q, k], {"scale": 5.0},
               mnr_ref(q, k, None, 5.0, False).mean()))
    e = T([[[1.0, 0], [0.8, 0.2]], [[0.0, 1], [0.3, 0.9]]])
    ex.append(("ge2e", "ge2e([[[1, 0], [0.8, 0.2]], [[0, 1], [0.3, 0.9]]])", [e], {}, ge2e_ref(e, "softmax", 10.0, -5.0).mean()))
    x, W, y = T([[1.0, 0.2], [-0.3, 1]]), T([[1.0, 0], [0, 1], [-1, 0]]), T([0.0, 1])
    ex.append(("arcface", "arcface([[1, 0.2], [-0.3, 1]], [[1, 0], [0, 1], [-1, 0]], [0, 1], s: 8, reduction: \"none\")",
               [x, W, y], {"s": 8.0, "reduction": "none"}, arcface_ref(x, W, y, 8.0, 0.5, False)))
    ex.append(("cosface", "cosface([[1, 0.2], [-0.3, 1]], [[1, 0], [0, 1], [-1, 0]], [0, 1], s: 8, reduction: \"none\")",
               [x, W, y], {"s": 8.0, "reduction": "none"}, cosface_ref(x, W, y, 8.0, 0.35)))
    xs = T([[2.0, 0.5], [-0.3, 1]])
    ex.append(("sphereface", "sphereface([[2, 0.5], [-0.3, 1]], [[1, 0], [0, 1], [-1, 0]], [0, 1], reduction: \"none\")",
               [xs, W, y], {"reduction": "none"}, sphereface_ref(xs, W, y, 4)))
    xc, cc = T([[1.0, 2], [0, 1]]), T([[1.0, 1], [0, 0]])
    ex.append(("center_loss", "center_loss([[1, 2], [0, 1]], [[1, 1], [0, 0]], [0, 1])", [xc, cc, y], {},
               center_ref(xc, cc, y).mean()))
    for fn, src, args, kwargs, value in ex:
        add(f"example/{fn}", fn, args, kwargs, value)
        cases[-1]["example"] = src
        cases[-1]["display"] = display(value)
        print(f"{fn}:\n  example: {src}\n  output:  {display(value)}")


def main():
    gen_triplet()
    gen_contrastive()
    gen_margin_ranking()
    gen_cosine_embedding()
    gen_infonce()
    gen_ntxent()
    gen_mnr()
    gen_ge2e()
    gen_margin_losses()
    examples()
    gen_gradients()
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), [n for n in names if names.count(n) > 1]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    write_fixture(OUT, {"cases": cases, "grad_cases": grad_cases})
    print(f"wrote {len(cases)} cases and {len(grad_cases)} gradient cases to {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
