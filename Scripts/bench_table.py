#!/usr/bin/env python3
"""The speed table (Scripts/bench.sh): runs Scripts/bench_interp.sh and Scripts/bench_losses.py on
one release build and prints their results as one Markdown table with the targets of the speed issue.

  interpreter rows: whole-process wall time, `loss` vs CPython's real binary (sys.executable, not
                    a pyenv shim), the median of N runs (bench_interp.sh, BENCH_STAT=median)
  loss rows:        the median of N timed calls after a warm-up, `loss` vs torch float64 with
                    torch.set_num_threads(2) (bench_losses.py; batch-sized rows take 20× N calls)

loss/peer above 1 means `loss` is slower. TARGETS below holds the issue's targets (edit there).
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# row label, source ("interp" or "losses"), key in that source's output, target of loss/peer
ROWS = [
    ("fib(27)", "interp", "fib", "≤ 0.5×"),
    ("map 1M", "interp", "map", "≤ 0.5×"),
    ("scalar loop 3M", "interp", "loop", "≤ 0.33×"),
    ("start-up (`loss -e 'focal(…)'` vs `python3 -S -I -c pass`)", "interp", "startup", "≤ 1.0×"),
    ("bce 10M probabilities", "losses", "bce", "≤ 0.5×"),
    ("bce 10M logits", "losses", "bce logits", "≤ 0.5×"),
    ("bce 100k probabilities", "losses", "bce 100k", "≤ 1.0×"),
    ("cross_entropy logits 10k×10", "losses", "ce 10kx10", "≤ 1.0×"),
    ("cross_entropy logits 100k×100", "losses", "ce logits", "≤ 1.0×"),
    ("focal 10M probabilities (γ 2)", "losses", "focal", "≤ 1.0×"),
    ("focal 10M logits (γ 2)", "losses", "focal logits", "≤ 1.0×"),
    ("mse 10M", "losses", "mse", "≤ 1.0×"),
    ("mnr 2048×512", "losses", "mnr", "≤ 1.0×"),
    ("grad bce 10M", "losses", "grad bce", "≤ 1.0×"),
    ("grad focal 10M", "losses", "grad focal", "≤ 1.0×"),
    ("grad mse 10M", "losses", "grad mse", "≤ 1.0×"),
]


def fmt(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def met(ratio, target):
    bound = float(target.split()[-1].rstrip("×"))
    return "✓" if ratio <= bound else "✗"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-build", action="store_true", help="use the existing release binary")
    ap.add_argument("--runs", type=int, default=5, help="runs (interpreter) and timed calls (losses) per median, default 5")
    opts = ap.parse_args()

    if not opts.no_build:
        cmd = ["swift", "build", "-c", "release", "--product", "loss", "--package-path", ROOT]
        print("$ " + " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, check=True, stdout=sys.stderr)
    bindir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path", "--package-path", ROOT],
                            check=True, capture_output=True, text=True).stdout.strip()
    loss = os.path.join(bindir, "loss")
    if not os.access(loss, os.X_OK):
        sys.exit(f"no loss binary at {loss}")

    print("interpreter workloads (Scripts/bench_interp.sh)…", file=sys.stderr)
    env = dict(os.environ, LOSS_BIN=loss, BENCH_STAT="median", BENCH_TSV="1")
    out = subprocess.run(["bash", os.path.join(ROOT, "Scripts", "bench_interp.sh"), str(opts.runs)],
                         check=True, capture_output=True, text=True, env=env).stdout
    interp = {}
    for line in out.splitlines():
        name, l, p = line.split("\t")
        interp[name] = (float(l), float(p))

    print("loss workloads (Scripts/bench_losses.py)…", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="bench-") as d:
        path = os.path.join(d, "losses.json")
        subprocess.run([sys.executable, os.path.join(ROOT, "Scripts", "bench_losses.py"), "--no-build", "--loss", loss,
                        "--repeat", str(opts.runs), "--json", path], check=True, stdout=sys.stderr)
        losses = {k: (v["loss"], v["torch"]) for k, v in json.load(open(path)).items()}

    import torch
    py = subprocess.run(["python3", "-c", "import sys; print(sys.executable)"], capture_output=True, text=True).stdout.strip()
    pyver = subprocess.run([py, "--version"], capture_output=True, text=True).stdout.strip()
    cpu = "?"
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    if subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True).stdout.strip():
        rev += "+changes"
    print(f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, {cpu}, {os.cpu_count()} CPUs, "
          f"{platform.system()} {platform.machine()}; loss {rev} (release); peers: {pyver} ({py}), "
          f"torch {torch.__version__} float64, 2 threads; median of {opts.runs}\n")
    print("| workload | loss | peer | loss/peer | target |")
    print("|---|---:|---:|---:|---|")
    for label, src, key, target in ROWS:
        table = interp if src == "interp" else losses
        if key not in table:
            continue
        l, p = table[key]
        peer = "CPython" if src == "interp" else "torch"
        r = l / p
        print(f"| {label} | {fmt(l)} | {fmt(p)} ({peer}) | {r:.2f}× | {target} {met(r, target)} |")


if __name__ == "__main__":
    main()
