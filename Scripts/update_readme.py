#!/usr/bin/env python3
"""Regenerates the README's table of built-ins and docs/coming-from.md from the registry.

Usage: python3 Scripts/update_readme.py   (builds `loss` in debug mode first)
The test ReadmeTests.testBuiltinTableIsCurrent fails when the README is stale.
"""
import pathlib, re, subprocess, sys

root = pathlib.Path(__file__).resolve().parent.parent
subprocess.run(["swift", "build", "--product", "loss"], cwd=root, check=True)
bin_path = subprocess.run(["swift", "build", "--show-bin-path"], cwd=root, check=True, capture_output=True, text=True).stdout.strip()
table = subprocess.run([bin_path + "/loss", "--builtin-table"], check=True, capture_output=True, text=True).stdout
readme = root / "README.md"
text = readme.read_text()
start, end = "<!-- builtins:start -->\n", "<!-- builtins:end -->"
if start not in text or end not in text:
    sys.exit("README.md lacks the builtins markers")
head, rest = text.split(start, 1)
_, tail = rest.split(end, 1)
readme.write_text(head + start + table + end + tail)
print("README.md updated")
porting = subprocess.run([bin_path + "/loss", "--porting-table"], check=True, capture_output=True, text=True).stdout
(root / "docs" / "coming-from.md").write_text(porting)
print("docs/coming-from.md updated")
