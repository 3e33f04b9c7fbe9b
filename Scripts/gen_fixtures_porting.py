#!/usr/bin/env python3
"""Reference values for the porting table ("Coming from PyTorch / Keras / optax", docs/coming-from.md).

Each row of the table (Sources/LossLang/Porting.swift) pairs another library's call with the `loss`
expression that gives the same number. This script runs the other library's call itself, in float64,
on fixed random inputs, and writes Tests/LossLangTests/Fixtures/porting/rows.json (a folder of its own: LossFixtureTests reads every
JSON file of Fixtures/ as call cases):

    {"rows": [{"id": ROW-ID, "inputs": {NAME: VALUE, ...}, "expected": VALUE}, ...]}

PortingTests.swift binds the inputs to their names, evaluates the row's `loss` expression and compares
(1e-10 relative). Every row of the table must have at least one case here, and every case a row.

Libraries (all float64): torch 2.15 and torchvision, Keras 3.15 (KERAS_BACKEND=torch, floatx float64
and its float64 → float32 demotion lifted: Keras' own code, which clips probabilities at
epsilon() = 1e-7 whatever the float type), optax 0.2.8 on
jax with x64 enabled, sentence-transformers 6.3 (its loss modules on a stand-in model that returns the
given embeddings), pytorch-metric-learning 2.9, MONAI 1.6, segmentation-models-pytorch 0.6, scipy and
scikit-learn. Run by hand:

    pip install torch torchvision keras jax optax sentence-transformers pytorch-metric-learning \\
        monai segmentation-models-pytorch scipy scikit-learn
    KERAS_BACKEND=torch python3 Scripts/gen_fixtures_porting.py
"""
import math
import os
import warnings

os.environ.setdefault("KERAS_BACKEND", "torch")
warnings.filterwarnings("ignore")

import numpy as np
import torch
import torch.nn.functional as F

from fixture_common import encode, write_fixture

torch.set_default_dtype(torch.float64)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "LossLangTests", "Fixtures", "porting", "rows.json")
rng = np.random.default_rng(20261207)
rows = []


def add(row_id, value, **inputs):
    rows.append({"id": row_id, "inputs": {k: encode(np.asarray(v, dtype=np.float64)) if not isinstance(v, (int, float)) else encode(v)
                                          for k, v in inputs.items()},
                 "expected": encode(np.asarray(value, dtype=np.float64))})


def T(x):
    return torch.as_tensor(np.asarray(x), dtype=torch.float64)


def probs(*shape):  # in (0, 1), some near the ends
    p = rng.uniform(0.02, 0.98, size=shape)
    return p


def labels01(*shape):
    return rng.integers(0, 2, size=shape).astype(np.float64)


def classes(n, c):
    return rng.integers(0, c, size=n).astype(np.float64)


def simplex(n, c):
    x = rng.uniform(0.05, 1, size=(n, c))
    return x / x.sum(-1, keepdims=True)


N, C, D = 6, 4, 5

