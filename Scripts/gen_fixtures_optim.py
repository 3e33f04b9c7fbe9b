#!/usr/bin/env python3
"""Reference trajectories of torch.optim for the optimizers of LossCore/Optim.

Writes Tests/LossCoreTests/Fixtures/optim.json, JSON Lines (one object per line, so that a
regeneration diffs line by line), read by Tests/LossCoreTests/OptimTests.swift:

- {"kind": "objective", "name": ..., ...data}: the data of an objective, written here so that
  the Swift tests compute the same function:
    rosenbrock   f(x) = (1 - x0)^2 + 100 (x1 - x0^2)^2                       (2 parameters)
    quadratic    f(x) = 1/2 x'Ax - b'x, A = MM'/5 + I (SPD), fields "A" (rows), "b"  (5)
    logistic     f(w, c) = mean(softplus(z) - y z), z = Xw + c, torch's
                 binary_cross_entropy_with_logits; fields "X" (rows), "y"      (3 + 1)
    softmax      f(W, c) = mean cross-entropy of XW + c against class indices "labels",
                 W (4×3) row-major then c (3); fields "X" (rows), "labels", "classes"  (15)
  Parameters are one flat float64 tensor (a record's fields flattened, as LossCore/Optim).
  The optimizers are fed f and ∇f from "mirrors": the same functions written in Python
  floats operation by operation as OptimTests.swift writes them (checked against torch's
  functions and autograd gradients to 1e-12 by check_mirrors), so that torch's optimizer
  and ours see bit-identical objectives and the comparison measures the optimizers alone.
- {"kind": "case", "name", "objective", "method", "options", "steps", "x0", ...}:
  first-order methods ("gd", "momentum", "adam", "adamw", "rmsprop"): the loop
      for k in range(steps): zero_grad; loss = f(x); x.grad = ∇f(x); opt.step()
  recording "history" (loss at the start of step k), "xs" (x after step k, k = 1..steps),
  and "loss" = f(x after the last step).
  "lbfgs": one LBFGS(line_search_fn="strong_wolfe", max_iter=steps).step(closure), recording
  "evals" (x at every closure call, in order), "eval_losses" (f there), "iters" (per
  iteration: "x" and "f" at its start — `prev_loss` —, "t0" the initial step, "t" the step
  accepted by the line search, "ls_evals"; captured by wrapping lbfgs._strong_wolfe), the
  final "x" and "loss" (the last accepted loss), and torch's state "n_iter" and "func_evals".
  "sensitivity": how far torch's own trajectory moves (as the Swift test measures, relative
  with a 1e-12 floor) when every gradient is changed by about an ulp. torch's sqrt (MKL) and
  dot products are not correctly rounded, so ours differ from them by an ulp here and there;
  a case is a fixture only if its sensitivity is below 1e-11, a tenth of the test's 1e-10
  (cases near a flat or chaotic regime — Adam with beta2 0.6 at convergence, L-BFGS with a
  short history on Rosenbrock after 10 iterations — move by 1e-7 and are left out).

Options use the language's names (docs/reference.md §7): lr, momentum, nesterov, betas,
eps, weight_decay, alpha, centered, history_size, tolerance_grad, tolerance_change, max_eval.
torch's single-tensor paths (foreach=False) are used, CPU float64.

Run by hand (needs torch, numpy):  python3 Scripts/gen_fixtures_optim.py
Deterministic: fixed seeds; rerunning rewrites the same file (for one torch version:
the header line records it).
"""
import json
import math
import pathlib

import numpy as np
import torch
import torch.nn.functional as F
import torch.optim.lbfgs as lbfgs_module

torch.set_default_dtype(torch.float64)
OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "LossCoreTests" / "Fixtures" / "optim.json"
STEPS = 100


def flt(v):
    return [float(a) for a in v]


# ---------------------------------------------------------------- objectives

rng = np.random.default_rng(20240607)

