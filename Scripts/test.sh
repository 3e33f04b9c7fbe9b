#!/usr/bin/env bash
# The test command of the README and of CI: installs what is missing, runs the unit,
# fixture and CLI tests, checks every example notebook's expected output, then tests the
# Jupyter kernel with Jupyter's own clients (Scripts/test_kernel.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
# the test venv (.venv-test/: jupyter_client, nbclient, nbformat…) first, so that `swift test`
# finds its python3 with nbformat (NotebookCLITests validates the .ipynb it writes)
bash Scripts/test_kernel.sh --venv
venv="${LOSS_TEST_VENV:-.venv-test}"
case "$venv" in /*) ;; *) venv="$PWD/$venv" ;; esac
export PATH="$venv/bin:$PATH"
swift build
swift test
"$(swift build --show-bin-path)/loss" test Examples
bash Scripts/test_kernel.sh
# a short fuzzing run (docs/reference.md §9): the libFuzzer target keeps building and the
# seed corpus and a minute of new inputs end without a crash
bash Scripts/fuzz.sh 60
