"""The numpy peer of kxrun's hill climbing, for bench/ensemble.sh: Caruana's
selection with replacement written the straightforward numpy way (every
candidate's blend (sum + p) / k and its score, one candidate at a time),
with kxrun's rules: start from the best single candidate, add the best
candidate at every step (the lowest index on ties), keep the best prefix.

    hill_numpy.py Y.npy CANDIDATES.npy METRIC MAX_MEMBERS

Prints one JSON object: the seconds of the climb (loading excluded), the
candidates picked in order, the number kept, the peak resident memory.
"""
import json
import resource
import sys
import time

import numpy as np

y = np.load(sys.argv[1])
cands = np.load(sys.argv[2])
metric, max_members = sys.argv[3], int(sys.argv[4])
pos = y == 1
n_pos, n_neg = int(pos.sum()), int((~pos).sum())


def auc(p):
    # Mann-Whitney: for every positive, the negatives below it, ties half.
    sp, sn = np.sort(p[pos]), np.sort(p[~pos])
    below = np.searchsorted(sn, sp, side="left").sum()
    ties = np.searchsorted(sn, sp, side="right").sum() - below
    return (below + ties / 2) / (n_pos * n_neg)


def rmse(p):
    d = y - p
    return np.sqrt(np.dot(d, d) / len(y))


score, maximize = {"auc": (auc, True), "rmse": (rmse, False)}[metric]
better = (lambda a, b: a > b) if maximize else (lambda a, b: a < b)

start = time.perf_counter()
singles = [score(c) for c in cands]
first = max(range(len(cands)), key=lambda i: singles[i]) if maximize else min(range(len(cands)), key=lambda i: singles[i])
total = cands[first].copy()
path, scores = [first], [singles[first]]
best, kept = singles[first], 1
for _ in range(max_members):
    k = len(path) + 1
    pick, pick_score = 0, None
    for c in range(len(cands)):
        s = score((total + cands[c]) / k)
        if pick_score is None or better(s, pick_score):
            pick, pick_score = c, s
    total += cands[pick]
    path.append(pick)
    if better(pick_score, best):
        best, kept = pick_score, len(path)
secs = time.perf_counter() - start
print(json.dumps({"seconds": secs, "path": path, "kept": kept,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
