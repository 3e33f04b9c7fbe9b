#!/usr/bin/env bash
# The test command of the README and of CI: installs what is missing, runs the unit,
# fixture and CLI tests, then checks every example notebook's expected output.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh
swift build
swift test
"$(swift build --show-bin-path)/loss" test Examples
