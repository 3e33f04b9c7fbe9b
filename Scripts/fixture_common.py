"""Helpers shared by the reference scripts (Scripts/gen_fixtures_*.py, Examples/verify_with_torch.py):
how values are written in the fixtures (Tests/LossLangTests/LossFixtureTests.swift describes the
format), how a fixture file is laid out, and torch transcriptions that more than one script uses.
"""
import json
import math


def num(x):
    """A number as JSON: finite ones as numbers, the others as "nan", "inf", "-inf"."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def encode(v):
    """A value as a fixture ARG: None, bools and strings as they are, numbers and 0-d tensors
    as numbers (`num`), tensors of rank ≥ 1 as {"shape", "data"} (data flattened row-major)."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, (int, float)):
        return num(v)
    import torch
    t = torch.as_tensor(v, dtype=torch.float64)
    if t.dim() == 0:
        return num(t.item())
    return {"shape": list(t.shape), "data": [num(x) for x in t.flatten().tolist()]}


def make_case(name, fn, args, kwargs=None, expected=None, error=None, rtol=None,
              grads=None, grad_rtol=None, grad_error=None, enc=encode):
    """One fixture CASE (LossFixtureTests.swift documents the keys): the call, then either its
    expected value or the error substring, with optional tolerances and torch gradients by
    argument index. `enc` encodes each value (`encode` unless the script has its own)."""
    c = {"name": name, "fn": fn, "args": [enc(a) for a in args], "kwargs": {k: enc(v) for k, v in (kwargs or {}).items()}}
    if error is not None:
        c["error"] = error
    else:
        c["expected"] = enc(expected)
    if rtol is not None:
        c["rtol"] = rtol
    if grads:
        c["grads"] = {str(i): enc(g) for i, g in grads.items()}
    if grad_rtol is not None:
        c["grad_rtol"] = grad_rtol
    if grad_error:
        c["grad_error"] = {str(i): e for i, e in grad_error.items()}
    return c


def write_fixture(path, doc):
    """Writes `doc`, {key: [case, …], …}, as JSON with one case per line (each compact), so
    that a regeneration diffs case by case."""
    with open(path, "w") as f:
        f.write("{")
        for k, (key, items) in enumerate(doc.items()):
            f.write(("," if k else "") + json.dumps(key) + ":[")
            if items:
                f.write("\n" + ",\n".join(json.dumps(c, separators=(",", ":")) for c in items) + "\n")
            f.write("]")
        f.write("}\n")


def torchvision_sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="none"):
    """torchvision.ops.sigmoid_focal_loss (torchvision 0.20), transcribed (torchvision is not required)."""
    import torch
    import torch.nn.functional as F
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss


def torch_case(name, fn, args, kwargs=None, ref=None, diff=(), grad_error=None, error=None, rtol=None, grad_rtol=None):
    """A CASE computed in torch: `ref(*args)` gives the expected value from the arguments (torch
    tensors); the arguments whose positions are in `diff` get the torch.autograd gradient of
    ref(...).sum(). With `error`, the case expects that error instead."""
    kwargs = kwargs or {}
    if error is not None:
        return make_case(name, fn, args, kwargs, error=error)
    import torch
    targs = [a.clone().requires_grad_(i in diff) if isinstance(a, torch.Tensor) else a for i, a in enumerate(args)]
    out = ref(*targs)
    grads = {}
    if diff:
        gs = torch.autograd.grad(out.sum(), [targs[i] for i in diff], allow_unused=True)
        grads = {i: (g if g is not None else torch.zeros_like(targs[i])) for i, g in zip(diff, gs)}
    return make_case(name, fn, args, kwargs, expected=out.detach(), rtol=rtol, grads=grads,
                     grad_rtol=grad_rtol, grad_error=grad_error)
