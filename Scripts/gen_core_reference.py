#!/usr/bin/env python3
"""Reference outputs for the core built-ins (math, reductions, tensor ops, activations).

Run by hand:  python3 Scripts/gen_core_reference.py [--examples | --values]

--examples (default) prints, for every registry entry in Sources/LossLang/Builtins/{Math,Reductions,
TensorOps,Activations}.swift, its `example:` and the exact `output:` text, computed with NumPy/torch
(float64) and formatted by a port of Sources/LossLang/Display.swift (6 significant digits).
--values prints the reference numbers hard-coded in Tests/LossCoreTests/CoreOpsTests.swift with the
NumPy/torch expression that produced each.
"""
import math
import sys

import mpmath
import numpy as np
import torch
import torch.nn.functional as F

T = lambda *a: torch.tensor(a[0] if len(a) == 1 else list(a), dtype=torch.float64)


# ---- port of Display.number / Display.tensor -------------------------------------------------
def number(x, p=6):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "-inf" if x < 0 else "inf"
    if x == 0:
        return "0"
    if x == round(x) and abs(x) < 1e15:
        s = "%.0f" % x
        if len(s) <= p:
            return s
    s = "%.*g" % (p, x)
    e = s.find("e")
    mant, exp = (s, "") if e < 0 else (s[:e], s[e:])
    if "." in mant:
        mant = mant.rstrip("0").rstrip(".")
    s = mant + exp
    return "0" if s == "-0" else s


def display(v):
    a = np.asarray(v, dtype=np.float64)
    if a.ndim == 0:
        return number(a)
    if a.ndim == 1:
        return "[" + ", ".join(number(x) for x in a) + "]"
    header = "×".join(str(d) for d in a.shape) + " tensor"
    if a.size == 0:
        return header
    rows, cols = a.shape[-2], a.shape[-1]
    blocks = []
    for idx in np.ndindex(*a.shape[:-2]):
        block = ""
        if a.ndim > 2:
            block += "[" + ", ".join(str(i) for i in idx) + ", :, :] =\n"
        m = a[idx]
        cells = [[number(m[r, c]) for c in range(cols)] for r in range(rows)]
        widths = [max(len(cells[r][c]) for r in range(rows)) for c in range(cols)]
        lines = []
        for row in cells:
            line = ""
            for j, s in enumerate(row):
                line += " " if j == 0 else "  "
                line += s
                if j < len(row) - 1:
                    line += " " * (widths[j] - len(s))
            lines.append(line)
        block += "\n".join(lines)
        blocks.append(block)
    return header + "\n" + "\n\n".join(blocks)


