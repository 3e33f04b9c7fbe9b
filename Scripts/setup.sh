#!/usr/bin/env bash
# Installs what `loss` needs on Debian/Ubuntu when it is missing: GNU readline, OpenBLAS and
# cmark-gfm (GitHub's Markdown, for notebooks' text cells).
# Safe to run again: it does nothing when both are installed.
set -euo pipefail
need=()
for pkg in libreadline-dev libopenblas-dev libcmark-gfm-dev libcmark-gfm-extensions-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing ${need[*]}…" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