# ---------------------------------------------------------------- PyTorch
p, y = probs(N, 3), labels01(N, 3)
add("torch.bce", F.binary_cross_entropy(T(p), T(y)), p=p, y=y)
x, y, w = rng.normal(size=(N, 3)) * 3, labels01(N, 3), rng.uniform(0.5, 3, size=3)
add("torch.bce_logits", F.binary_cross_entropy_with_logits(T(x), T(y), pos_weight=T(w)), x=x, y=y, w=w)
x, t = rng.normal(size=(N, C)) * 2, classes(N, C)
add("torch.cross_entropy", F.cross_entropy(T(x), T(t).long()), x=x, t=t)
w = rng.uniform(0.5, 2, size=C)
add("torch.cross_entropy_options", F.cross_entropy(T(x), T(t).long(), weight=T(w), label_smoothing=0.1), x=x, t=t, w=w)
xs4, ts4 = rng.normal(size=(2, C, 3, 3)) * 2, rng.integers(0, C, size=(2, 3, 3)).astype(np.float64)
add("torch.cross_entropy_segmentation", F.cross_entropy(T(xs4), T(ts4).long()), x=xs4, t=ts4)
q = simplex(N, C)
add("torch.cross_entropy_soft", F.cross_entropy(T(x), T(q)), x=x, q=q)
logp = F.log_softmax(T(x), -1).numpy()
add("torch.nll", F.nll_loss(T(logp), T(t).long()), logp=logp, t=t)
p, q = simplex(N, C), simplex(N, C)
add("torch.kl_div", F.kl_div(T(q).log(), T(p), reduction="batchmean"), p=p, q=q)
lp, lq = np.log(p), np.log(q)
add("torch.kl_div_log_target", F.kl_div(T(lq), T(lp), reduction="batchmean", log_target=True), lp=lp, lq=lq)
pred, yy = rng.normal(size=(N, 3)) * 2, rng.normal(size=(N, 3))
add("torch.mse", F.mse_loss(T(pred), T(yy)), pred=pred, y=yy)
add("torch.l1", F.l1_loss(T(pred), T(yy)), pred=pred, y=yy)
add("torch.huber", F.huber_loss(T(pred), T(yy), delta=0.7), pred=pred, y=yy)
add("torch.smooth_l1", F.smooth_l1_loss(T(pred), T(yy), beta=0.7), pred=pred, y=yy)
counts = rng.poisson(3, size=(N, 3)).astype(np.float64)
add("torch.poisson_nll", F.poisson_nll_loss(T(pred), T(counts)), x=pred, y=counts)
var = rng.uniform(0.2, 2, size=(N, 3))
add("torch.gaussian_nll", F.gaussian_nll_loss(T(pred), T(yy), T(var)), mu=pred, y=yy, var=var)
a, b, s = rng.normal(size=N), rng.normal(size=N), np.sign(rng.normal(size=N))
add("torch.margin_ranking", F.margin_ranking_loss(T(a), T(b), T(s), margin=0.5), a=a, b=b, t=s)
A, B, Nn = rng.normal(size=(N, D)), rng.normal(size=(N, D)), rng.normal(size=(N, D))
add("torch.cosine_embedding", F.cosine_embedding_loss(T(A), T(B), T(s), margin=0.2), a=A, b=B, t=s)
add("torch.triplet", F.triplet_margin_loss(T(A), T(B), T(Nn), margin=1.0), a=A, p=B, n=Nn)
add("torch.triplet_cosine", torch.nn.TripletMarginWithDistanceLoss(
    distance_function=lambda u, v: 1 - F.cosine_similarity(u, v), margin=0.5)(T(A), T(B), T(Nn)), a=A, p=B, n=Nn)
x, t = rng.normal(size=(N, C)), classes(N, C)
add("torch.multi_margin", F.multi_margin_loss(T(x), T(t).long()), x=x, t=t)
xs, ys = rng.normal(size=(N, 3)) * 2, np.sign(rng.normal(size=(N, 3)))
add("torch.hinge_embedding", F.hinge_embedding_loss(T(xs), T(ys), margin=1.0), x=xs, y=ys)
add("torch.soft_margin", F.soft_margin_loss(T(xs), T(ys)), x=xs, y=ys)
yl = labels01(N, C)
add("torch.multilabel_soft_margin", F.multilabel_soft_margin_loss(T(x), T(yl)), x=x, y=yl)
ym = np.array([[3, 0, -1, 1], [1, 2, 3, -1], [0, -1, 2, 2], [2, 1, 0, 3], [-1, 0, 0, 0], [1, -1, -1, -1]], dtype=np.float64)
add("torch.multilabel_margin", F.multilabel_margin_loss(T(x), T(ym).long()), x=x, y=ym)
Tn, Nb, Cc = 8, 3, 5
lpc = F.log_softmax(T(rng.normal(size=(Tn, Nb, Cc))), -1).numpy()
tg = np.array([[1, 2, 2, 0], [3, 4, 0, 0], [1, 1, 3, 4]], dtype=np.float64)
il, tl = np.array([8, 7, 8.0]), np.array([3, 2, 4.0])
add("torch.ctc", F.ctc_loss(T(lpc), T(tg).long(), T(il).long(), T(tl).long()), lp=lpc, tg=tg, il=il, tl=tl)
import torchvision.ops
xf, yf = rng.normal(size=(N, 3)) * 2, labels01(N, 3)
add("torchvision.sigmoid_focal_loss",
    torchvision.ops.sigmoid_focal_loss(T(xf), T(yf), alpha=0.25, gamma=2.0, reduction="mean"), x=xf, y=yf)