# ---- examples: (built-in, example source, value computed by numpy/torch) ----------------------
pi, e = math.pi, math.e
np.seterr(divide="ignore")  # log(0) = -inf is part of an example
ex = [
    # Math
    ("abs", "abs([-1.5, 0, 2])", np.abs([-1.5, 0, 2])),
    ("sign", "sign([-3, 0, 2])", np.sign([-3.0, 0, 2])),
    ("sqrt", "sqrt([4, 2])", np.sqrt([4.0, 2])),
    ("exp", "exp([0, 1])", np.exp([0.0, 1])),
    ("expm1", "expm1(1e-10)", np.expm1(1e-10)),
    ("log", "log([1, e, 0])", np.log([1.0, e, 0])),
    ("log1p", "log1p(1e-10)", np.log1p(1e-10)),
    ("log2", "log2([1, 8])", np.log2([1.0, 8])),
    ("log10", "log10([10, 0.001])", np.log10([10.0, 0.001])),
    ("sin", "sin([0, pi / 6])", np.sin([0.0, pi / 6])),
    ("cos", "cos([0, pi])", np.cos([0.0, pi])),
    ("tan", "tan(pi / 4)", np.tan(pi / 4)),
    ("tanh", "tanh([0, 1])", np.tanh([0.0, 1])),
    ("asin", "asin([0, 1])", np.arcsin([0.0, 1])),
    ("acos", "acos([1, 0])", np.arccos([1.0, 0])),
    ("atan", "atan([0, 1])", np.arctan([0.0, 1])),
    ("atan2", "atan2([1, -1], [-1, -1])", np.arctan2([1.0, -1], [-1.0, -1])),
    ("floor", "floor([-1.5, 1.5])", np.floor([-1.5, 1.5])),
    ("ceil", "ceil([-1.5, 1.5])", np.ceil([-1.5, 1.5])),
    ("round", "round([0.5, 1.5, 2.5, 2.6])", np.round([0.5, 1.5, 2.5, 2.6])),
    ("clamp", "clamp([-1, 0.5, 2], 0, 1)", torch.clamp(T(-1.0, 0.5, 2), 0, 1).numpy()),
    # Reductions
    ("sum", "sum([1, 2; 3, 4], axis: 0)", np.sum([[1.0, 2], [3, 4]], axis=0)),
    ("mean", "mean([1, 2; 3, 4], axis: 1)", np.mean([[1.0, 2], [3, 4]], axis=1)),
    ("prod", "prod([1, 2, 3, 4])", np.prod([1.0, 2, 3, 4])),
    ("min", "min([3, 1, 2])", np.min([3.0, 1, 2])),
    ("max", "max([1, 5; 7, 2], axis: 1)", np.max([[1.0, 5], [7, 2]], axis=1)),
    ("argmin", "argmin([3, 1, 2])", np.argmin([3.0, 1, 2])),
    ("argmax", "argmax([0.1, 0.7, 0.2; 0.5, 0.3, 0.2], axis: 1)", np.argmax([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]], axis=1)),
    ("var", "var([1, 2, 3, 4])", np.var([1.0, 2, 3, 4])),
    ("std", "std([1, 2, 3, 4])", np.std([1.0, 2, 3, 4])),
    ("norm", "norm([3, 4])", np.linalg.norm([3.0, 4])),
    ("logsumexp", "logsumexp([1000, 1000])", torch.logsumexp(T(1000.0, 1000), 0).item()),
    # Tensors
    ("shape", "shape(zeros([2, 3]))", np.array(np.zeros((2, 3)).shape)),
    ("size", "size(zeros([2, 3]))", np.zeros((2, 3)).size),
    ("rank", "rank(zeros([2, 3]))", np.zeros((2, 3)).ndim),
    ("reshape", "reshape([1, 2, 3, 4, 5, 6], [2, -1])", np.reshape([1.0, 2, 3, 4, 5, 6], (2, -1))),
    ("transpose", "transpose([1, 2, 3; 4, 5, 6])", np.array([[1.0, 2, 3], [4, 5, 6]]).T),
    ("concat", "concat([1, 2; 3, 4], [5, 6], axis: 0)", None),  # error example replaced below
    ("stack", "stack([1, 2], [3, 4])", np.stack([[1.0, 2], [3, 4]])),
    ("flatten", "flatten([1, 2; 3, 4])", np.array([[1.0, 2], [3, 4]]).flatten()),
    ("zeros", "zeros(3)", np.zeros(3)),
    ("ones", "ones([2, 2])", np.ones((2, 2))),
    ("full", "full([2], 0.5)", np.full((2,), 0.5)),
    ("eye", "eye(2)", np.eye(2)),
    ("linspace", "linspace(0, 1, 5)", np.linspace(0, 1, 5)),
    ("range", "range(0, 1, 0.25)", np.arange(0, 1, 0.25)),
    ("onehot", "onehot([0, 2], 3)", F.one_hot(torch.tensor([0, 2]), 3).double().numpy()),
    ("diag", "diag([1, 2])", np.diag([1.0, 2])),
    ("dot", "dot([1, 2, 3], [4, 5, 6])", np.dot([1.0, 2, 3], [4.0, 5, 6])),
    ("cross", "cross([1, 0, 0], [0, 1, 0])", np.cross([1.0, 0, 0], [0.0, 1, 0])),
    ("outer", "outer([1, 2], [1, 10, 100])", np.outer([1.0, 2], [1.0, 10, 100])),
    ("normalize", "normalize([3, 4])", F.normalize(T(3.0, 4), dim=-1).numpy()),
    ("cosine", "cosine([1, 0], [1, 1])", F.cosine_similarity(T(1.0, 0), T(1.0, 1), dim=-1).item()),
    ("cdist", "cdist([0, 0; 3, 4], [0, 0; 0, 1])", torch.cdist(T([[0.0, 0], [3, 4]]), T([[0.0, 0], [0, 1]])).numpy()),
    # Activations
    ("sigmoid", "sigmoid([-1000, 0, 2])", torch.sigmoid(T(-1000.0, 0, 2)).numpy()),
    ("softmax", "softmax([1, 2, 3])", torch.softmax(T(1.0, 2, 3), -1).numpy()),
    ("log_softmax", "log_softmax([1000, 0])", torch.log_softmax(T(1000.0, 0), -1).numpy()),
    ("relu", "relu([-1, 0, 2])", torch.relu(T(-1.0, 0, 2)).numpy()),
    ("leaky_relu", "leaky_relu([-2, 3], slope: 0.1)", F.leaky_relu(T(-2.0, 3), 0.1).numpy()),
    ("gelu", "gelu([-1, 0, 1])", F.gelu(T(-1.0, 0, 1)).numpy()),
    ("softplus", "softplus([-20, 0, 30])", F.softplus(T(-20.0, 0, 30)).numpy()),
]
ex = [(n, s, v) for (n, s, v) in ex if v is not None]
ex.append(("concat", "concat([1, 2; 3, 4], [5, 6; 7, 8], axis: 1)",
           np.concatenate([[[1.0, 2], [3, 4]], [[5.0, 6], [7, 8]]], axis=1)))