M = rng.normal(size=(5, 5))
A = M @ M.T / 5 + np.eye(5)
b = rng.normal(size=5)

X_log = rng.normal(size=(30, 3))
w_true = np.array([1.5, -2.0, 0.5])
y_log = ((X_log @ w_true + 0.3 + 0.8 * rng.normal(size=30)) > 0).astype(np.float64)

# overlapping classes (label noise), so that the maximum-likelihood fit is finite
X_soft = rng.normal(size=(40, 4))
W_true = rng.normal(size=(4, 3))
labels_soft = np.argmax(X_soft @ W_true + 1.5 * rng.normal(size=(40, 3)), axis=1)

At, bt = torch.tensor(A), torch.tensor(b)
Xl, yl = torch.tensor(X_log), torch.tensor(y_log)
Xs, ls = torch.tensor(X_soft), torch.tensor(labels_soft)


def rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def quadratic(x):
    return 0.5 * x @ (At @ x) - bt @ x


def logistic(x):
    z = Xl @ x[:3] + x[3]
    return F.binary_cross_entropy_with_logits(z, yl)


def softmax(x):
    W = x[:12].view(4, 3)
    return F.cross_entropy(Xs @ W + x[12:], ls)


# The same functions with their gradients in Python floats, operation by operation as
# OptimTests.swift computes them (IEEE double, no fused multiply-adds, glibc exp/log1p), so
# that torch's optimizers and ours see bit-identical objectives: the comparison then measures
# the optimizers alone (on Rosenbrock, L-BFGS turns a 1-ulp difference in a gradient into
# ~1e-7 after 40 iterations, even torch against itself). check_mirrors() compares them with
# the autograd gradients of the torch functions above.

def rosenbrock_mirror(x):
    a = 1 - x[0]
    r = x[1] - x[0] * x[0]
    return a * a + 100 * r * r, [-2 * a - 400 * x[0] * r, 200 * r]


def quadratic_mirror(x):
    n = len(x)
    ax = [0.0] * n
    for i in range(n):
        for j in range(n):
            ax[i] += A[i][j] * x[j]
    f = 0.0
    for i in range(n):
        f += 0.5 * x[i] * ax[i] - b[i] * x[i]
    return f, [ax[i] - b[i] for i in range(n)]


def logistic_mirror(p):
    N, d = len(X_log), 3
    f = 0.0
    g = [0.0] * (d + 1)
    for row, yi in zip(X_log.tolist(), y_log.tolist()):
        z = p[d]
        for j in range(d):
            z += row[j] * p[j]
        f += max(z, 0.0) - z * yi + math.log1p(math.exp(-abs(z)))
        dz = (1 / (1 + math.exp(-z)) - yi) / N
        for j in range(d):
            g[j] += dz * row[j]
        g[d] += dz
    return f / N, g


def softmax_mirror(p):
    N, d, C = len(X_soft), 4, 3
    f = 0.0
    g = [0.0] * (d * C + C)
    for row, label in zip(X_soft.tolist(), labels_soft.tolist()):
        z = [p[d * C + c] for c in range(C)]
        for j in range(d):
            for c in range(C):
                z[c] += row[j] * p[j * C + c]
        m = max(z)
        e = [math.exp(v - m) for v in z]
        s = 0.0
        for v in e:
            s += v
        f += m + math.log(s) - z[label]
        for c in range(C):
            dz = (e[c] / s - (1 if c == label else 0)) / N
            for j in range(d):
                g[j * C + c] += dz * row[j]
            g[d * C + c] += dz
    return f / N, g


MIRRORS = {"rosenbrock": rosenbrock_mirror, "quadratic": quadratic_mirror, "logistic": logistic_mirror,
           "softmax": softmax_mirror}


