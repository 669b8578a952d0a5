#!/usr/bin/python3
"""Recomputes an adaptive ablation from runs.csv with scipy, following the
rule docs/adaptive.md documents, and compares every figure with kxrun's
JSON summary (kxrun ablation PLAN --adaptive --json).

    check.py RUNS_CSV SUMMARY_JSON

For each comparison and each look it was tested at: the gains over the
look's seeds (the first `seeds` of the summary's seed list) where both runs
are ok, scipy.stats.ttest_1samp, the look's level alpha / len(looks), the
critical value t.ppf(1 - level/2, n - 1), the interval mean ± critical·SE
and the decision; then the verdict, the look it settled at, and how many
runs each variant got (no more once all its comparisons had settled).
Prints "checked N figures against scipy", or MISMATCH lines and exits 1.
"""
import csv
import json
import math
import sys

from scipy import stats

runs_csv, summary_json = sys.argv[1:3]
s = json.load(open(summary_json))
a = s["adaptive"]
looks = a["looks"]
level = s["alpha"] / len(looks)
min_gain = s["min_gain"]
sign = 1.0 if s["direction"] == "maximize" else -1.0
seeds = s["seeds"]

ids, canon = set(), {}
for v in s["variants"]:
    ids.update(v["run_ids"])
    canon[v["variant"]] = v.get("same_as") or v["variant"]
score, runs = {}, {}
for row in csv.DictReader(open(runs_csv, newline="")):
    if row["run_id"] not in ids:
        continue
    key = (row["variant"], int(row["seed"]))
    runs[row["variant"]] = runs.get(row["variant"], 0) + 1
    if row["status"] == "ok" and row["cv_score"] != "":
        score[key] = float(row["cv_score"])

bad, checked = [], 0


def same(what, want, got, tol=1e-8):
    global checked
    checked += 1
    if isinstance(want, str) or want is None or got is None:
        ok = want == got
    else:
        ok = math.isclose(want, got, rel_tol=tol, abs_tol=1e-15)
    if not ok:
        bad.append(f"MISMATCH {what}: scipy {want!r}, kxrun {got!r}")


def decide(t, lo, hi, crit):
    if t > crit:
        return "helps"
    if t < -crit:
        return "hurts"
    if lo >= -min_gain and hi <= min_gain:
        return "negligible"
    return ""


needed_until = {}  # canonical variant -> last look it was needed at
for c in a["comparisons"]:
    name = c["variant"]
    v, r = canon[c["variant"]], canon[c["reference"]]
    for i, t in enumerate(c["tests"]):
        same(f"{name} look number", i + 1, t["look"])
        same(f"{name} look {t['look']} seeds", looks[t["look"] - 1], t["seeds"])
        gains = []
        for seed in seeds[: t["seeds"]]:
            if (v, seed) in score and (r, seed) in score:
                d = score[(v, seed)] - score[(r, seed)]
                if c["way"] == "leave_one_out":
                    d = -d
                gains.append(sign * d)
        n = len(gains)
        mean = sum(gains) / n
        sd = stats.tstd(gains)
        se = sd / math.sqrt(n)
        res = stats.ttest_1samp(gains, 0.0)
        p, tstat = float(res.pvalue), float(res.statistic)
        if sd == 0:  # identical gains: kxrun's convention (docs/adaptive.md)
            p, tstat = (1.0, 0.0) if mean == 0 else (0.0, math.copysign(math.inf, mean))
        crit = stats.t.ppf(1 - level / 2, n - 1)
        lo, hi = mean - crit * se, mean + crit * se
        at = f"{name} look {t['look']}"
        same(at + " n", n, t["n"])
        same(at + " mean", mean, t["mean"], 1e-10)
        same(at + " sd", sd, t["sd"], 1e-10)
        same(at + " p", p, t["p"])
        same(at + " alpha", level, t["alpha"], 1e-15)
        same(at + " critical", float(crit), t["critical"])
        same(at + " ci_low", lo, t["ci_low"])
        same(at + " ci_high", hi, t["ci_high"])
        want = decide(tstat, lo, hi, crit)
        same(at + " decision", want, t["decision"])
        if want and i != len(c["tests"]) - 1:
            bad.append(f"MISMATCH {name}: decided {want} at look {t['look']} but tested again later")
    last = c["tests"][-1]["decision"] if c["tests"] else ""
    same(name + " verdict", last or "noise", c["verdict"])
    same(name + " settled", bool(last), c["settled"])
    same(name + " settled_look", c["tests"][-1]["look"] if last else 0, c["settled_look"])
    until = c["settled_look"] if c["settled"] else a["looks_done"]
    for x in (v, r):
        needed_until[x] = max(needed_until.get(x, 0), until)

if a["stopped"] in ("every comparison settled", "max_seeds reached"):
    for x, look in needed_until.items():
        same(f"runs of {x}", looks[look - 1], runs.get(x, 0))

if bad:
    print("\n".join(bad))
    sys.exit(1)
print(f"checked {checked} figures against scipy")
