"""Reference values for stats/ttest_test.go, computed with numpy and scipy.

Reads a JSON list of cases from stdin, each {"a": [...], "b": [...],
"ratio": r or null, "alpha": a}, and prints one JSON list with, for each
case, mean, se, t, df, p, ci_low, ci_high.

ratio null: scipy.stats.ttest_rel(a, b) and its confidence interval at
1 - alpha. ratio r: the Nadeau-Bengio corrected resampled t-test on
d = a - b, written out from its formula (scipy has no such test):
se = sqrt((1/n + r) * var(d, ddof=1)), t = mean(d) / se, n - 1 degrees of
freedom, p = 2 * sf(|t|), ci = mean -/+ ppf(1 - alpha/2) * se.
"""
import json
import math
import sys

import numpy as np
from scipy import stats

out = []
for case in json.load(sys.stdin):
    a = np.array(case["a"], dtype=np.float64)
    b = np.array(case["b"], dtype=np.float64)
    alpha = case["alpha"]
    d = a - b
    n = len(d)
    if case["ratio"] is None:
        res = stats.ttest_rel(a, b)
        ci = res.confidence_interval(confidence_level=1 - alpha)
        se = math.sqrt(np.var(d, ddof=1) / n)
        out.append({"mean": float(np.mean(d)), "se": se, "t": float(res.statistic), "df": float(res.df),
                    "p": float(res.pvalue), "ci_low": float(ci.low), "ci_high": float(ci.high)})
    else:
        mean = float(np.mean(d))
        se = math.sqrt((1 / n + case["ratio"]) * np.var(d, ddof=1))
        t = mean / se
        q = stats.t.ppf(1 - alpha / 2, n - 1)
        out.append({"mean": mean, "se": se, "t": t, "df": float(n - 1),
                    "p": float(2 * stats.t.sf(abs(t), n - 1)),
                    "ci_low": mean - q * se, "ci_high": mean + q * se})
print(json.dumps(out))