# ---------------------------------------------------------------- Keras
import keras
import keras.src.backend.common.dtypes as keras_dtypes

keras.config.set_floatx("float64")
# Keras 3 demotes float64 to float32 in its dtype promotion on every backend but TensorFlow
# ("to be aligned with JAX's default"); lifted here so that Keras' own code runs in float64.
keras_dtypes.BIT64_TO_BIT32_DTYPE["float64"] = "float64"
kl_ = keras.losses


def kcall(loss, y_true, y_pred):
    return float(loss(T(y_true), T(y_pred)))


p = probs(N, 3)
p[0, 0], p[1, 1], p[2, 2] = 1e-9, 1 - 1e-9, 0.0   # inside Keras' clipping
y = labels01(N, 3)
y[0, 0], y[1, 1], y[2, 2] = 1, 0, 1
add("keras.binary_crossentropy", kcall(kl_.BinaryCrossentropy(), y, p), p=p, y=y)
add("keras.binary_crossentropy_smoothing", kcall(kl_.BinaryCrossentropy(label_smoothing=0.2), y, p), p=p, y=y)
x, y = rng.normal(size=(N, 3)) * 3, labels01(N, 3)
add("keras.binary_crossentropy_logits", kcall(kl_.BinaryCrossentropy(from_logits=True), y, x), x=x, y=y)
P = rng.uniform(0.0, 1.0, size=(N, C))
P[0, 1] = 0.0
Y = np.eye(C)[rng.integers(0, C, size=N)]
Y[0] = np.eye(C)[1]
add("keras.categorical_crossentropy", kcall(kl_.CategoricalCrossentropy(), Y, P), P=P, Y=Y)
x, t = rng.normal(size=(N, C)) * 2, classes(N, C)
add("keras.sparse_categorical_crossentropy_logits", kcall(kl_.SparseCategoricalCrossentropy(from_logits=True), t, x), x=x, t=t)
add("keras.categorical_crossentropy_logits_smoothing",
    kcall(kl_.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1), np.eye(C)[t.astype(int)], x), x=x, t=t)
pred, yy = rng.normal(size=(N, 3)) * 2, rng.normal(size=(N, 3))
add("keras.mean_squared_error", kcall(kl_.MeanSquaredError(), yy, pred), pred=pred, y=yy)
add("keras.mean_absolute_error", kcall(kl_.MeanAbsoluteError(), yy, pred), pred=pred, y=yy)
add("keras.huber", kcall(kl_.Huber(delta=0.5), yy, pred), pred=pred, y=yy)
add("keras.log_cosh", kcall(kl_.LogCosh(), yy, pred), pred=pred, y=yy)
pp, yp = rng.uniform(0, 3, size=(N, 3)), rng.uniform(0, 3, size=(N, 3))
add("keras.msle", kcall(kl_.MeanSquaredLogarithmicError(), yp, pp), pred=pp, y=yp)
yq = rng.normal(size=(N, 3)) * 2
yq[0, 0] = 0.0
add("keras.mape", kcall(kl_.MeanAbsolutePercentageError(), yq, pred), pred=pred, y=yq)
rate, counts = rng.uniform(0.1, 4, size=(N, 3)), rng.poisson(2, size=(N, 3)).astype(np.float64)
add("keras.poisson", kcall(kl_.Poisson(), counts, rate), rate=rate, y=counts)
p, q = simplex(N, C), simplex(N, C)
p[0, 0] = 0.0
add("keras.kl_divergence", kcall(kl_.KLDivergence(), p, q), p=p, q=q)
s, ypm = rng.normal(size=(N, 3)) * 2, np.sign(rng.normal(size=(N, 3)))
add("keras.hinge", kcall(kl_.Hinge(), ypm, s), s=s, y=ypm)
add("keras.squared_hinge", kcall(kl_.SquaredHinge(), ypm, s), s=s, y=ypm)
s = rng.normal(size=(N, C)) * 2
s[0] = [-1.0, -2.0, 0.5, -3.0]     # all wrong classes negative: Keras' max includes the 0 of the true class
Y = np.eye(C)[rng.integers(0, C, size=N)]
Y[0] = np.eye(C)[2]
add("keras.categorical_hinge", kcall(kl_.CategoricalHinge(), Y, s), s=s, Y=Y)
x, y = rng.normal(size=(N, 3)) * 2, labels01(N, 3)
add("keras.binary_focal_crossentropy_logits", kcall(kl_.BinaryFocalCrossentropy(gamma=2.0, from_logits=True), y, x), x=x, y=y)
p, g = probs(N, 3), labels01(N, 3)
add("keras.dice", kcall(kl_.Dice(), g, p), p=p, g=g)
add("keras.tversky", kcall(kl_.Tversky(alpha=0.3, beta=0.7), g, p), p=p, g=g)
A, B = rng.normal(size=(N, D)), rng.normal(size=(N, D))
add("keras.cosine_similarity", kcall(kl_.CosineSimilarity(), B, A), pred=A, y=B)