def evaluate(objective, x, noise=None):
    """f(x) as a float, with x.grad set to the gradient (both from the mirror); `noise` (a
    numpy Generator) multiplies each gradient entry by 1 + 2.2e-16·N(0, 1), a 1-ulp change."""
    value, grad = MIRRORS[objective](x.detach().tolist())
    if noise is not None:
        grad = [g * (1 + 2.2e-16 * noise.normal()) for g in grad]
    x.grad = torch.tensor(grad)
    return value


def deviation(a, b):
    """The largest difference of two trajectories as OptimTests.swift measures it:
    |a − b| / max(|b|, 1e-2) (relative 1e-10 with an absolute floor of 1e-12)."""
    a, b = np.array(a), np.array(b)
    if a.shape != b.shape:
        return math.inf
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-2))) if a.size else 0.0


OBJECTIVES = {
    "rosenbrock": (rosenbrock, [-1.5, 2.0], {}),
    "quadratic": (quadratic, flt(rng.normal(size=5)), {"A": [flt(r) for r in A], "b": flt(b)}),
    "logistic": (logistic, [0.0] * 4, {"X": [flt(r) for r in X_log], "y": flt(y_log)}),
    "softmax": (softmax, flt(0.1 * rng.normal(size=15)),
                {"X": [flt(r) for r in X_soft], "labels": [int(c) for c in labels_soft], "classes": 3}),
}


# ---------------------------------------------------------------- optimizers

def make_optimizer(method, params, o, steps):
    """torch's optimizer for a method and options in the language's names."""
    kw = {}
    if "lr" in o:
        kw["lr"] = o["lr"]
    if method == "gd":
        return torch.optim.SGD(params, weight_decay=o.get("weight_decay", 0), foreach=False,
                               **({"lr": 1e-3} | kw))
    if method == "momentum":
        return torch.optim.SGD(params, momentum=o.get("momentum", 0.9), nesterov=o.get("nesterov", False),
                               weight_decay=o.get("weight_decay", 0), foreach=False, **({"lr": 1e-3} | kw))
    if method in ("adam", "adamw"):
        cls = torch.optim.Adam if method == "adam" else torch.optim.AdamW
        extra = {"weight_decay": o["weight_decay"]} if "weight_decay" in o else {}
        return cls(params, betas=tuple(o.get("betas", (0.9, 0.999))), eps=o.get("eps", 1e-8), foreach=False,
                   **kw, **extra)
    if method == "rmsprop":
        return torch.optim.RMSprop(params, alpha=o.get("alpha", 0.99), eps=o.get("eps", 1e-8),
                                   weight_decay=o.get("weight_decay", 0), momentum=o.get("momentum", 0),
                                   centered=o.get("centered", False), foreach=False, **kw)
    if method == "lbfgs":
        extra = {k: o[k] for k in ("history_size", "tolerance_grad", "tolerance_change", "max_eval") if k in o}
        return torch.optim.LBFGS(params, max_iter=steps, line_search_fn="strong_wolfe", **kw, **extra)
    raise ValueError(method)


def run_first_order(name, objective, method, options, steps=STEPS, noise=None):
    f, x0, _ = OBJECTIVES[objective]
    x = torch.tensor(x0, requires_grad=True)
    opt = make_optimizer(method, [x], options, steps)
    history, xs = [], []
    for _ in range(steps):
        opt.zero_grad()
        history.append(evaluate(objective, x, noise))
        opt.step()
        xs.append(flt(x.detach()))
    final = MIRRORS[objective](flt(x.detach()))[0]
    return {"kind": "case", "name": name, "objective": objective, "method": method, "options": options,
            "steps": steps, "x0": x0, "history": history, "xs": xs, "loss": final}


