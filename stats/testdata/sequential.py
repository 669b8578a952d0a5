"""Reference for stats.Sequential: reads cases as JSON on stdin, writes
scipy's p-value, critical value, interval, decision and seeds to decide.

Each case: {"d": gains, "alpha": family-wise alpha, "looks": K,
"min_gain": m, "limit": largest seed count to search}.
"""
import json
import sys

import numpy as np
from scipy import stats

out = []
for c in json.load(sys.stdin):
    d = np.array(c["d"])
    a = c["alpha"] / c["looks"]
    n = len(d)
    res = stats.ttest_1samp(d, 0.0)
    sd = float(np.std(d, ddof=1))
    q = float(stats.t.ppf(1 - a / 2, n - 1))
    se = sd / np.sqrt(n)
    mean = float(np.mean(d))
    lo, hi = mean - q * se, mean + q * se
    if res.pvalue < a:
        decision = "helps" if mean > 0 else "hurts"
    elif lo >= -c["min_gain"] and hi <= c["min_gain"]:
        decision = "negligible"
    else:
        decision = ""
    need = 0
    for m in range(max(n + 1, 2), c["limit"] + 1):
        half = stats.t.ppf(1 - a / 2, m - 1) * sd / np.sqrt(m)
        if half < abs(mean) or half <= c["min_gain"] - abs(mean):
            need = m
            break
    out.append({"p": float(res.pvalue), "t": float(res.statistic), "critical": q,
                "ci_low": lo, "ci_high": hi, "decision": decision, "seeds_to_decide": need})
json.dump(out, sys.stdout)
