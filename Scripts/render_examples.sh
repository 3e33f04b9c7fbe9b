#!/usr/bin/env bash
# Renders the example notebooks Examples/*.loss for the documentation and checks them.
#
#   docs/examples/NAME.md          GitHub Markdown (committed)
#   docs/examples/NAME-figK.svg    its plots, as sidecar files (committed)
#
# then checks every `#>` expectation with `loss test`. Tests/LossNotebookTests/ExamplesTests.swift
# fails when a committed rendering is stale, so rerun this after changing an example or the
# renderer, and commit what changed in docs/examples.
#
# usage: Scripts/render_examples.sh [--formats DIR] [--no-test] [FILE.loss…]
#   --formats DIR  also render NAME.ipynb and NAME.html into DIR (not committed) and validate
#                  the notebooks with Scripts/validate_ipynb.py (needs `pip install nbformat`)
#   --no-test      skip `loss test`
#   FILE.loss…     only these examples (default: all of Examples/*.loss; then renderings of
#                  examples that no longer exist are removed from docs/examples)
#   LOSS=path      the loss binary to use (default: `swift build --product loss`, debug)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/docs/examples"
formats=""
test=1
files=()
while [ $# -gt 0 ]; do
    case "$1" in
        --formats) [ $# -ge 2 ] || { echo "render_examples: --formats needs a folder" >&2; exit 2; }
                   formats="$2"; shift 2 ;;
        --no-test) test=0; shift ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "render_examples: unknown option $1" >&2; exit 2 ;;
        *) files+=("$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"); shift ;;
    esac
done

if [ -z "${LOSS:-}" ]; then
    (cd "$root" && swift build --product loss >&2)
    LOSS="$(cd "$root" && swift build --show-bin-path)/loss"
fi
all=0
if [ ${#files[@]} -eq 0 ]; then
    all=1
    shopt -s nullglob
    files=("$root"/Examples/*.loss)
    shopt -u nullglob
fi
if [ ${#files[@]} -eq 0 ]; then echo "render_examples: no .loss files" >&2; exit 1; fi
mkdir -p "$out"
if [ -n "$formats" ]; then mkdir -p "$formats"; formats="$(cd "$formats" && pwd)"; fi

status=0
notebooks=()
for f in "${files[@]}"; do
    name="$(basename "${f%.loss}")"
    rm -f "$out/$name"-fig*.svg   # figures of an earlier run that may no longer exist
    # run from the examples folder, so that relative paths in a script resolve the same way every time
    (cd "$(dirname "$f")" && "$LOSS" notebook "$(basename "$f")" -o "$out/$name.md") || status=1
    if [ -n "$formats" ]; then
        (cd "$(dirname "$f")" && "$LOSS" notebook "$(basename "$f")" -o "$formats/$name.ipynb" \
            && "$LOSS" notebook "$(basename "$f")" -o "$formats/$name.html") || status=1
        notebooks+=("$formats/$name.ipynb")
    fi
    echo "rendered $f"
done

if [ $all -eq 1 ]; then
    # renderings of examples that were renamed or removed
    for md in "$out"/*.md; do
        name="$(basename "${md%.md}")"
        [ "$name" = README ] && continue
        if [ ! -f "$root/Examples/$name.loss" ]; then
            echo "removing stale $md"
            rm -f "$md" "$out/$name"-fig*.svg
        fi
    done
fi

if [ ${#notebooks[@]} -gt 0 ]; then
    if python3 -c "import nbformat" 2>/dev/null; then
        python3 "$root/Scripts/validate_ipynb.py" "${notebooks[@]}" || status=1
    else
        echo "render_examples: nbformat is not installed; skipping ipynb validation (pip install nbformat)" >&2
        status=1
    fi
fi
if [ $test -eq 1 ]; then
    "$LOSS" test "${files[@]}" || status=1
fi
exit $status