sw = rng.uniform(0, 2, size=N)
sw[1] = 0.0
pred, yy = rng.normal(size=(N, 3)) * 2, rng.normal(size=(N, 3))
add("keras.mean_squared_error_sample_weight", float(kl_.MeanSquaredError()(T(yy), T(pred), sample_weight=T(sw))), pred=pred, y=yy, sw=sw)
x, y = rng.normal(size=(N, 3)) * 3, labels01(N, 3)
add("keras.binary_crossentropy_logits_sample_weight",
    float(kl_.BinaryCrossentropy(from_logits=True)(T(y), T(x), sample_weight=T(sw))), x=x, y=y, sw=sw)
add("keras.binary_focal_crossentropy_smoothing",
    kcall(kl_.BinaryFocalCrossentropy(gamma=2.0, from_logits=True, label_smoothing=0.1), y, x), x=x, y=y)
x, t = rng.normal(size=(N, C)) * 2, classes(N, C)
add("keras.sparse_categorical_crossentropy_sample_weight",
    float(kl_.SparseCategoricalCrossentropy(from_logits=True)(T(t), T(x), sample_weight=T(sw))), x=x, t=t, sw=sw)
add("keras.categorical_focal_crossentropy_smoothing",
    kcall(kl_.CategoricalFocalCrossentropy(alpha=0.25, gamma=2.0, from_logits=True, label_smoothing=0.1), np.eye(C)[t.astype(int)], x),
    x=x, t=t)

# ---------------------------------------------------------------- optax (jax, float64)
import jax
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp
import optax


def O(v):
    return np.asarray(v, dtype=np.float64)


x, y = rng.normal(size=(N, 3)) * 3, labels01(N, 3)
add("optax.sigmoid_binary_cross_entropy", O(optax.losses.sigmoid_binary_cross_entropy(jnp.array(x), jnp.array(y))), x=x, y=y)
add("optax.sigmoid_focal_loss", O(optax.losses.sigmoid_focal_loss(jnp.array(x), jnp.array(y), alpha=0.25, gamma=2.0)), x=x, y=y)
x, t = rng.normal(size=(N, C)) * 2, classes(N, C)
q = simplex(N, C)
add("optax.softmax_cross_entropy", O(optax.losses.softmax_cross_entropy(jnp.array(x), jnp.array(q))), x=x, q=q)
add("optax.softmax_cross_entropy_with_integer_labels",
    O(optax.losses.softmax_cross_entropy_with_integer_labels(jnp.array(x), jnp.array(t, dtype=jnp.int32))), x=x, t=t)
add("optax.poly_loss_cross_entropy",
    O(optax.losses.poly_loss_cross_entropy(jnp.array(x), jnp.array(np.eye(C)[t.astype(int)]), epsilon=2.0)), x=x, t=t)
add("optax.multiclass_hinge_loss", O(optax.losses.multiclass_hinge_loss(jnp.array(x), jnp.array(t, dtype=jnp.int32))), s=x, t=t)
add("optax.multiclass_sparsemax_loss",
    O(optax.losses.multiclass_sparsemax_loss(jnp.array(x), jnp.array(t, dtype=jnp.int32))), s=x, t=t)
