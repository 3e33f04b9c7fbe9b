#!/usr/bin/env bash
# Accuracy of the vectorised log, log1p and exp (Sources/LossCore/VecMath.swift) against glibc:
# compiles VecMath with the checker (Scripts/check_vecmath/main.swift) optimised as in the release
# build, runs it on MILLIONS (default 40) million arguments per function, and, with --mp, compares
# a sample with correctly rounded values from mpmath (Scripts/check_vecmath_mp.py).
# Usage: Scripts/check_vecmath.sh [MILLIONS] [--mp]
set -euo pipefail
cd "$(dirname "$0")/.."
millions=40; mp=0
for a in "$@"; do case "$a" in --mp) mp=1 ;; *) millions=$a ;; esac; done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
swiftc -O ${SWIFTFLAGS:-} -module-name VecMathCheck Sources/LossCore/VecMath.swift Sources/LossCore/VecMathTable.swift \
  Scripts/check_vecmath/main.swift -o "$tmp/check"
if [ "$mp" = 1 ]; then
  "$tmp/check" "$millions" "$tmp/sample.txt"
  python3 Scripts/check_vecmath_mp.py "$tmp/sample.txt"
else
  "$tmp/check" "$millions"
fi
