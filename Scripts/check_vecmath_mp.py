#!/usr/bin/env python3
"""Compares a sample written by the VecMath checker (Scripts/check_vecmath.sh --mp) with correctly
rounded values (mpmath, 200 bits): the largest error in ulps of VecMath's result and of glibc's.
Lines: "fn x ours glibc" with hex floats (fn: log, log1p, exp; others are skipped)."""
import math
import sys

import mpmath

mpmath.mp.prec = 200
FNS = {"log": mpmath.log, "log1p": mpmath.log1p, "exp": mpmath.exp}


def ulp_err(y, exact):
    """|y − exact| in ulps of the exact value (float ulp at its magnitude)."""
    if math.isnan(y) or math.isinf(y):
        return 0.0 if (math.isinf(y) and (mpmath.isinf(exact) or abs(exact) > sys.float_info.max)) else math.inf
    ref = float(exact)
    u = math.ulp(ref) if ref != 0 and not math.isinf(ref) else math.ulp(0.0)
    return float(abs(mpmath.mpf(y) - exact) / u)


stats = {}
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) != 4 or parts[0] not in FNS:
        continue
    fn, x, ours, glibc = parts[0], float.fromhex(parts[1]), float.fromhex(parts[2]), float.fromhex(parts[3])
    if math.isnan(x) or math.isinf(x) or (fn != "exp" and (x < 0 if fn == "log" else x <= -1)) or (fn == "log" and x == 0):
        continue
    exact = FNS[fn](mpmath.mpf(x))
    if fn == "exp" and (exact > sys.float_info.max or exact < 2.0 ** -1074):
        continue
    s = stats.setdefault(fn, [0, 0.0, None, 0.0, None])
    s[0] += 1
    eo, eg = ulp_err(ours, exact), ulp_err(glibc, exact)
    if eo > s[1]:
        s[1], s[2] = eo, x
    if eg > s[3]:
        s[3], s[4] = eg, x
for fn, (n, mo, xo, mg, xg) in stats.items():
    print(f"{fn:<6} {n:>7} sampled arguments vs correctly rounded (mpmath): VecMath max {mo:.3f} ulp (x = {xo.hex() if xo is not None else '-'}), "
          f"glibc max {mg:.3f} ulp (x = {xg.hex() if xg is not None else '-'})")
