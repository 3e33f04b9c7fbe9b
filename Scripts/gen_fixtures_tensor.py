#!/usr/bin/env python3
"""Reference fixtures for the tensor built-ins of docs/reference.md §3 ("More tensor built-ins").

Writes Tests/LossLangTests/Fixtures/tensor.json in the shared fixture format that
Tests/LossLangTests/LossFixtureTests.swift runs: {"cases": [{"name", "fn", "args", "kwargs",
"expected" | "error", "rtol"?}]}, one case per line so that regenerations diff.

References are NumPy float64: np.sort / np.argsort (kind="stable"), np.cumsum, np.where, np.any,
np.all, np.median, np.quantile (method="linear"), np.unique, np.squeeze, np.expand_dims, np.tile,
np.triu, np.tril, np.trace, np.linalg.solve / inv / det / lstsq(a, b)[0], len, and accuracy as
np.mean(np.argmax(p, -1) == y) or np.mean((p > 0.5) == y). NumPy has no topk: topk is the first k
of the stable descending order, -np.sort(-x) and np.argsort(-x, kind="stable") (torch.topk gives
the same values; the order of its tied indices is unspecified, checked below for values only).
Descending sorts with nan use torch.sort(descending=True, stable=True), which puts nan first.
Error cases hold a substring of our message; nan and inf in the inputs of solve, inv and lstsq are
errors (NumPy raises LinAlgError for them). Fixed seeds; run by hand:

    python3 Scripts/gen_fixtures_tensor.py
"""
import json
import math
import os
import warnings

import sys

import numpy as np

try:
    import torch
except ImportError:  # torch only cross-checks topk values and gives descending sorts with nan
    torch = None

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_common import make_case, num  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "LossLangTests", "Fixtures", "tensor.json")

rng = np.random.default_rng(20240611)
cases = []
names = set()


def enc(x):
    """A value as a fixture ARG: numbers stay numbers, arrays of rank ≥ 1 become {shape, data}."""
    if x is None or isinstance(x, (bool, np.bool_, str)):
        return bool(x) if isinstance(x, np.bool_) else x
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 0:
        return num(a)
    return {"shape": list(a.shape), "data": [num(v) for v in a.ravel()]}


def add(name, fn, args, kwargs=None, expected=None, error=None, rtol=None, grads=None, grad_rtol=None, grad_error=None):
    assert name not in names, name
    names.add(name)
    cases.append(make_case(name, fn, args, kwargs, expected, error, rtol, grads, grad_rtol, grad_error, enc=enc))


def tgrad(f, args, wrt=(0,), check=None):
    """torch.autograd (float64) gradient of f(*args).sum() with respect to the positional arguments
    `wrt`, as {index: array}; None without torch. `check` is the NumPy value f must reproduce."""
    if torch is None:
        return None
    ts = [torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=(i in wrt)) for i, a in enumerate(args)]
    out = f(*ts)
    if check is not None:
        assert np.allclose(out.detach().numpy(), check, rtol=1e-8, atol=1e-12, equal_nan=True), (f, args)
    out.sum().backward()
    return {i: ts[i].grad.numpy() for i in wrt}


def ints(shape, lo=0, hi=4):
    """Small integers (as floats): many ties."""
    return rng.integers(lo, hi, size=shape).astype(np.float64)


def normal(shape, scale=1.0):
    return np.round(rng.normal(size=shape) * scale, 6)


# --- sort, argsort -------------------------------------------------------------------------
def desc_argsort(x, axis):
    return np.argsort(-x, axis=axis, kind="stable")


sort_inputs = {
    "vec-ties": np.array([3., 1., 2., 3., 1., 0., 2.]),
    "mat": ints((3, 4)),
    "mat-normal": normal((4, 5)),
    "cube": ints((2, 3, 4)),
    "neg-zero": np.array([0., -0., 1., -1.]),
}
for key, x in sort_inputs.items():
    axes = [None] if x.ndim == 1 else list(range(-x.ndim, x.ndim))
    for axis in axes:
        kw = {} if axis is None else {"axis": axis}
        ax = -1 if axis is None else axis
        tag = f"{key}/axis{'-default' if axis is None else axis}"
        sv = np.sort(x, axis=ax, kind="stable")
        add(f"sort/{tag}", "sort", [x], kw, sv,
            grads=tgrad(lambda t: torch.sort(t, dim=ax, stable=True).values, [x], check=sv))
        add(f"argsort/{tag}", "argsort", [x], kw, np.argsort(x, axis=ax, kind="stable"))
        sd = -np.sort(-x, axis=ax, kind="stable")
        add(f"sort/{tag}/desc", "sort", [x], {**kw, "descending": True}, sd,
            grads=tgrad(lambda t: torch.sort(t, dim=ax, descending=True, stable=True).values, [x], check=sd))
        add(f"argsort/{tag}/desc", "argsort", [x], {**kw, "descending": True}, desc_argsort(x, ax))
