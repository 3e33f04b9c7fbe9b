#!/usr/bin/env python3
"""Loss benchmark: `loss` (release build) side by side with PyTorch float64, in one run.

Workloads (the same sizes and distributions in both; the random numbers differ, so the
loss values agree only statistically, to ~1e-3, which the table shows as a sanity check):

  bce           p = rand(1e7) probabilities, y = randint(0, 2, 1e7)     torch F.binary_cross_entropy
  bce logits    x = randn(1e7) logits, same y                            torch F.binary_cross_entropy_with_logits
  focal         p, y as above, gamma 2                                   torch ops (torchvision sigmoid_focal_loss's
  focal logits  x, y as above, gamma 2                                     formula, on probabilities or logits)
  mse           randn(1e7) vs randn(1e7)                                 torch F.mse_loss
  ce logits     randn([1e5, 100]) logits, randint(0, 100, 1e5) indices   torch F.cross_entropy
  mnr           anchor, positive = randn([2048, 512])                    sentence-transformers MNR: 20·cos_sim, CE at i
  bce 100k      p = rand(1e5), y = randint(0, 2, 1e5) (a batch)           torch F.binary_cross_entropy
  ce 10kx10     randn([1e4, 10]) logits, randint(0, 10, 1e4) indices       torch F.cross_entropy

The two batch-sized workloads take 20× as many timed calls (a call is ~0.1–1 ms).

Gradient workloads (the `grad` issue): the gradient of a mean loss over 1e7 elements with respect to
the prediction, `time(() -> grad(q -> bce(q, y), p))` in `loss`, next to torch's forward + backward
(a leaf with requires_grad, `loss.backward()`, the gradient left in .grad):

  grad bce      bce on p, y as above                                     torch F.binary_cross_entropy + backward
  grad focal    focal on p, y as above, gamma 2                          the focal formula above + backward
  grad mse      mse of a vs b, gradient wrt a                            torch F.mse_loss + backward

For these rows the table also shows grad/fwd, `loss`'s gradient time ÷ its forward time of the
same loss (the target is ≤ 3×; the forward workload is measured too whenever a grad row is), and the
value column holds Σ|gradient| (a sanity check: statistically equal, ~1e-3, heavy-tailed for bce).

`loss`: builds `swift build -c release --product loss --scratch-path SCRATCH` (SCRATCH is the
package's default `.build` unless --scratch-path is given; --no-build skips it; --loss PATH uses
a given binary), writes a .loss script to a temporary file (deleted afterwards) that creates the
inputs (seed, rand, randn, randint) and displays `[value, time(() -> …, repeat: N)]` for each
workload, and runs it with `--json`. `time` calls the function once to warm up and returns the
median of N timed calls. torch: float64 tensors, torch.set_num_threads(2), one warm-up call, the
median of N timed calls (time.perf_counter). Both run one after the other, never at the same time.

Run from anywhere (torch must be importable; nothing is written besides the build):

    python3 Scripts/bench_losses.py                       # build release into .build, run, print the table
    python3 Scripts/bench_losses.py --scratch-path .build-rel --repeat 7
    python3 Scripts/bench_losses.py --no-build --loss .build/release/loss
    python3 Scripts/bench_losses.py --only bce,mse        # a subset (names as in the table, spaces as _)

    python3 Scripts/bench_losses.py --rounds 3            # alternate 3 times, keep each best median
    OPENBLAS_CORETYPE=SkylakeX python3 Scripts/bench_losses.py --no-build   # see the note on mnr below

The ratio column is loss time ÷ torch time: above 1 means `loss` is slower. On a machine shared
with builds the numbers are noisy: re-run, or use --rounds.

Note on mnr (and every `@`/BLAS path): Debian's OpenBLAS 0.3.21 picks its kernels from the CPU
model at load time; on CPUs it does not know (e.g. family 6 model 207, Emerald Rapids, in our VMs)
it falls back to the SSE3 "Prescott" kernels, ~4-5x slower for dgemm than its AVX-512 ones.
`loss` loads OpenBLAS at the first matrix product and, on Intel CPUs, sets OPENBLAS_CORETYPE from
the CPU's flags first (Sources/LossCore/BLAS.swift) unless the variable is already set; the table's
header shows the core `loss` ended up with (`OPENBLAS_VERBOSE=2 loss -e '[[1]] @ [[1]]'` prints it).
torch uses MKL and is not affected.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

N_ELEM = 10_000_000
CE_ROWS, CE_CLASSES = 100_000, 100
N_BATCH = 100_000
CE_SMALL_ROWS, CE_SMALL_CLASSES = 10_000, 10
# workloads timed with SMALL_REPEAT× as many calls
SMALL = {"bce 100k", "ce 10kx10"}
SMALL_REPEAT = 20
MNR_N, MNR_D = 2048, 512

# name, the .loss expression timed, the inputs it needs
WORKLOADS = [
    ("bce", "bce(p, y)"),
    ("bce logits", "bce(x, y, logits: true)"),
    ("focal", "focal(p, y, gamma: 2)"),
    ("focal logits", "focal(x, y, gamma: 2, logits: true)"),
    ("mse", "mse(a, b)"),
    ("ce logits", "cross_entropy(z, t, logits: true)"),
    ("mnr", "mnr(q, k)"),
    ("bce 100k", "bce(p5, y5)"),
    ("ce 10kx10", "cross_entropy(z4, t4, logits: true)"),
]

# gradient workloads: name, the .loss expression timed, the forward workload it is compared with
GRAD_WORKLOADS = [
    ("grad bce", "grad(g -> bce(g, y), p)", "bce"),
    ("grad focal", "grad(g -> focal(g, y, gamma: 2), p)", "focal"),
    ("grad mse", "grad(g -> mse(g, b), a)", "mse"),
]
ALL_WORKLOADS = WORKLOADS + [(n, e) for n, e, _ in GRAD_WORKLOADS]
FORWARD_OF = {n: f for n, _, f in GRAD_WORKLOADS}


def loss_script(names, repeat):
    lines = [
        "# generated by Scripts/bench_losses.py",
        "seed(0)",
        f"p = rand({N_ELEM}); y = randint(0, 2, {N_ELEM}); x = randn({N_ELEM})",
        f"a = randn({N_ELEM}); b = randn({N_ELEM})",
        f"z = randn([{CE_ROWS}, {CE_CLASSES}]); t = randint(0, {CE_CLASSES}, {CE_ROWS})",
        f"q = randn([{MNR_N}, {MNR_D}]); k = randn([{MNR_N}, {MNR_D}])",
        f"p5 = rand({N_BATCH}); y5 = randint(0, 2, {N_BATCH})",
        f"z4 = randn([{CE_SMALL_ROWS}, {CE_SMALL_CLASSES}]); t4 = randint(0, {CE_SMALL_CLASSES}, {CE_SMALL_ROWS})",
    ]
    for name, expr in ALL_WORKLOADS:
        if name in names:
            # a gradient is a 1e7-element tensor: display Σ|g| as its value
            value = f"sum(abs({expr}))" if name in FORWARD_OF else expr
            n = repeat * SMALL_REPEAT if name in SMALL else repeat
            lines.append(f"[{value}, time(() -> {expr}, repeat: {n})]")
    return "\n".join(lines) + "\n"


def run_loss(binary, names, repeat):
    with tempfile.TemporaryDirectory(prefix="bench-losses-") as d:
        path = os.path.join(d, "bench.loss")
        with open(path, "w") as f:
            f.write(loss_script(names, repeat))
        proc = subprocess.run([binary, "--json", path], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"loss failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    results = {}
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    selected = [n for n, _ in ALL_WORKLOADS if n in names]
    if len(rows) != len(selected):
        sys.exit(f"loss printed {len(rows)} results for {len(selected)} workloads:\n{proc.stdout}")
    for name, row in zip(selected, rows):
        value, seconds = row["data"]
        results[name] = (float(value), float(seconds))
    return results


def run_torch(names, repeat):
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(2)
    torch.manual_seed(0)
    dt = torch.float64
    p = torch.rand(N_ELEM, dtype=dt)
    y = torch.randint(0, 2, (N_ELEM,)).to(dt)
    x = torch.randn(N_ELEM, dtype=dt)
    a = torch.randn(N_ELEM, dtype=dt)
    b = torch.randn(N_ELEM, dtype=dt)
    z = torch.randn(CE_ROWS, CE_CLASSES, dtype=dt)
    t = torch.randint(0, CE_CLASSES, (CE_ROWS,))
    q = torch.randn(MNR_N, MNR_D, dtype=dt)
    k = torch.randn(MNR_N, MNR_D, dtype=dt)
    labels = torch.arange(MNR_N)
    p5 = torch.rand(N_BATCH, dtype=dt)
    y5 = torch.randint(0, 2, (N_BATCH,)).to(dt)
    z4 = torch.randn(CE_SMALL_ROWS, CE_SMALL_CLASSES, dtype=dt)
    t4 = torch.randint(0, CE_SMALL_CLASSES, (CE_SMALL_ROWS,))

    def focal_probs_of(q):
        # -(1 - p_t)^γ log p_t with torch's log clamp, as `loss` defines it
        p_t = q * y + (1 - q) * (1 - y)
        return (-((1 - p_t) ** 2) * torch.clamp(torch.log(p_t), min=-100)).mean()

    def focal_probs():
        return focal_probs_of(p)

    def focal_logits():
        # torchvision.ops.sigmoid_focal_loss(x, y, alpha=-1, gamma=2, reduction="mean")
        s = torch.sigmoid(x)
        ce = F.binary_cross_entropy_with_logits(x, y, reduction="none")
        p_t = s * y + (1 - s) * (1 - y)
        return (ce * ((1 - p_t) ** 2)).mean()

    def mnr():
        # sentence-transformers MultipleNegativesRankingLoss: cos_sim · scale, CE against the diagonal
        scores = F.normalize(q, p=2, dim=1) @ F.normalize(k, p=2, dim=1).T * 20.0
        return F.cross_entropy(scores, labels)

    def backward(leaf, forward):
        # one training step's worth of autograd: forward, backward, the gradient in leaf.grad
        def step():
            leaf.grad = None
            forward(leaf).backward()
            return leaf.grad
        return step

    pg = p.clone().requires_grad_(True)
    ag = a.clone().requires_grad_(True)

    grad_fns = {
        "grad bce": backward(pg, lambda q: F.binary_cross_entropy(q, y)),
        "grad focal": backward(pg, focal_probs_of),
        "grad mse": backward(ag, lambda q: F.mse_loss(q, b)),
    }

    fns = {
        "bce": lambda: F.binary_cross_entropy(p, y),
        "bce logits": lambda: F.binary_cross_entropy_with_logits(x, y),
        "focal": focal_probs,
        "focal logits": focal_logits,
        "mse": lambda: F.mse_loss(a, b),
        "ce logits": lambda: F.cross_entropy(z, t),
        "mnr": mnr,
        "bce 100k": lambda: F.binary_cross_entropy(p5, y5),
        "ce 10kx10": lambda: F.cross_entropy(z4, t4),
    }
    def measure(f, value_of, name=""):
        value = value_of(f())  # warm-up
        times = []
        for _ in range(repeat * SMALL_REPEAT if name in SMALL else repeat):
            s = time.perf_counter()
            f()
            times.append(time.perf_counter() - s)
        return value, statistics.median(times)

    results = {}
    with torch.no_grad():
        for name, _ in WORKLOADS:
            if name in names:
                results[name] = measure(fns[name], lambda r: r.item(), name)
    for name, _, _ in GRAD_WORKLOADS:
        if name in names:
            results[name] = measure(grad_fns[name], lambda g: g.abs().sum().item())
    return results, torch.__version__


def fmt_time(s):
    return f"{s * 1e3:9.2f} ms"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--package-path", default=ROOT, help="the Swift package (default: this script's repository)")
    ap.add_argument("--scratch-path", default=None, help="build folder (default: PACKAGE/.build)")
    ap.add_argument("--no-build", action="store_true", help="use the existing release binary")
    ap.add_argument("--loss", default=None, help="path of a loss binary to use (implies --no-build)")
    ap.add_argument("--repeat", type=int, default=5, help="timed calls per workload (median), default 5")
    ap.add_argument("--rounds", type=int, default=1,
                    help="alternate loss and torch this many times and keep each workload's best median, default 1")
    ap.add_argument("--only", default=None, help="comma-separated workloads, e.g. bce,focal_logits")
    ap.add_argument("--json", default=None, metavar="PATH",
                    help="also write the results to PATH: {workload: {size, loss, torch, loss_value, torch_value}} (seconds)")
    opts = ap.parse_args()

    names = [n for n, _ in ALL_WORKLOADS]
    if opts.only:
        wanted = {w.strip().replace("_", " ") for w in opts.only.split(",")}
        unknown = wanted - set(names)
        if unknown:
            sys.exit(f"unknown workloads {sorted(unknown)}; choose from {', '.join(n.replace(' ', '_') for n in names)}")
        # a gradient row is compared with its forward: measure that too
        wanted |= {FORWARD_OF[w] for w in wanted if w in FORWARD_OF}
        names = [n for n in names if n in wanted]

    scratch = os.path.abspath(opts.scratch_path or os.path.join(opts.package_path, ".build"))
    binary = opts.loss or os.path.join(scratch, "release", "loss")
    if not opts.loss and not opts.no_build:
        cmd = ["swift", "build", "-c", "release", "--product", "loss",
               "--package-path", opts.package_path, "--scratch-path", scratch]
        print("$ " + " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, check=True, stdout=sys.stderr)
    if not os.access(binary, os.X_OK):
        sys.exit(f"no loss binary at {binary}")

    # rounds alternate loss and torch; each workload keeps its best median (least disturbed)
    lres, tres, tver = {}, {}, ""
    for r in range(opts.rounds):
        if opts.rounds > 1:
            print(f"round {r + 1}/{opts.rounds}", file=sys.stderr)
        lr = run_loss(binary, names, opts.repeat)
        tr, tver = run_torch(names, opts.repeat)
        for src, dst in ((lr, lres), (tr, tres)):
            for name, (v, t) in src.items():
                if name not in dst or t < dst[name][1]:
                    dst[name] = (v, t)

    print(f"loss ({binary}) vs torch {tver} float64, {torch_threads()} threads; "
          f"median of {opts.repeat} after a warm-up" + (f", best of {opts.rounds} rounds" if opts.rounds > 1 else "") +
          f"; {os.cpu_count()} CPUs; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}, "
          f"loss's OpenBLAS core: {blas_core(binary)}")
    print(f"{'workload':<14}{'size':>16}{'loss':>13}{'torch':>13}{'loss/torch':>12}{'grad/fwd':>10}   value loss / torch")
    sizes = {"bce": "1e7", "bce logits": "1e7", "focal": "1e7", "focal logits": "1e7", "mse": "1e7",
             "ce logits": f"{CE_ROWS}x{CE_CLASSES}", "mnr": f"{MNR_N}x{MNR_D}",
             "grad bce": "1e7", "grad focal": "1e7", "grad mse": "1e7",
             "bce 100k": "1e5", "ce 10kx10": f"{CE_SMALL_ROWS}x{CE_SMALL_CLASSES}"}
    for name in names:
        lv, lt = lres[name]
        tv, tt = tres[name]
        fwd = FORWARD_OF.get(name)
        ratio = f"{lt / lres[fwd][1]:>9.2f}x" if fwd in lres else f"{'':>10}"
        print(f"{name:<14}{sizes[name]:>16}{fmt_time(lt):>13}{fmt_time(tt):>13}{lt / tt:>11.2f}x{ratio}   "
              f"{lv:.6g} / {tv:.6g}")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({n: {"size": sizes[n], "loss": lres[n][1], "torch": tres[n][1], "loss_value": lres[n][0],
                           "torch_value": tres[n][0]} for n in names},
                      f, indent=1)


def blas_core(binary):
    """The OpenBLAS kernels `loss` runs with (OpenBLAS loads at the first matrix product)."""
    env = dict(os.environ, OPENBLAS_VERBOSE="2")
    proc = subprocess.run([binary, "-e", "[[1]] @ [[1]]"], capture_output=True, text=True, env=env)
    cores = [line.split(":", 1)[1].strip() for line in (proc.stdout + proc.stderr).splitlines() if line.startswith("Core:")]
    return cores[-1] if cores else "?"


def torch_threads():
    import torch
    return torch.get_num_threads()


if __name__ == "__main__":
    main()