def swift_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


# ---- reference values for CoreOpsTests --------------------------------------------------------
def lit(v):
    """A Swift array literal of doubles."""
    out = []
    for x in np.asarray(v, dtype=np.float64).ravel():
        x = float(x)
        out.append(".nan" if math.isnan(x) else (".infinity" if x == math.inf else ("-.infinity" if x == -math.inf else repr(x))))
    return "[" + ", ".join(out) + "]"


def gelu_tail():
    mpmath.mp.dps = 30
    return [float(mpmath.mpf(-x) * mpmath.ncdf(-x)) for x in (10, 20, 37)]


def values():
    """Prints the Swift `Ref` enum of Tests/LossCoreTests/CoreOpsTests.swift."""
    L = []
    def put(name, expr, v):
        L.append(f"    /// {expr}")
        L.append(f"    static let {name}: [Double] = {lit(v)}")

    # 10M values, identical in Swift: v_i = Double((i * 2654435761) % 4294967291) / 4294967291 * 2 - 0.7
    n = 10_000_000
    i = np.arange(n, dtype=np.int64)
    big = ((i * 2654435761) % 4294967291).astype(np.float64) / 4294967291.0 * 2 - 0.7
    put("bigSum", "[np.sum(v), math.fsum(v)] with v = ((arange(1e7) * 2654435761) % 4294967291) / 4294967291 * 2 - 0.7",
        [np.sum(big), math.fsum(big)])
    put("bigSumAxis0", "[math.fsum(c) for c in v.reshape(1_000_000, 10).T] (exact column sums)",
        [math.fsum(c) for c in big.reshape(1_000_000, 10).T])
    put("bigSumAxis0Numpy", "v.reshape(1_000_000, 10).sum(axis=0)", big.reshape(1_000_000, 10).sum(axis=0))
    put("bigSumAxis1", "[math.fsum(r) for r in v.reshape(4, 2_500_000)] (exact row sums)",
        [math.fsum(r) for r in big.reshape(4, 2_500_000)])

    # a small 3-d tensor for reductions along every axis
    X = np.round(np.random.default_rng(7).standard_normal((2, 3, 4)) * 2, 3)
    X[1, 2, 3] = X[1, 2, 0]  # a tie for argmin/argmax
    put("X", "np.round(np.random.default_rng(7).standard_normal((2, 3, 4)) * 2, 3), X[1,2,3] = X[1,2,0]", X)
    for ax in [None, 0, 1, 2, -1]:
        k = "All" if ax is None else ("M1" if ax == -1 else str(ax))
        put(f"sum{k}", f"np.sum(X, axis={ax})", np.sum(X, axis=ax))
        put(f"mean{k}", f"np.mean(X, axis={ax})", np.mean(X, axis=ax))
        put(f"prod{k}", f"np.prod(X, axis={ax})", np.prod(X, axis=ax))
        put(f"min{k}", f"np.min(X, axis={ax})", np.min(X, axis=ax))
        put(f"max{k}", f"np.max(X, axis={ax})", np.max(X, axis=ax))
        put(f"argmin{k}", f"np.argmin(X, axis={ax})", np.argmin(X, axis=ax))
        put(f"argmax{k}", f"np.argmax(X, axis={ax})", np.argmax(X, axis=ax))
        put(f"var{k}", f"np.var(X, axis={ax})", np.var(X, axis=ax))
        put(f"std{k}", f"np.std(X, axis={ax})", np.std(X, axis=ax))
        tX = torch.tensor(X)
        dims = None if ax is None else ax
        for p, pn in [(2, "2"), (1, "1"), (math.inf, "Inf"), (-math.inf, "NegInf"), (3, "3"), (0.5, "Half"), (0, "0")]:
            put(f"norm{pn}{k}", f"torch.linalg.vector_norm(X, ord={p}, dim={dims})",
                torch.linalg.vector_norm(tX, ord=p, dim=dims).numpy())
        put(f"lse{k}", f"torch.logsumexp(X, dim={ax if ax is not None else (0, 1, 2)})",
            torch.logsumexp(tX, dim=ax if ax is not None else (0, 1, 2)).numpy())

    # element-wise functions
    u = np.array([-2.5, -0.5, 0.0, 0.3, 1.0, 2.5])
    put("u", "u", u)
    with np.errstate(all="ignore"):
        for name, f in [("abs", np.abs), ("sign", np.sign), ("sqrt", np.sqrt), ("exp", np.exp), ("expm1", np.expm1),
                        ("log", np.log), ("log1p", np.log1p), ("log2", np.log2), ("log10", np.log10), ("sin", np.sin),
                        ("cos", np.cos), ("tan", np.tan), ("tanh", np.tanh), ("asin", np.arcsin), ("acos", np.arccos),
                        ("atan", np.arctan), ("floor", np.floor), ("ceil", np.ceil), ("round", np.round)]:
            put(f"u_{name}", f"np.{f.__name__}(u)", f(u))
        a = np.array([[-7.5], [2.0]]); b = np.array([2.0, -3.0, 0.0])
        put("mod", "np.remainder([[-7.5], [2.0]], [2.0, -3.0, 0.0])", np.remainder(a, b))
        put("pow", "np.power([[-7.5], [2.0]], [2.0, -3.0, 0.0])", np.power(a, b))
        put("atan2", "np.arctan2([[-7.5], [2.0]], [2.0, -3.0, 0.0])", np.arctan2(a, b))
        put("powFrac", "np.power([-8.0, 8.0], 1/3)", np.power([-8.0, 8.0], 1 / 3))
        put("modEdge", "np.remainder([5, -5, 5, -5, -0.0, 7], [3, 3, -3, -3, 2, np.inf])",
            np.remainder([5.0, -5, 5, -5, -0.0, 7], [3.0, 3, -3, -3, 2, np.inf]))

    # activations
    z = np.array([-800, -30, -1, -1e-8, 0, 0.5, 19.9, 20.1, 30, 800], dtype=np.float64)
    tz = torch.tensor(z)
    put("z", "z", z)
    put("sigmoid", "torch.sigmoid(z)", torch.sigmoid(tz).numpy())
    put("logsigmoid", "F.logsigmoid(z)", F.logsigmoid(tz).numpy())
    put("softplus", "F.softplus(z)", F.softplus(tz).numpy())
    put("gelu", "F.gelu(z)", F.gelu(tz).numpy())
    put("geluTail", "[float(-x * mpmath.ncdf(-x)) for x in (10, 20, 37)] (mpmath, 30 digits); torch gives -0",
        gelu_tail())
    put("leaky", "F.leaky_relu(z, 0.2)", F.leaky_relu(tz, 0.2).numpy())
    M = np.round(np.random.default_rng(3).standard_normal((3, 4)) * 3, 2)
    tM = torch.tensor(M)
    put("M", "np.round(np.random.default_rng(3).standard_normal((3, 4)) * 3, 2)", M)
    put("softmaxM1", "torch.softmax(M, -1)", torch.softmax(tM, -1).numpy())
    put("softmax0", "torch.softmax(M, 0)", torch.softmax(tM, 0).numpy())
    put("logSoftmaxM1", "torch.log_softmax(M * 300, -1)", torch.log_softmax(tM * 300, -1).numpy())
    put("logSoftmax0", "torch.log_softmax(M, 0)", torch.log_softmax(tM, 0).numpy())

    # linear algebra
    rng = np.random.default_rng(11)
    A = np.round(rng.standard_normal((2, 3)), 3); B = np.round(rng.standard_normal((3, 4)), 3)
    v3 = np.round(rng.standard_normal(3), 3); w3 = np.round(rng.standard_normal(3), 3)
    P = np.round(rng.standard_normal((2, 1, 3, 4)), 3); Q = np.round(rng.standard_normal((5, 4, 2)), 3)
    for nm, val in [("A", A), ("B", B), ("v3", v3), ("w3", w3), ("P", P), ("Q", Q)]:
        put(nm, f"{nm} (np.random.default_rng(11), rounded to 3 decimals)", val)
    put("AB", "A @ B", A @ B)
    put("vv", "v3 @ w3", [v3 @ w3])
    put("Av", "A @ v3", A @ v3)
    put("vB", "v3 @ B", v3 @ B)
    put("PQ", "P @ Q  (shape (2, 5, 3, 2))", P @ Q)
    put("Pv", "P @ np.arange(4.)  (shape (2, 1, 3))", P @ np.arange(4.0))
    put("vQ", "np.arange(4.) @ Q  (shape (5, 2))", np.arange(4.0) @ Q)

    # shape / construction ops
    put("arange1", "np.arange(0.1, 1, 0.3)", np.arange(0.1, 1, 0.3))
    put("arange2", "np.arange(1, 0, -0.1)", np.arange(1, 0, -0.1))
    put("arange3", "np.arange(-3.5, 7.25, 1.3)", np.arange(-3.5, 7.25, 1.3))
    put("linspace1", "np.linspace(0, 1, 7)", np.linspace(0, 1, 7))
    put("linspace2", "np.linspace(-1.3, 2.9, 4)", np.linspace(-1.3, 2.9, 4))
    put("cross", "np.cross([[1., 2, 3], [-1, 0.5, 2]], [4., 5, 6])", np.cross([[1.0, 2, 3], [-1, 0.5, 2]], [4.0, 5, 6]))
    put("dotBatch", "np.vecdot([[1., 2, 3], [-1, 0.5, 2]], [4., 5, 6])", np.sum(np.array([[1.0, 2, 3], [-1, 0.5, 2]]) * [4.0, 5, 6], -1))
    put("normalize0", "F.normalize(M, dim=0)", F.normalize(tM, dim=0).numpy())
    put("cosine", "F.cosine_similarity(A, [[1e-9, 0, 0], [0.3, -2, 1]], dim=-1)",
        F.cosine_similarity(torch.tensor(A), torch.tensor([[1e-9, 0, 0], [0.3, -2, 1]], dtype=torch.float64), dim=-1).numpy())
    put("cosine0", "F.cosine_similarity(M, M[::-1], dim=0)", F.cosine_similarity(tM, tM.flip(0), dim=0).numpy())
    put("cdist", "torch.cdist(M, M[:2] + 0.5)", torch.cdist(tM, tM[:2] + 0.5).numpy())
    put("transpose3", "np.arange(24.).reshape(2, 3, 4).T", np.arange(24.0).reshape(2, 3, 4).T)

    print("/// Generated by Scripts/gen_core_reference.py --values (NumPy " + np.__version__ + ", torch " + torch.__version__ + ").")
    print("enum CoreRef {")
    print("\n".join(L))
    keys = [f"{op}{k}" for k in ["All", "0", "1", "2", "M1"]
            for op in ["sum", "mean", "prod", "min", "max", "argmin", "argmax", "var", "std", "lse"]
                      + [f"norm{pn}" for pn in ["2", "1", "Inf", "NegInf", "3", "Half", "0"]]]
    print("    /// The reductions above by name + axis key (All, 0, 1, 2, M1 for -1).")
    print("    static let table: [String: [Double]] = [")
    print("\n".join(f'        "{k}": {k},' for k in keys))
    print("    ]")
    print("}")


if __name__ == "__main__":
    if "--values" in sys.argv:
        values()
    else:
        for name, src, v in ex:
            print(f"{name}\t{src}\t{swift_string(display(v))}")
