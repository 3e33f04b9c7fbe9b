#!/usr/bin/env bash
# Installs what `loss` needs on Debian/Ubuntu when it is missing: GNU readline, OpenBLAS and
# cmark-gfm (GitHub's Markdown, for notebooks' text cells), ZeroMQ (the Jupyter kernel), and
# python3-venv for the kernel's tests (Scripts/test_kernel.sh).
# Safe to run again: it does nothing when all are installed.
set -euo pipefail
need=()
for pkg in libreadline-dev libopenblas-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libzmq3-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
# the tests' venv: any python3 that can make one will do (e.g. pyenv's); else Debian's
if ! { command -v python3 >/dev/null 2>&1 && python3 -c 'import venv, ensurepip' >/dev/null 2>&1; }; then
  dpkg -s python3-venv >/dev/null 2>&1 || need+=(python3-venv)
fi
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing ${need[*]}…" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