add("optax.projection_simplex", O(jax.vmap(optax.projections.projection_simplex)(jnp.array(x))), x=x)
pred, yy = rng.normal(size=(N, 3)) * 2, rng.normal(size=(N, 3))
add("optax.huber_loss", O(optax.losses.huber_loss(jnp.array(pred), jnp.array(yy), delta=0.5)), pred=pred, y=yy)
add("optax.l2_loss", O(optax.losses.l2_loss(jnp.array(pred), jnp.array(yy))), pred=pred, y=yy)
add("optax.squared_error", O(optax.losses.squared_error(jnp.array(pred), jnp.array(yy))), pred=pred, y=yy)
add("optax.log_cosh", O(optax.losses.log_cosh(jnp.array(pred), jnp.array(yy))), pred=pred, y=yy)
s, ypm = rng.normal(size=(N,)) * 2, np.sign(rng.normal(size=(N,)))
add("optax.hinge_loss", O(optax.losses.hinge_loss(jnp.array(s), jnp.array(ypm))), s=s, y=ypm)
p, q = simplex(N, C), simplex(N, C)
add("optax.kl_divergence", O(optax.losses.kl_divergence(jnp.log(jnp.array(q)), jnp.array(p))), p=p, q=q)
add("optax.kl_divergence_with_log_targets",
    O(optax.losses.kl_divergence_with_log_targets(jnp.log(jnp.array(q)), jnp.log(jnp.array(p)))), lp=np.log(p), lq=np.log(q))
add("optax.convex_kl_divergence", O(optax.losses.convex_kl_divergence(jnp.log(jnp.array(q)), jnp.array(p))), p=p, q=q)
A, B, Nn = rng.normal(size=(N, D)), rng.normal(size=(N, D)), rng.normal(size=(N, D))
add("optax.triplet_margin_loss", O(optax.losses.triplet_margin_loss(jnp.array(A), jnp.array(B), jnp.array(Nn))), a=A, p=B, n=Nn)
Z1, Z2 = rng.normal(size=(4, D)), rng.normal(size=(4, D))
add("optax.ntxent", O(optax.losses.ntxent(jnp.array(np.concatenate([Z1, Z2])), jnp.array(np.tile(np.arange(4), 2)), temperature=0.5)),
    z1=Z1, z2=Z2)
add("optax.cosine_distance", O(optax.losses.cosine_distance(jnp.array(A), jnp.array(B))), pred=A, y=B)

# ---------------------------------------------------------------- sentence-transformers
from sentence_transformers import losses as st_losses


class StandIn(torch.nn.Module):
    """Returns the given embeddings as the model's sentence embeddings."""
    def forward(self, features):
        return {"sentence_embedding": features["x"]}


def st(cls, embeddings, labels=None, **kw):
    return float(cls(StandIn(), **kw)([{"x": T(e)} for e in embeddings], None if labels is None else T(labels)))


A, B, Nn = rng.normal(size=(N, D)), rng.normal(size=(N, D)), rng.normal(size=(N, D))
sc = rng.uniform(0, 1, size=N).astype(np.float32).astype(np.float64)   # it rounds labels to float32 (labels.float())
sc[1] = sc[2]                                   # a tie
add("st.CoSENTLoss", st(st_losses.CoSENTLoss, [A, B], sc), a=A, b=B, s=sc)
add("st.MultipleNegativesRankingLoss", st(st_losses.MultipleNegativesRankingLoss, [A, B]), a=A, p=B)
add("st.MultipleNegativesRankingLoss_hard", st(st_losses.MultipleNegativesRankingLoss, [A, B, Nn]), a=A, p=B, n=Nn)
add("st.MultipleNegativesSymmetricRankingLoss", st(st_losses.MultipleNegativesSymmetricRankingLoss, [A, B]), a=A, p=B)
add("st.CosineSimilarityLoss", st(st_losses.CosineSimilarityLoss, [A, B], sc), a=A, b=B, s=sc)
lab = labels01(N)
add("st.ContrastiveLoss", st(st_losses.ContrastiveLoss, [A, B], lab), a=A, b=B, y=lab)
add("st.TripletLoss", st(st_losses.TripletLoss, [A, B, Nn]), a=A, p=B, n=Nn)

# ---------------------------------------------------------------- pytorch-metric-learning
from pytorch_metric_learning import losses as pml