nanvec = np.array([2., np.nan, -1., 5., np.nan, 0.])
add("sort/nan", "sort", [nanvec], {}, np.sort(nanvec, kind="stable"))
add("argsort/nan", "argsort", [nanvec], {}, np.argsort(nanvec, kind="stable"))
if torch is not None:
    s = torch.sort(torch.tensor(nanvec), descending=True, stable=True)
    add("sort/nan/desc", "sort", [nanvec], {"descending": True}, s.values.numpy())
    add("argsort/nan/desc", "argsort", [nanvec], {"descending": True}, s.indices.numpy())
add("sort/empty", "sort", [np.zeros(0)], {}, np.zeros(0))
add("argsort/empty", "argsort", [np.zeros(0)], {}, np.zeros(0))
add("sort/empty-rows", "sort", [np.zeros((2, 0))], {}, np.zeros((2, 0)))
add("sort/scalar", "sort", [2.5], {}, 2.5)
add("sort/axis-out-of-range", "sort", [ints((2, 3))], {"axis": 2}, error="axis 2 is out of range")
add("argsort/axis-out-of-range", "argsort", [ints((2, 3))], {"axis": -3}, error="axis -3 is out of range")

# --- topk, argtopk -------------------------------------------------------------------------
topk_inputs = {"vec-ties": np.array([1., 3., 3., 2., 3., 1.]), "mat": ints((3, 5)), "cube": normal((2, 3, 4))}
for key, x in topk_inputs.items():
    for axis in ([-1] if x.ndim == 1 else [-1, 0, 1]):
        n = x.shape[axis]
        for k in sorted({0, 1, 2, n}):
            idx = np.take(desc_argsort(x, axis), np.arange(k), axis=axis)
            vals = np.take_along_axis(x, idx, axis=axis)
            if torch is not None:
                tv = torch.topk(torch.tensor(x), k, dim=axis).values.numpy()
                assert np.array_equal(tv, vals), (key, axis, k)
            tie_free = key == "cube" or k in (0, n)
            g = tgrad(lambda t, kk: torch.topk(t, int(kk), dim=axis).values, [x, k], check=vals) if tie_free else None
            add(f"topk/{key}/axis{axis}/k{k}", "topk", [x, k], {"axis": axis}, vals, grads=g)
            add(f"argtopk/{key}/axis{axis}/k{k}", "argtopk", [x, k], {"axis": axis}, idx)
# long lanes with few values taken (k·16 < n: the bounded-heap selection), with many ties
for key, x, axis in (("long-ties", ints(50, 0, 5), -1), ("long-mat", ints((40, 3), 0, 4), 0), ("long-normal", normal((2, 70)), 1)):
    for k in (1, 2, 3):
        idx = np.take(desc_argsort(x, axis), np.arange(k), axis=axis)
        vals = np.take_along_axis(x, idx, axis=axis)
        g = tgrad(lambda t, kk: torch.topk(t, int(kk), dim=axis).values, [x, k], check=vals) if key == "long-normal" else None
        add(f"topk/{key}/k{k}", "topk", [x, k], {"axis": axis}, vals, grads=g)
        add(f"argtopk/{key}/k{k}", "argtopk", [x, k], {"axis": axis}, idx)
if torch is not None:
    xn = np.array([1., np.nan, 3., 2., np.nan] + [0.] * 40)
    tk = torch.topk(torch.tensor(xn), 3)  # nan counts as the largest value
    add("topk/nan", "topk", [xn, 3], {}, tk.values.numpy())
    add("argtopk/nan", "argtopk", [xn, 3], {}, tk.indices.numpy())