def run_lbfgs(name, objective, options, steps=STEPS, noise=None):
    f, x0, _ = OBJECTIVES[objective]
    x = torch.tensor(x0, requires_grad=True)
    opt = make_optimizer("lbfgs", [x], options, steps)
    evals, eval_losses, iters = [], [], []

    def closure():
        opt.zero_grad()
        loss = evaluate(objective, x, noise)
        evals.append(flt(x.detach()))
        eval_losses.append(loss)
        return loss

    original = lbfgs_module._strong_wolfe

    def recording(obj_func, x_init, t, d, f0, g, gtd, **kw):
        out = original(obj_func, x_init, t, d, f0, g, gtd, **kw)
        iters.append({"x": flt(x_init[0].detach()), "f": float(f0), "t0": float(t), "t": float(out[2]),
                      "ls_evals": int(out[3])})
        return out

    lbfgs_module._strong_wolfe = recording
    try:
        opt.step(closure)
    finally:
        lbfgs_module._strong_wolfe = original
    state = opt.state[x]
    n_iter, func_evals = int(state.get("n_iter", 0)), int(state.get("func_evals", 0))
    final_x = flt(x.detach())
    # the loss at the returned x: the last accepted line-search value (or the first evaluation)
    final_loss = MIRRORS[objective](final_x)[0]
    return {"kind": "case", "name": name, "objective": objective, "method": "lbfgs", "options": options,
            "steps": steps, "x0": x0, "evals": evals, "eval_losses": eval_losses, "iters": iters,
            "x": final_x, "loss": final_loss, "n_iter": n_iter, "func_evals": func_evals}


# ---------------------------------------------------------------- cases

FIRST_ORDER = [
    # (method, objective, options)
    ("gd", "rosenbrock", {}),
    ("gd", "rosenbrock", {"lr": 2e-4, "weight_decay": 0.1}),
    ("gd", "quadratic", {}),
    ("gd", "quadratic", {"lr": 0.1}),
    ("gd", "logistic", {"lr": 0.5}),
    ("gd", "softmax", {"lr": 0.5, "weight_decay": 0.01}),
    ("momentum", "rosenbrock", {}),
    ("momentum", "rosenbrock", {"lr": 2e-4, "nesterov": True}),
    ("momentum", "quadratic", {}),
    ("momentum", "quadratic", {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.1}),
    ("momentum", "logistic", {"lr": 0.1, "nesterov": True}),
    ("momentum", "softmax", {"lr": 0.1, "momentum": 0.8, "nesterov": True, "weight_decay": 0.01}),
    ("adam", "rosenbrock", {}),
    ("adam", "rosenbrock", {"lr": 0.05, "betas": [0.8, 0.99]}),
    ("adam", "quadratic", {"lr": 0.1, "weight_decay": 0.1}),
    ("adam", "logistic", {"lr": 0.05}),
    ("adam", "softmax", {"lr": 0.02, "eps": 1e-6, "weight_decay": 0.01}),
    ("adam", "rosenbrock", {"lr": 0.01, "betas": [0.3, 0.6]}),  # 1 - beta1 ≥ 0.5: lerp's other branch
    ("adamw", "rosenbrock", {}),
    ("adamw", "rosenbrock", {"lr": 0.05, "weight_decay": 0.1}),
    ("adamw", "quadratic", {"lr": 0.1}),
    ("adamw", "logistic", {"lr": 0.05, "weight_decay": 0}),
    ("adamw", "softmax", {"lr": 0.02, "betas": [0.85, 0.995]}),
    ("rmsprop", "rosenbrock", {}),
    ("rmsprop", "rosenbrock", {"lr": 1e-3, "alpha": 0.9}),
    ("rmsprop", "quadratic", {"weight_decay": 0.1}),
    ("rmsprop", "quadratic", {"lr": 1e-3, "momentum": 0.9}),
    ("rmsprop", "logistic", {"lr": 1e-2, "centered": True}),
    ("rmsprop", "softmax", {"lr": 5e-3, "centered": True, "momentum": 0.5, "eps": 1e-6}),
    ("rmsprop", "rosenbrock", {"lr": 1e-3, "alpha": 0.4, "centered": True}),  # 1 - alpha ≥ 0.5 in lerp
]