Z = rng.normal(size=(8, D))
zl = np.array([0, 1, 0, 2, 1, 0, 2, 3], dtype=np.float64)   # class 3 has no positive
add("pml.SupConLoss", float(pml.SupConLoss(temperature=0.1)(T(Z), T(zl).long())), z=Z, labels=zl)
add("pml.CircleLoss", float(pml.CircleLoss(m=0.4, gamma=80)(T(Z), T(zl).long())), z=Z, labels=zl)
Z1, Z2 = rng.normal(size=(4, D)), rng.normal(size=(4, D))
add("pml.NTXentLoss", float(pml.NTXentLoss(temperature=0.5)(torch.cat([T(Z1), T(Z2)]), torch.arange(4).repeat(2))),
    z1=Z1, z2=Z2)
yl2 = np.array([0, 1, 0, 2], dtype=np.float64)
add("pml.SupConLoss_two_views", float(pml.SupConLoss(temperature=0.1)(torch.cat([T(Z1), T(Z2)]), T(np.concatenate([yl2, yl2])).long())),
    z1=Z1, z2=Z2, labels=yl2)
Xe, Wc, ye = rng.normal(size=(N, D)), rng.normal(size=(C, D)), classes(N, C)
arc = pml.ArcFaceLoss(num_classes=C, embedding_size=D, margin=28.6, scale=64)
arc.W.data = T(Wc).t().clone()
add("pml.ArcFaceLoss", float(arc(T(Xe), T(ye).long())), x=Xe, W=Wc, y=ye)
cos = pml.CosFaceLoss(num_classes=C, embedding_size=D, margin=0.35, scale=64)
cos.W.data = T(Wc).t().clone()
add("pml.CosFaceLoss", float(cos(T(Xe), T(ye).long())), x=Xe, W=Wc, y=ye)

# ---------------------------------------------------------------- MONAI, segmentation-models-pytorch
from monai.losses import DiceLoss as MonaiDice

pm, gm = probs(2, 3, 4, 4), labels01(2, 3, 4, 4)
gm[1, 2] = 0.0                                  # an empty channel
add("monai.DiceLoss", float(MonaiDice()(T(pm), T(gm))), p=pm, g=gm)
import segmentation_models_pytorch as smp

add("monai.DiceLoss_no_background", float(MonaiDice(include_background=False, squared_pred=True)(T(pm), T(gm))), p=pm, g=gm)
lab = rng.integers(0, 3, size=(2, 1, 4, 4)).astype(np.float64)
add("monai.DiceLoss_to_onehot", float(MonaiDice(to_onehot_y=True)(T(pm), T(lab))), p=pm, labels=lab)
pb, gb = probs(3, 1, 4, 4), labels01(3, 1, 4, 4)
add("smp.DiceLoss_binary", float(smp.losses.DiceLoss(mode="binary", from_logits=False)(T(pb), T(gb))), p=pb, g=gb)
add("smp.DiceLoss_binary", float(smp.losses.DiceLoss(mode="binary", from_logits=False)(T(pb), T(0 * gb))), p=pb, g=0 * gb)

# ---------------------------------------------------------------- scipy, scikit-learn
import scipy.special
import scipy.stats
import sklearn.metrics

pu, qu = rng.uniform(0.1, 2, size=C), rng.uniform(0.1, 2, size=C)   # not normalised
add("scipy.entropy", scipy.stats.entropy(pu), p=pu)
add("scipy.entropy_kl", scipy.stats.entropy(pu, qu), p=pu, q=qu)
p, q = simplex(1, C)[0], simplex(1, C)[0]
add("scipy.rel_entr", scipy.special.rel_entr(p, q).sum(), p=p, q=q)
pb, yb = probs(12), labels01(12)
pb[0], yb[0] = 0.0, 1.0
add("sklearn.log_loss", sklearn.metrics.log_loss(yb, pb), p=pb, y=yb)
yq = rng.normal(size=12)
yq[0] = 0.0
pq = rng.normal(size=12)
add("sklearn.mean_absolute_percentage_error", sklearn.metrics.mean_absolute_percentage_error(yq, pq), pred=pq, y=yq)
yq[0] = 0.5
add("sklearn.mean_absolute_percentage_error", sklearn.metrics.mean_absolute_percentage_error(yq, pq), pred=pq, y=yq)
add("sklearn.hinge_loss", sklearn.metrics.hinge_loss(np.sign(yq), pq), s=pq, y=np.sign(yq))

write_fixture(OUT, {"rows": rows})
print(f"{len(rows)} cases, {len({r['id'] for r in rows})} rows -> {os.path.relpath(OUT, ROOT)}")