add("topk/k-too-large", "topk", [np.array([1., 2., 3.]), 4], {}, error="k must be between 0 and 3")
add("topk/k-negative", "topk", [np.array([1., 2., 3.]), -1], {}, error="k must be between 0 and 3")
add("argtopk/k-fraction", "argtopk", [np.array([1., 2., 3.]), 1.5], {}, error="must be an integer")
add("topk/empty", "topk", [np.zeros(0), 0], {}, np.zeros(0))
add("topk/scalar", "topk", [5.0, 1], {}, 5.0)
add("topk/scalar-k0", "topk", [5.0, 0], {}, np.zeros(0))  # no values (torch.topk returns the number itself)
add("argtopk/scalar", "argtopk", [5.0, 1], {}, 0.0)

# --- cumsum --------------------------------------------------------------------------------
for key, x in {"vec": normal(7, 10), "mat": normal((3, 4)), "cube": normal((2, 3, 4), 100)}.items():
    add(f"cumsum/{key}/flat", "cumsum", [x], {}, np.cumsum(x),
        grads=tgrad(lambda t: torch.cumsum(t.flatten(), 0), [x], check=np.cumsum(x)))
    for axis in range(-x.ndim, x.ndim):
        add(f"cumsum/{key}/axis{axis}", "cumsum", [x], {"axis": axis}, np.cumsum(x, axis=axis),
            grads=tgrad(lambda t: torch.cumsum(t, axis), [x], check=np.cumsum(x, axis=axis)))
add("cumsum/scalar", "cumsum", [4.0], {}, np.cumsum(4.0))
add("cumsum/empty", "cumsum", [np.zeros((0, 3))], {"axis": 0}, np.cumsum(np.zeros((0, 3)), axis=0))
add("cumsum/empty-flat", "cumsum", [np.zeros((0, 3))], {}, np.cumsum(np.zeros((0, 3))))
add("cumsum/axis-out-of-range", "cumsum", [np.zeros((2, 3))], {"axis": 2}, error="axis 2 is out of range")

# --- where ---------------------------------------------------------------------------------
c = ints((3, 4), 0, 2)
a, b = normal((3, 4)), normal((3, 4))
tw = lambda cc, aa, bb: torch.where(cc != 0, aa, bb)
add("where/same-shape", "where", [c, a, b], {}, np.where(c != 0, a, b), grads=tgrad(tw, [c, a, b], (1, 2)))
c2, a2 = ints((3, 1), 0, 2), normal((1, 4))
add("where/broadcast", "where", [c2, a2, -1.0], {}, np.where(c2 != 0, a2, -1.0), grads=tgrad(tw, [c2, a2, -1.0], (1, 2)))
c3, a3, b3 = np.array([1., 0., 1., 0.]), normal((3, 4)), normal((3, 1))
add("where/broadcast-cond", "where", [c3, a3, b3], {}, np.where(c3 != 0, a3, b3), grads=tgrad(tw, [c3, a3, b3], (1, 2)))
c4 = np.array([np.nan, 0., 2., -0.5])
add("where/nan-is-true", "where", [c4, 1.0, 0.0], {}, np.where(c4 != 0, 1.0, 0.0))
add("where/scalars", "where", [0.0, 1.0, 2.0], {}, 2.0)
add("where/mismatch", "where", [np.ones(3), np.ones(4), 0.0], {}, error="cannot be broadcast together")

# --- any, all ------------------------------------------------------------------------------
m = np.array([[0., 0., 1.], [0., 0., 0.], [2., np.nan, 3.]])
for fn, f in (("any", np.any), ("all", np.all)):
    add(f"{fn}/full", fn, [m], {}, bool(f(m)))
    add(f"{fn}/ones", fn, [np.ones((2, 2))], {}, bool(f(np.ones((2, 2)))))
    add(f"{fn}/zeros", fn, [np.zeros(3)], {}, bool(f(np.zeros(3))))
    add(f"{fn}/nan", fn, [np.array([np.nan])], {}, bool(f(np.array([np.nan]))))
    add(f"{fn}/empty", fn, [np.zeros(0)], {}, bool(f(np.zeros(0))))
    add(f"{fn}/scalar", fn, [0.0], {}, bool(f(0.0)))
    for axis in (0, 1, -1):
        add(f"{fn}/axis{axis}", fn, [m], {"axis": axis}, f(m, axis=axis).astype(float))
    add(f"{fn}/keepdims", fn, [m], {"axis": 0, "keepdims": True}, f(m, axis=0, keepdims=True).astype(float))
    add(f"{fn}/empty-axis", fn, [np.zeros((0, 2))], {"axis": 0}, f(np.zeros((0, 2)), axis=0).astype(float))
    add(f"{fn}/axis-out-of-range", fn, [m], {"axis": 3}, error="axis 3 is out of range")

