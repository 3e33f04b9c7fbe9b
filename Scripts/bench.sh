#!/usr/bin/env bash
# The speed table of `loss` (README "Performance"), in one run: builds `loss` in release mode,
# runs the interpreter workloads against CPython (Scripts/bench_interp.sh: fib(27), map 1M, scalar
# loop 3M, start-up) and the loss workloads against torch float64 with 2 threads
# (Scripts/bench_losses.py), each the median of 5 runs, and prints one Markdown table:
# workload | loss | peer | loss/peer | target.
# Usage: Scripts/bench.sh [--no-build] [--runs N]   (python3 with torch must be on PATH)
set -euo pipefail
exec python3 "$(dirname "$0")/bench_table.py" "$@"
