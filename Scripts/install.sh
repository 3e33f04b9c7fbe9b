#!/usr/bin/env bash
# Installs `loss` on the PATH with its shell completions (and, when Jupyter is installed and
# `loss` has a kernel, its kernel spec).
#
# usage: bash Scripts/install.sh [--prefix DIR]
#   DIR defaults to ~/.local (or /usr/local as root). Installs:
#     DIR/bin/loss
#     DIR/share/bash-completion/completions/loss        (bash-completion finds it there)
#     DIR/share/zsh/site-functions/_loss                (add DIR/share/zsh/site-functions to fpath)
#     DIR/share/fish/vendor_completions.d/loss.fish
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -eq 0 ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a folder" >&2; exit 2; }; prefix="$2"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
bash Scripts/setup.sh
swift build -c release --product loss
bin="$(swift build -c release --show-bin-path)/loss"
mkdir -p "$prefix/bin" "$prefix/share/bash-completion/completions" "$prefix/share/zsh/site-functions" \
         "$prefix/share/fish/vendor_completions.d"
install -m 755 "$bin" "$prefix/bin/loss"
"$prefix/bin/loss" --generate-completion-script bash > "$prefix/share/bash-completion/completions/loss"
"$prefix/bin/loss" --generate-completion-script zsh > "$prefix/share/zsh/site-functions/_loss"
"$prefix/bin/loss" --generate-completion-script fish > "$prefix/share/fish/vendor_completions.d/loss.fish"
echo "installed $prefix/bin/loss and its bash, zsh and fish completions"
# the Jupyter kernel spec, where Jupyter is installed and this loss has a kernel
if command -v jupyter >/dev/null 2>&1 && "$prefix/bin/loss" kernel --help >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && [ "$prefix" = /usr/local ]; then "$prefix/bin/loss" kernel install --prefix "$prefix"
    else "$prefix/bin/loss" kernel install --user; fi
fi
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "note: $prefix/bin is not on your PATH; add it, e.g. export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