# --- median, quantile ----------------------------------------------------------------------
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    med_inputs = {"odd": normal(7), "even-ties": np.array([3., 1., 4., 1., 5., 9., 2., 6.]),
                  "mat": normal((4, 5)), "cube": ints((2, 3, 4), 0, 10)}
    # torch.median takes the lower middle value; torch.quantile(x, 0.5) is NumPy's median, and its
    # gradient splits between the two middle values (given where the values are tie-free)
    tmed = lambda t, axis=None, keepdim=False: (torch.quantile(t.flatten(), 0.5) if axis is None
                                                 else torch.quantile(t, 0.5, dim=axis, keepdim=keepdim))
    for key, x in med_inputs.items():
        tie_free = key in ("odd", "mat")
        g = lambda f, v: tgrad(f, [x], check=v) if tie_free else None
        v = np.median(x)
        add(f"median/{key}/all", "median", [x], {}, v, grads=g(tmed, v))
        for axis in range(-x.ndim, x.ndim):
            v = np.median(x, axis=axis)
            add(f"median/{key}/axis{axis}", "median", [x], {"axis": axis}, v, grads=g(lambda t: tmed(t, axis), v))
        v = np.median(x, axis=0, keepdims=True)
        add(f"median/{key}/keepdims", "median", [x], {"axis": 0, "keepdims": True}, v,
            grads=g(lambda t: tmed(t, 0, True), v))
    mn = np.array([[1., np.nan, 3.], [4., 5., 6.]])
    add("median/nan", "median", [mn], {}, np.median(mn))
    add("median/nan-axis", "median", [mn], {"axis": 1}, np.median(mn, axis=1))
    add("median/empty", "median", [np.zeros(0)], {}, np.median(np.zeros(0)))
    add("median/empty-axis", "median", [np.zeros((0, 3))], {"axis": 0}, np.median(np.zeros((0, 3)), axis=0))
    add("median/scalar", "median", [7.0], {}, np.median(7.0))
    add("median/inf", "median", [np.array([1., np.inf])], {}, np.median(np.array([1., np.inf])))

    # torch.quantile (interpolation "linear") has NumPy's values; its gradient for x is the reference
    tq = lambda t, q, axis=None, keepdim=False: (torch.quantile(t.flatten(), q) if axis is None
                                                  else torch.quantile(t, q, dim=axis, keepdim=keepdim))
    for key, x in {"vec": normal(9), "small": np.array([1., 2., 3., 4.]), "mat": normal((5, 6)),
                   "cube": normal((3, 4, 2))}.items():
        for q in (0.0, 0.1, 0.25, 0.5, 0.75, 1.0, 1 / 3):
            v = np.quantile(x, q)
            add(f"quantile/{key}/q{q:.4f}", "quantile", [x, q], {}, v, grads=tgrad(tq, [x, q], check=v))
        qv = np.array([0.0, 0.2, 0.5, 0.9, 1.0])
        v = np.quantile(x, qv)
        add(f"quantile/{key}/qvec", "quantile", [x, qv], {}, v, grads=tgrad(tq, [x, qv], check=v))
        for axis in range(-x.ndim, x.ndim):
            v = np.quantile(x, 0.3, axis=axis)
            add(f"quantile/{key}/axis{axis}", "quantile", [x, 0.3], {"axis": axis}, v,
                grads=tgrad(lambda t, q: tq(t, q, axis), [x, 0.3], check=v))
            v = np.quantile(x, qv, axis=axis)
            add(f"quantile/{key}/axis{axis}/qvec", "quantile", [x, qv], {"axis": axis}, v,
                grads=tgrad(lambda t, q: tq(t, q, axis), [x, qv], check=v))
        v = np.quantile(x, qv, axis=0, keepdims=True)
        add(f"quantile/{key}/keepdims", "quantile", [x, qv], {"axis": 0, "keepdims": True}, v,
            grads=tgrad(lambda t, q: tq(t, q, 0, True), [x, qv], check=v))
    qm = np.array([[0.1, 0.9], [0.5, 0.25]])
    xq = normal(6)
    add("quantile/qmatrix", "quantile", [xq, qm], {}, np.quantile(xq, qm))
    for q in (0.25, 0.5, 1.0):
        add(f"quantile/inf/q{q}", "quantile", [np.array([1., np.inf]), q], {}, np.quantile(np.array([1., np.inf]), q))
    add("quantile/nan", "quantile", [np.array([1., np.nan, 3.]), 0.5], {}, np.quantile(np.array([1., np.nan, 3.]), 0.5))
    add("quantile/nan-axis", "quantile", [mn, np.array([0.2, 0.8])], {"axis": 1}, np.quantile(mn, [0.2, 0.8], axis=1))
    add("quantile/scalar", "quantile", [3.0, 0.7], {}, np.quantile(3.0, 0.7))
