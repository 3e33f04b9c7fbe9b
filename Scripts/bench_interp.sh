#!/usr/bin/env bash
# Interpreter speed, side by side with CPython in one run (issue: scalar loop and fib(27)).
# Usage: Scripts/bench_interp.sh [runs]   — builds `loss` in release mode first.
# Prints the best-of-N wall time of each workload in loss and python3 and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
swift build -c release --product loss >/dev/null
LOSS=$(swift build -c release --show-bin-path)/loss
PY=${PYTHON:-python3}
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
cat > "$tmp/fib.loss" <<'X'
fn fib(n) = if n < 2 then n else fib(n-1) + fib(n-2)
fib(27)
X
cat > "$tmp/fib.py" <<'X'
def fib(n):
    return n if n < 2 else fib(n-1) + fib(n-2)
print(fib(27))
X

best() {  # best wall time in seconds of N runs of a command
  local b=999
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
    b=$(awk -v s="$s" -v e="$e" -v b="$b" 'BEGIN { d = e - s; print (d < b) ? d : b }')
  done
  echo "$b"
}

printf '%-28s %10s %10s %8s\n' workload "loss (s)" "python (s)" "py/loss"
for w in loop fib; do
  l=$(best "$LOSS" "$tmp/$w.loss")
  p=$(best "$PY" "$tmp/$w.py")
  printf '%-28s %10.3f %10.3f %8.2f\n' "$w" "$l" "$p" "$(awk -v p="$p" -v l="$l" 'BEGIN { print p / l }')"
done
echo "(whole-process wall time incl. start-up; $($PY --version 2>&1); best of $runs)"
