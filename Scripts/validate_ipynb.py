#!/usr/bin/env python3
"""Validates notebooks written by `loss notebook … -o X.ipynb` against the nbformat schema.

usage: Scripts/validate_ipynb.py FILE.ipynb…      (needs `pip install nbformat`)

For each file: reads it with nbformat (as version 4), runs nbformat.validate, and checks
what `loss` promises beyond the schema: nbformat 4.5, unique cell ids, and that the file
is byte-identical to nbformat's own serialisation (sorted keys, indent 1). Exits 1 if any
file fails, 2 on a usage error.
"""
import sys


def main(paths):
    try:
        import nbformat
    except ImportError:
        print("validate_ipynb: nbformat is not installed (pip install nbformat)", file=sys.stderr)
        return 2
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    failed = 0
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            nb = nbformat.reads(text, as_version=4)
            nbformat.validate(nb)
            problems = []
            if (nb.nbformat, nb.nbformat_minor) != (4, 5):
                problems.append(f"nbformat {nb.nbformat}.{nb.nbformat_minor}, expected 4.5")
            ids = [c.get("id") for c in nb.cells]
            if None in ids or len(set(ids)) != len(ids):
                problems.append("cell ids missing or not unique")
            if nbformat.writes(nb) + "\n" != text:
                problems.append("not byte-identical to nbformat.writes (key order, indentation)")
            if problems:
                raise ValueError("; ".join(problems))
            outputs = sum(len(c.get("outputs", [])) for c in nb.cells)
            print(f"ok {path} ({len(nb.cells)} cells, {outputs} outputs)")
        except Exception as e:  # report every file, then fail
            failed += 1
            print(f"FAIL {path}: {type(e).__name__}: {e}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