add("quantile/q-above-1", "quantile", [np.array([1., 2.]), 1.5], {}, error="q must be in [0, 1], got 1.5")
add("quantile/q-negative", "quantile", [np.array([1., 2.]), np.array([0.5, -0.1])], {}, error="q must be in [0, 1], got -0.1")
add("quantile/q-nan", "quantile", [np.array([1., 2.]), "nan"], {}, error="q must be in [0, 1], got nan")
add("quantile/empty", "quantile", [np.zeros(0), 0.5], {}, error="cannot take a quantile of an empty tensor")

# --- unique --------------------------------------------------------------------------------
for key, x in {"vec": np.array([3., 1., 3., 2., 1.]), "mat": ints((4, 5), -2, 3),
               "nan": np.array([2., np.nan, 1., np.nan, 2.]), "normal": normal(6), "empty": np.zeros(0),
               "single": np.array([5.])}.items():
    add(f"unique/{key}", "unique", [x], {}, np.unique(x))
add("unique/scalar", "unique", [4.0], {}, np.unique(4.0))

# --- squeeze, unsqueeze, tile --------------------------------------------------------------
x = normal((1, 3, 1, 2))
add("squeeze/all", "squeeze", [x], {}, np.squeeze(x), grads=tgrad(torch.squeeze, [x]) if torch else None)
add("squeeze/axis0", "squeeze", [x], {"axis": 0}, np.squeeze(x, axis=0))
add("squeeze/axis-2", "squeeze", [x], {"axis": -2}, np.squeeze(x, axis=-2))
add("squeeze/axes", "squeeze", [x], {"axis": np.array([0, 2])}, np.squeeze(x, axis=(0, 2)),
    grads=tgrad(lambda t: torch.squeeze(t, (0, 2)), [x]))
add("squeeze/to-scalar", "squeeze", [np.array([[2.5]])], {}, np.squeeze(np.array([[2.5]])))
x2 = normal((2, 3))
add("squeeze/nothing", "squeeze", [x2], {}, np.squeeze(x2))
add("squeeze/not-one", "squeeze", [x], {"axis": 1}, error="axis 1 has length 3, not 1")
add("squeeze/out-of-range", "squeeze", [x], {"axis": 4}, error="axis 4 is out of range")
y = normal((2, 3))
for axis in (0, 1, 2, -1, -2, -3):
    add(f"unsqueeze/axis{axis}", "unsqueeze", [y, axis], {}, np.expand_dims(y, axis),
        grads=tgrad(lambda t: torch.unsqueeze(t, axis), [y], check=np.expand_dims(y, axis)))
add("unsqueeze/scalar", "unsqueeze", [1.5, 0], {}, np.expand_dims(1.5, 0))
add("unsqueeze/out-of-range", "unsqueeze", [y, 3], {}, error="axis 3 is out of range")
add("unsqueeze/out-of-range-neg", "unsqueeze", [y, -4], {}, error="axis -4 is out of range")
t = normal((2, 3))
for key, reps in {"number": 2, "vec1": [3], "vec2": [2, 2], "vec3": [2, 1, 2], "zero": [0, 2], "ones": [1, 1]}.items():
    add(f"tile/{key}", "tile", [t, np.array(reps, dtype=float)], {}, np.tile(t, reps),
        grads=tgrad(lambda tt: torch.tile(tt, tuple(np.atleast_1d(reps))), [t], check=np.tile(t, reps)))
