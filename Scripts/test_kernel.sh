#!/usr/bin/env bash
# Tests `loss kernel` with Jupyter's own clients (Tests/kernel/): the conformance suite
# jupyter_kernel_test, interrupts, bad signatures, restart, and nbclient running notebooks
# written by `loss notebook`. Called by Scripts/test.sh after `swift test`.
#
#   bash Scripts/test_kernel.sh            build loss if needed, set up the venv, run the tests
#   bash Scripts/test_kernel.sh --venv     only create/update the test venv (.venv-test/)
#
# The venv ($LOSS_TEST_VENV, default .venv-test/) gets the packages of Tests/kernel/requirements.txt
# (pip, re-run only when that file changes). The kernel spec is installed into a temporary
# JUPYTER_DATA_DIR (and the other Jupyter directories are temporary too), never the user's home.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${LOSS_TEST_VENV:-.venv-test}"
REQ=Tests/kernel/requirements.txt

setup_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    echo "creating the test venv $VENV…" >&2
    python3 -m venv "$VENV"
  fi
  if ! cmp -s "$REQ" "$VENV/.loss-requirements" 2>/dev/null; then
    echo "installing $(grep -cv '^#' "$REQ") Python packages into $VENV…" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQ"
    cp "$REQ" "$VENV/.loss-requirements"
  fi
}

setup_venv
[ "${1:-}" = "--venv" ] && exit 0

swift build
LOSS_BIN="$(swift build --show-bin-path)/loss"
export LOSS_BIN

tmp="$(mktemp -d "${TMPDIR:-/tmp}/loss-kernel-test.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
export JUPYTER_DATA_DIR="$tmp/data" JUPYTER_CONFIG_DIR="$tmp/config" JUPYTER_RUNTIME_DIR="$tmp/runtime"
export JUPYTER_PATH="$tmp/data" IPYTHONDIR="$tmp/ipython" JUPYTER_PLATFORM_DIRS=1
"$LOSS_BIN" kernel install --user
"$VENV/bin/jupyter-kernelspec" list 2>/dev/null

"$VENV/bin/python" -m pytest Tests/kernel -p no:cacheprovider -q "$@"
