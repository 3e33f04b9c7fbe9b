#!/usr/bin/env python3
"""Writes the fuzzer's seed corpus (Fuzz/corpus/text): the example notebooks, every built-in's
help example, and the programs in the language tests' string literals. Run by hand when they
change; the corpus is kept in the repository."""
import hashlib, pathlib, re

root = pathlib.Path(__file__).resolve().parent.parent
out = root / "Fuzz" / "corpus" / "text"
out.mkdir(parents=True, exist_ok=True)
seeds = set()
for p in sorted((root / "Examples").glob("*.loss")):
    seeds.add(p.read_text())

literal = re.compile(r'#"((?:[^"]|"(?!#))*)"#|"((?:[^"\\\n]|\\.)*)"')
def unescape(s):
    return s.replace("\\n", "\n").replace("\\t", "\t").replace('\\"', '"').replace("\\\\", "\\")

for p in sorted((root / "Sources" / "LossLang" / "Builtins").glob("*.swift")):
    for m in re.finditer(r'example:\s*"((?:[^"\\]|\\.)*)"', p.read_text()):
        seeds.add(unescape(m.group(1)))
for name in ["LanguageTests", "RecordTests", "CoreBuiltinsTests", "TensorMoreTests", "LossWiringTests", "RandomIOBuiltinsTests"]:
    p = root / "Tests" / "LossLangTests" / f"{name}.swift"
    if not p.exists():
        continue
    for m in literal.finditer(p.read_text()):
        raw = m.group(1) if m.group(1) is not None else unescape(m.group(2))
        if len(raw) >= 6 and any(c in raw for c in "=(["):
            seeds.add(raw)
for old in out.glob("*"):
    old.unlink()
for s in sorted(seeds):
    if any(w in s for w in ("save(", "load(", "savefig(")):
        continue
    (out / hashlib.sha1(s.encode()).hexdigest()[:16]).write_text(s)
print(len(list(out.glob("*"))), "seeds in", out.relative_to(root))
