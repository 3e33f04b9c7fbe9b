#!/usr/bin/env bash
# Builds the libFuzzer target Fuzz/LossFuzz.swift (address sanitizer + coverage; apart from the
# normal build, in .build-fuzz) and runs it: half the time on program text (seeded with
# Fuzz/corpus/text), half on structured calls of every built-in (Fuzz/corpus/registry).
#
#   Scripts/fuzz.sh SECONDS [text|registry|both]      (default: 60 both)
#
# New inputs go to .build-fuzz/corpus-MODE; crashes to .build-fuzz/artifacts/ (the script then
# exits 1 and names them). Reproduce one with:
#   LOSS_FUZZ_MODE=MODE LOSS_FUZZ_VERBOSE=1 .build-fuzz/loss-fuzz ARTIFACT
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TOTAL=${1:-60}
MODES=${2:-both}
B=.build-fuzz
mkdir -p "$B/artifacts" "$B/corpus-text" "$B/corpus-registry"

ROOT=$(pwd)
FLAGS=(-O -g -sanitize=fuzzer,address -swift-version 5 -parse-as-library -I "$ROOT/$B" -I "$ROOT/Sources/COpenBLAS")
# rebuilt only when their sources change (the libraries take several minutes with the sanitizer)
core_src=$(cat Sources/LossCore/*.swift Sources/LossCore/*/*.swift | cksum)
lang_src=$(cat Sources/LossLang/*.swift Sources/LossLang/*/*.swift | cksum)
if [ "$(cat "$B/.core" 2>/dev/null)" != "$core_src" ]; then
    echo "fuzz: building LossCore with the sanitizer (several minutes)…" >&2
    rm -rf "$B/core" "$B/.lang"; mkdir -p "$B/core"
    # whole-module, code generation on two threads: one object per source file, in its own folder
    (cd "$B/core" && swiftc "${FLAGS[@]}" -module-name LossCore -wmo -num-threads 2 -emit-module \
        -emit-module-path "$ROOT/$B/LossCore.swiftmodule" -c "$ROOT"/Sources/LossCore/*.swift "$ROOT"/Sources/LossCore/*/*.swift)
    echo "$core_src" > "$B/.core"
fi
if [ "$(cat "$B/.lang" 2>/dev/null)" != "$lang_src" ]; then
    echo "fuzz: building LossLang with the sanitizer (several minutes)…" >&2
    rm -rf "$B/lang"; mkdir -p "$B/lang"
    (cd "$B/lang" && swiftc "${FLAGS[@]}" -enforce-exclusivity=unchecked -module-name LossLang -wmo -num-threads 2 -emit-module \
        -emit-module-path "$ROOT/$B/LossLang.swiftmodule" -c "$ROOT"/Sources/LossLang/*.swift "$ROOT"/Sources/LossLang/*/*.swift)
    echo "$lang_src" > "$B/.lang"
fi
rm -f "$B/loss-fuzz"
swiftc "${FLAGS[@]}" -module-name LossFuzz Fuzz/LossFuzz.swift "$B"/core/*.o "$B"/lang/*.o -lopenblas -o "$B/loss-fuzz" 2>&1 \
    | grep -v -e 'Cannot export local symbol' -e 'Sendable' >&2 || true
[ -x "$B/loss-fuzz" ] || { echo "fuzz: the target did not build" >&2; exit 1; }

run_mode() {  # run_mode MODE SECONDS
    local mode=$1 secs=$2
    [ "$secs" -lt 1 ] && secs=1
    echo "fuzz: $mode for ${secs}s" >&2
    # ASan: leaks are not bugs here (caches live for the process); one allocation above
    # 1100 MB means an allocation that escaped the memory limit (the fuzzer's limit is 256 MB).
    # a 1 GiB stack for the main thread, where the target then runs every input (as the REPL's
    # statements run on a 1 GiB thread): deep recursion is an error, not a stack overflow
    ulimit -s 1048576 2>/dev/null || ulimit -s unlimited 2>/dev/null || true
    OPENBLAS_NUM_THREADS=1 LOSS_FUZZ_MODE=$mode ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=0 \
        "$B/loss-fuzz" -max_total_time="$secs" -timeout=20 -rss_limit_mb=6000 -malloc_limit_mb=1100 \
        -max_len=4096 -print_final_stats=1 -artifact_prefix="$B/artifacts/$mode-" \
        "$B/corpus-$mode" "Fuzz/corpus/$mode" 2>&1 | tee "$B/last-$mode.log" | grep -E '^(#[0-9]+ +(DONE|INITED|pulse))|stat::|==ERROR|SUMMARY|Test unit written|deadly|timeout|out-of-memory|malloc' >&2 || true
}

case "$MODES" in
    text|registry) run_mode "$MODES" "$SECONDS_TOTAL" ;;
    both) run_mode text $((SECONDS_TOTAL / 2)); run_mode registry $((SECONDS_TOTAL - SECONDS_TOTAL / 2)) ;;
    *) echo "usage: Scripts/fuzz.sh SECONDS [text|registry|both]" >&2; exit 2 ;;
esac

crashes=$(ls "$B/artifacts" 2>/dev/null | wc -l)
if [ "$crashes" -gt 0 ]; then
    echo "fuzz: $crashes input(s) in $B/artifacts:" >&2
    ls "$B/artifacts" >&2
    exit 1
fi
echo "fuzz: no crash" >&2