add("tile/vector", "tile", [np.array([1., 2.]), 3], {}, np.tile(np.array([1., 2.]), 3))
add("tile/scalar", "tile", [1.5, np.array([2., 3.])], {}, np.tile(1.5, (2, 3)))
add("tile/negative", "tile", [t, -1], {}, error="reps must be ≥ 0")

# --- triu, tril, trace ---------------------------------------------------------------------
for key, x in {"square": normal((4, 4)), "wide": normal((3, 5)), "tall": normal((5, 2)), "batch": normal((2, 3, 3))}.items():
    for k in (0, 1, -1, 2, -3):
        add(f"triu/{key}/k{k}", "triu", [x], {"k": k}, np.triu(x, k),
            grads=tgrad(lambda t: torch.triu(t, k), [x], check=np.triu(x, k)))
        add(f"tril/{key}/k{k}", "tril", [x], {"k": k}, np.tril(x, k),
            grads=tgrad(lambda t: torch.tril(t, k), [x], check=np.tril(x, k)))
add("triu/vector", "triu", [np.array([1., 2.])], {}, error="expects a matrix")
add("tril/scalar", "tril", [1.0], {}, error="expects a matrix")
for key, x in {"square": normal((4, 4)), "wide": normal((2, 5)), "tall": normal((5, 3)), "empty": np.zeros((0, 3))}.items():
    add(f"trace/{key}", "trace", [x], {}, np.trace(x), grads=tgrad(torch.trace, [x], check=np.trace(x)) if torch else None)
add("trace/vector", "trace", [np.array([1., 2.])], {}, error="expects a matrix")
add("trace/cube", "trace", [np.zeros((2, 2, 2))], {}, error="expects a matrix")

# --- solve, inv, det, lstsq ----------------------------------------------------------------
def well_conditioned(n):
    return np.round(rng.normal(size=(n, n)) + n * np.eye(n) * 0.5, 6)


LG = 1e-8  # gradient tolerance of the linear-algebra cases (condition numbers up to ~10)


def tsolve(a, b):
    return torch.linalg.solve(a, b)


def tlstsq(a, b):
    if b.dim() == 1:
        return torch.linalg.lstsq(a, b[:, None]).solution[:, 0]
    return torch.linalg.lstsq(a, b).solution


def cofactors(a):
    """adj(a)ᵀ from the minors (NumPy): the gradient of det, also where a is singular. torch's det
    backward gives 0 at a singular matrix of rank n − 1, where the true gradient is not 0."""
    n = a.shape[0]
    c = np.zeros_like(a)
    for i in range(n):
        for j in range(n):
            c[i, j] = (-1) ** (i + j) * np.linalg.det(np.delete(np.delete(a, i, 0), j, 1))
    return c


for n in (1, 2, 3, 5):
    a = well_conditioned(n)
    bv, bm = normal(n), normal((n, 2))
    for key, b in (("vector", bv), ("matrix", bm)):
        v = np.linalg.solve(a, b)
        add(f"solve/n{n}/{key}", "solve", [a, b], {}, v, rtol=1e-9, grads=tgrad(tsolve, [a, b], (0, 1), check=v), grad_rtol=LG)
    v = np.linalg.inv(a)
    add(f"inv/n{n}", "inv", [a], {}, v, rtol=1e-9, grads=tgrad(torch.linalg.inv, [a], check=v) if torch else None, grad_rtol=LG)
    v = np.linalg.det(a)
    add(f"det/n{n}", "det", [a], {}, v, rtol=1e-9, grads=tgrad(torch.linalg.det, [a], check=v) if torch else None, grad_rtol=LG)
pivot = np.array([[0., 2., 1.], [1., 1., 0.], [3., 0., 1.]])  # needs row swaps
pb = np.array([1., 2., 3.])
v = np.linalg.solve(pivot, pb)
add("solve/pivoting", "solve", [pivot, pb], {}, v, rtol=1e-9, grads=tgrad(tsolve, [pivot, pb], (0, 1), check=v), grad_rtol=LG)
add("inv/pivoting", "inv", [pivot], {}, np.linalg.inv(pivot), rtol=1e-9,
    grads=tgrad(torch.linalg.inv, [pivot]) if torch else None, grad_rtol=LG)
