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
def values():
    r = np.random.default_rng(0)
    print("# sum of 10M values: np.random.default_rng(0).random(10_000_000).sum() is checked in Swift against")
    print("# a reproducible LCG sequence instead; here: sums of the LCG sequence computed with numpy")
    n = 10_000_000
    # same LCG as the Swift test: x_{k+1} = (a x_k + c) mod 2^64, value = (x >> 11) / 2^53
    a, c = 6364136223846793005, 1442695040888963407
    xs = np.empty(n, dtype=np.uint64)
    x = np.uint64(42)
    # vectorised LCG jump-ahead is complex; do it in chunks with Python ints (slow but fine, once)
    state = 42
    vals = np.empty(n, dtype=np.float64)
    mask = (1 << 64) - 1
    for i in range(n):
        state = (a * state + c) & mask
        vals[i] = (state >> 11) / 9007199254740992.0
    print("lcg10M.sum() =", repr(vals.sum()))
    m = vals.reshape(1_000_000, 10)
    print("lcg10M.reshape(1e6,10).sum(axis=0) =", repr(m.sum(axis=0).tolist()))
    print("math.fsum(lcg10M) =", repr(math.fsum(vals)))


if __name__ == "__main__":
    if "--values" in sys.argv:
        values()
    else:
        for name, src, v in ex:
            print(f"{name}\t{src}\t{swift_string(display(v))}")