LBFGS_CASES = [
    # (objective, options, steps)
    ("rosenbrock", {}, STEPS),
    ("rosenbrock", {"history_size": 3}, 10),
    ("rosenbrock", {"lr": 0.5}, STEPS),
    ("rosenbrock", {}, 5),
    ("rosenbrock", {}, 1),
    ("quadratic", {}, STEPS),
    ("quadratic", {"history_size": 2}, STEPS),
    ("logistic", {"history_size": 1, "tolerance_grad": 1e-4}, STEPS),
    ("logistic", {}, STEPS),
    ("softmax", {}, STEPS),
    ("softmax", {"history_size": 5, "tolerance_change": 1e-6}, 30),
    ("softmax", {"lr": 0.5, "max_eval": 12}, STEPS),
]


def check_mirrors():
    """The mirrors compute the torch functions: values and autograd gradients to 1e-12."""
    for name, (f, x0, _) in OBJECTIVES.items():
        for scale in (0.0, 1.0, 3.0):
            x = torch.tensor(x0) + scale * torch.tensor(rng.normal(size=len(x0)))
            x.requires_grad_(True)
            loss = f(x)
            loss.backward()
            value, grad = MIRRORS[name](x.detach().tolist())
            assert abs(value - loss.item()) <= 1e-12 * max(1.0, abs(value)), (name, value, loss.item())
            assert np.allclose(grad, x.grad.numpy(), rtol=1e-12, atol=1e-14), (name, grad, x.grad)


def main():
    check_mirrors()
    lines = [{"kind": "header", "torch": torch.__version__, "generator": "Scripts/gen_fixtures_optim.py"}]
    for name, (_, x0, data) in OBJECTIVES.items():
        lines.append({"kind": "objective", "name": name, **data})
    seen = {}
    for method, objective, options in FIRST_ORDER:
        name = f"{method}/{objective}" + "".join(f"/{k}={v}" for k, v in options.items())
        assert name not in seen, name
        seen[name] = True
        line = run_first_order(name, objective, method, options)
        noisy = run_first_order(name, objective, method, options, noise=np.random.default_rng(1))
        line["sensitivity"] = deviation(noisy["xs"], line["xs"])
        lines.append(line)
    for objective, options, steps in LBFGS_CASES:
        name = f"lbfgs/{objective}/steps={steps}" + "".join(f"/{k}={v}" for k, v in options.items())
        assert name not in seen, name
        seen[name] = True
        line = run_lbfgs(name, objective, options, steps)
        noisy = run_lbfgs(name, objective, options, steps, noise=np.random.default_rng(1))
        line["sensitivity"] = deviation(noisy["evals"], line["evals"])
        lines.append(line)
    for line in lines:
        if line.get("kind") == "case":
            vals = line.get("history", []) + line.get("eval_losses", []) + [line["loss"]]
            assert all(np.isfinite(vals)), line["name"]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w") as fh:
        for line in lines:
            fh.write(json.dumps(line, separators=(",", ":")) + "\n")
    for line in lines:
        if line.get("kind") == "case":
            extra = f" n_iter={line['n_iter']} evals={line['func_evals']}" if line["method"] == "lbfgs" else ""
            print(f"{line['name']:60s} loss {line['history'][0] if 'history' in line else line['eval_losses'][0]:.6g}"
                  f" -> {line['loss']:.6g}{extra} sensitivity {line['sensitivity']:.1e}")
    # A case whose trajectory moves by more than 1e-11 when its gradients move by an ulp
    # cannot be compared at 1e-10 (torch's own sqrt and MKL dot products differ from
    # correctly rounded ones by an ulp): such cases are not fixtures.
    chaotic = [line["name"] for line in lines if line.get("kind") == "case" and line["sensitivity"] > 1e-11]
    assert not chaotic, f"too sensitive to rounding for a 1e-10 comparison: {chaotic}"
    print(f"wrote {OUT} ({len(lines)} lines)")


if __name__ == "__main__":
    main()