add("det/pivoting", "det", [pivot], {}, np.linalg.det(pivot), rtol=1e-9, grads={0: cofactors(pivot)}, grad_rtol=LG)
perm = np.array([[0., 1.], [1., 0.]])
add("det/permutation", "det", [perm], {}, np.linalg.det(perm), grads={0: cofactors(perm)})
ab = np.round(rng.normal(size=(2, 3, 3)) + 2 * np.eye(3), 6)
add("inv/batch", "inv", [ab], {}, np.linalg.inv(ab), rtol=1e-9,
    grads=tgrad(torch.linalg.inv, [ab]) if torch else None, grad_rtol=LG)
add("det/batch", "det", [ab], {}, np.linalg.det(ab), rtol=1e-9,
    grads=tgrad(torch.linalg.det, [ab]) if torch else None, grad_rtol=LG)
add("det/empty", "det", [np.zeros((0, 0))], {}, np.linalg.det(np.zeros((0, 0))))
add("solve/empty", "solve", [np.zeros((0, 0)), np.zeros(0)], {}, np.linalg.solve(np.zeros((0, 0)), np.zeros(0)))
sing = np.array([[1., 2.], [2., 4.]])
add("det/singular", "det", [sing], {}, np.linalg.det(sing), grads={0: cofactors(sing)})
sing3 = np.array([[1., 2., 3.], [4., 5., 6.], [7., 8., 9.]])  # rank 2: LU leaves a pivot of about 1e-16
add("det/singular-rank2", "det", [sing3], {}, np.linalg.det(sing3), grads={0: cofactors(sing3)}, grad_rtol=1e-6)
add("det/singular3", "det", [np.zeros((3, 3))], {}, np.linalg.det(np.zeros((3, 3))), grads={0: np.zeros((3, 3))})
add("solve/singular", "solve", [sing, np.array([1., 1.])], {}, error="solve: the matrix is singular")
add("solve/singular-zero", "solve", [np.zeros((3, 3)), np.ones((3, 2))], {}, error="solve: the matrix is singular")
add("inv/singular", "inv", [sing], {}, error="inv: the matrix is singular")
add("inv/singular-batch", "inv", [np.stack([np.eye(2), sing])], {}, error="inv: the matrix is singular")
add("solve/b-mismatch", "solve", [np.eye(3), np.ones(4)], {}, error="b must be a vector of length 3 or a matrix with 3 rows")
add("solve/not-square", "solve", [np.ones((2, 3)), np.ones(2)], {}, error="a must be a square matrix, got shape [2, 3]")
add("solve/batch", "solve", [np.ones((2, 2, 2)), np.ones(2)], {}, error="batches of matrices (rank > 2) are not supported")
add("inv/not-square", "inv", [np.ones((2, 3))], {}, error="a must be a square matrix")
add("inv/vector", "inv", [np.ones(3)], {}, error="a must be a square matrix, got shape [3]")
add("det/not-square", "det", [np.ones((3, 2))], {}, error="a must be a square matrix")

for key, (m_, n_) in {"tall": (6, 3), "square": (4, 4), "wide": (2, 5)}.items():
    a = normal((m_, n_))
    bv, bm = normal(m_), normal((m_, 3))
    for kind, b in (("vector", bv), ("matrix", bm)):
        v = np.linalg.lstsq(a, b)[0]
        add(f"lstsq/{key}/{kind}", "lstsq", [a, b], {}, v, rtol=1e-8,
            grads=tgrad(tlstsq, [a, b], (0, 1), check=v), grad_rtol=LG)
rd = np.array([[1., 2., 3.], [2., 4., 6.], [1., 0., 1.], [0., 1., 1.]])  # rank 2 (column 3 = 1 + 2)
bd = np.array([1., 2., 3., 4.])
add("lstsq/rank-deficient", "lstsq", [rd, bd], {}, np.linalg.lstsq(rd, bd)[0], rtol=1e-8,
    grad_error={0: "the gradient needs a matrix of full rank"})
