#!/usr/bin/env bash
# Renders the textbook notebooks Examples/*.loss with `loss notebook`:
#   Markdown (GitHub): OUT/NAME.md, plots as sidecar files OUT/NAME-figK.svg
#   Jupyter:           OUT/NAME.ipynb (validated with Scripts/validate_ipynb.py when nbformat is installed)
#   HTML:              OUT/NAME.html (self-contained), only with --html
# then checks the `#>` expectations with `loss test`.
#
# usage: Scripts/render_examples.sh [--out DIR] [--html] [--no-test] [FILE.loss…]
#   --out DIR   where to write (default: Examples, next to the scripts)
#   LOSS=path   the loss binary to use (default: build the release product with swift build)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/Examples"
html=0
test=1
files=()
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out="$2"; shift 2 ;;
        --html) html=1; shift ;;
        --no-test) test=0; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        -*) echo "render_examples: unknown option $1" >&2; exit 2 ;;
        *) files+=("$1"); shift ;;
    esac
done

if [ -z "${LOSS:-}" ]; then
    (cd "$root" && swift build -c release --product loss >&2)
    LOSS="$(cd "$root" && swift build -c release --show-bin-path)/loss"
fi
if [ ${#files[@]} -eq 0 ]; then
    shopt -s nullglob
    files=("$root"/Examples/*.loss)
fi
if [ ${#files[@]} -eq 0 ]; then echo "render_examples: no .loss files" >&2; exit 1; fi
mkdir -p "$out"

status=0
notebooks=()
for f in "${files[@]}"; do
    name="$(basename "${f%.loss}")"
    rm -f "$out/$name"-fig*.svg   # figures of an earlier run that may no longer exist
    "$LOSS" notebook "$f" -o "$out/$name.md" || status=1
    "$LOSS" notebook "$f" -o "$out/$name.ipynb" 2>/dev/null || status=1
    notebooks+=("$out/$name.ipynb")
    if [ $html -eq 1 ]; then "$LOSS" notebook "$f" -o "$out/$name.html" 2>/dev/null || status=1; fi
    echo "rendered $f"
done

if python3 -c "import nbformat" 2>/dev/null; then
    python3 "$root/Scripts/validate_ipynb.py" "${notebooks[@]}" || status=1
else
    echo "render_examples: nbformat not installed; skipping ipynb validation (pip install nbformat)" >&2
fi
if [ $test -eq 1 ]; then
    "$LOSS" test "${files[@]}" || status=1
fi
exit $status
