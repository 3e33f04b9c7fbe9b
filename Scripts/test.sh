#!/usr/bin/env bash
# The test command of the README and of CI: installs what is missing, runs the unit,
# fixture and CLI tests, then checks every example notebook's expected output.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
swift build
swift test
"$(swift build --show-bin-path)/loss" test Examples
# a short fuzzing run (docs/reference.md §9): the libFuzzer target keeps building and the
# seed corpus and a minute of new inputs end without a crash
bash Scripts/fuzz.sh 60