X = np.array([[0., 1.], [1., 1.], [2., 1.], [3., 1.]])
add("lstsq/line-fit", "lstsq", [X, np.array([-1., 0.2, 0.9, 2.1])], {}, np.linalg.lstsq(X, np.array([-1., 0.2, 0.9, 2.1]))[0], rtol=1e-9)
add("lstsq/empty-rows", "lstsq", [np.zeros((0, 2)), np.zeros(0)], {}, np.linalg.lstsq(np.zeros((0, 2)), np.zeros(0))[0])
add("lstsq/b-mismatch", "lstsq", [np.ones((3, 2)), np.ones(4)], {}, error="b must be a vector of length 3 or a matrix with 3 rows")
add("lstsq/nan", "lstsq", [np.array([[np.nan, 1.], [1., 1.], [2., 2.]]), np.ones(3)], {}, error="a must hold finite numbers, got nan at flat index 0")
add("lstsq/inf-b", "lstsq", [np.ones((3, 2)), np.array([1., np.inf, 2.])], {}, error="b must hold finite numbers, got inf at flat index 1")
add("solve/nan", "solve", [np.array([[1., 1.], [np.nan, 1.]]), np.ones(2)], {}, error="a must hold finite numbers, got nan at flat index 2")
add("inv/inf", "inv", [np.array([[1., -np.inf], [1., 1.]])], {}, error="a must hold finite numbers, got -inf at flat index 1")
# a nan gives nan, as torch.linalg.det does; NumPy returns 0 when the nan is the first pivot candidate
# (its slogdet reads the nan pivot as a zero sign) and nan elsewhere
add("det/nan", "det", [np.array([[np.nan, 1.], [1., 1.]])], {}, np.nan)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    nanm = np.array([[1., 1.], [np.nan, 1.]])
    add("det/nan-second-row", "det", [nanm], {}, np.linalg.det(nanm))
add("lstsq/vector-a", "lstsq", [np.ones(3), np.ones(3)], {}, error="a must be a matrix, got shape [3]")

# --- len, accuracy -------------------------------------------------------------------------
add("len/vector", "len", [np.zeros(5)], {}, len(np.zeros(5)))
add("len/matrix", "len", [np.zeros((3, 7))], {}, len(np.zeros((3, 7))))
add("len/empty", "len", [np.zeros((0, 2))], {}, len(np.zeros((0, 2))))
add("len/string", "len", ["γ-loss"], {}, len("γ-loss"))
add("len/number", "len", [3.0], {}, error="a number has no length")
add("len/bool", "len", [True], {}, error="a number has no length")
add("len/none", "len", [None], {}, error="x must be a tensor, list or string, got none")

p = rng.random((8, 4))
y = rng.integers(0, 4, size=8).astype(float)
add("accuracy/classes", "accuracy", [p, y], {}, np.mean(np.argmax(p, -1) == y))
pt = np.array([[0.5, 0.5, 0.0], [0.2, 0.4, 0.4], [0.1, 0.1, 0.8]])  # ties go to the first class
yt = np.array([1., 1., 2.])
add("accuracy/ties", "accuracy", [pt, yt], {}, np.mean(np.argmax(pt, -1) == yt))
p3, y3 = rng.random((2, 3, 5)), rng.integers(0, 5, size=(2, 3)).astype(float)
add("accuracy/classes-batch", "accuracy", [p3, y3], {}, np.mean(np.argmax(p3, -1) == y3))
pb, yb = np.array([0.9, 0.5, 0.51, 0.2, 0.7]), np.array([1., 0., 1., 1., 0.])
add("accuracy/binary", "accuracy", [pb, yb], {}, np.mean((pb > 0.5) == yb))
pb2, yb2 = rng.random((3, 4)), rng.integers(0, 2, size=(3, 4)).astype(float)
add("accuracy/binary-matrix", "accuracy", [pb2, yb2], {}, np.mean((pb2 > 0.5) == yb2))
add("accuracy/single", "accuracy", [np.array([0.1, 0.7, 0.2]), 1.0], {}, 1.0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    add("accuracy/empty", "accuracy", [np.zeros((0, 3)), np.zeros(0)], {}, np.mean(np.argmax(np.zeros((0, 3)), -1) == np.zeros(0)))
add("accuracy/shape-mismatch", "accuracy", [np.ones((4, 3)), np.ones(5)], {}, error="got [4, 3] and [5]")
add("accuracy/label-out-of-range", "accuracy", [np.ones((2, 3)), np.array([0., 3.])], {}, error="y must hold class indices in 0..<3")
add("accuracy/label-not-binary", "accuracy", [np.ones(2) * 0.3, np.array([0., 2.])], {}, error="y must hold 0/1 labels")

with open(OUT, "w") as f:
    f.write('{"cases": [\n')
    f.write(",\n".join(json.dumps(c, ensure_ascii=False) for c in cases))
    f.write("\n]}\n")
print(f"wrote {len(cases)} cases to {os.path.relpath(OUT, ROOT)}")
