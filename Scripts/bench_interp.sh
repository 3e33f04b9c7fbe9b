#!/usr/bin/env bash
# Interpreter speed, side by side with CPython in one run (issue: scalar loop and fib(27)).
# Usage: Scripts/bench_interp.sh [runs]   — builds `loss` in release mode first.
# Prints the best-of-N wall time of each workload in loss and python3 and the ratio.
# Environment: LOSS_BIN=path uses that binary (no build); BENCH_STAT=median takes the median of the
# N runs instead of the best; BENCH_TSV=1 prints "workload<TAB>loss s<TAB>python s" lines only
# (Scripts/bench.sh uses all three).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
if [ -n "${LOSS_BIN:-}" ]; then
  LOSS=$LOSS_BIN
else
  swift build -c release --product loss >/dev/null
  LOSS=$(swift build -c release --show-bin-path)/loss
fi
# Time the real interpreter: `python3` on PATH may be a version-manager shim (pyenv) that adds
# ~0.1 s of its own start-up to every run. Both are reported when they differ.
SHIM=${PYTHON:-python3}
PY=$("$SHIM" -c 'import sys; print(sys.executable)')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/loop.loss" <<'X'
t = 0; for i in range(0, 3000000, 1) { t = t + i * 0.5 }; t
X
cat > "$tmp/loop.py" <<'X'
t = 0
for i in range(0, 3000000, 1):
    t = t + i * 0.5
print(t)
X
cat > "$tmp/map.loss" <<'X'
xs = range(0, 1000000, 1); ys = map(v -> v * 2 + 1, xs); ys[-1]
X
cat > "$tmp/map.py" <<'X'
xs = range(0, 1000000, 1); ys = list(map(lambda v: v * 2 + 1, xs)); print(ys[-1])
X
cat > "$tmp/startup.loss" <<'X'
focal([0.9, 0.2], [1, 0], gamma: 2)
X
cat > "$tmp/startup.py" <<'X'
pass
X
cat > "$tmp/fib.loss" <<'X'
fn fib(n) = if n < 2 then n else fib(n-1) + fib(n-2)
fib(27)
X
cat > "$tmp/fib.py" <<'X'
def fib(n):
    return n if n < 2 else fib(n-1) + fib(n-2)
print(fib(27))
X

best() {  # best (or with BENCH_STAT=median, median) wall time in seconds of N runs of a command
  local ts=""
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
    ts="$ts $(awk -v s="$s" -v e="$e" 'BEGIN { print e - s }')"
  done
  echo "$ts" | tr ' ' '\n' | grep . | sort -g | awk -v m="${BENCH_STAT:-best}" '
    { t[NR] = $1 } END { if (m == "median") print (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; else print t[1] }'
}

if [ "${BENCH_TSV:-}" = 1 ]; then
  for w in startup loop map fib; do
    if [ "$w" = startup ]; then p=$(best "$PY" -S -I "$tmp/$w.py"); else p=$(best "$PY" "$tmp/$w.py"); fi
    printf '%s\t%s\t%s\n' "$w" "$(best "$LOSS" "$tmp/$w.loss")" "$p"
  done
  exit 0
fi

printf '%-12s %10s %12s %8s %14s\n' workload "loss (s)" "python (s)" "py/loss" "shim python (s)"
for w in startup loop map fib; do
  l=$(best "$LOSS" "$tmp/$w.loss")
  if [ "$w" = startup ]; then
    p=$(best "$PY" -S -I "$tmp/$w.py"); q=$(best "$SHIM" -S -I "$tmp/$w.py")
  else
    p=$(best "$PY" "$tmp/$w.py"); q=$(best "$SHIM" "$tmp/$w.py")
  fi
  printf '%-12s %10.3f %12.3f %8.2f %14.3f\n' "$w" "$l" "$p" "$(awk -v p="$p" -v l="$l" 'BEGIN { print p / l }')" "$q"
done
echo "(whole-process wall time incl. start-up, best of $runs; python: $PY, $("$PY" --version 2>&1); shim: $(command -v "$SHIM"))"
