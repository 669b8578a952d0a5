"""An independent numpy implementation of kxrun's blends, for the tests.

Reads a JSON request on stdin: the tracker directory, kxrun's --json output
of one blend, and the method's options. Recomputes the blend from the
members' arrays with numpy (hill climbing step by step, with the same tie
rule: the lowest member index wins), the fold-honest score (weights chosen
on the other folds, every fold's rows blended with them, the held-out blend
scored as a whole), and scores everything with scikit-learn. Prints JSON.
"""
import json
import sys

import numpy as np
from scipy.stats import rankdata
from sklearn.metrics import log_loss, roc_auc_score

req = json.load(sys.stdin)
exp = req["dir"]
blend = req["blend"]


def details(run_id):
    with open(f"{exp}/details/{run_id}.json") as f:
        return json.load(f)


members = [details(m["run_id"]) for m in blend["members"]]
load = lambda rec, kind: np.load(f"{exp}/{rec['artifacts'][kind]['path']}").astype(np.float64)
y = load(members[0], "target")
folds = load(members[0], "folds").astype(int)
oofs = [load(r, "oof") for r in members]
tests = [load(r, "test") for r in members]
metric = blend["metric"]


def auc_exact(y, p):
    # Mann-Whitney U from average ranks: exact half-integers, so the same
    # bits as any exact count of the pairs.
    pos = y == 1
    r = rankdata(p)
    n1, n0 = pos.sum(), (~pos).sum()
    return (r[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)


score = {"auc": roc_auc_score, "logloss": lambda y, p: log_loss(y, p, labels=[0, 1])}[metric]
select = {"auc": auc_exact, "logloss": lambda y, p: log_loss(y, p, labels=[0, 1])}[metric]
better = (lambda a, b: a > b) if metric == "auc" else (lambda a, b: a < b)


def hill(y, oofs, init, max_members):
    singles = [select(y, a) for a in oofs]
    order = sorted(range(len(oofs)), key=lambda i: -singles[i] if metric == "auc" else singles[i])
    s = np.zeros_like(oofs[0])
    path = []
    for k, c in enumerate(order[:init]):
        path.append((c, select(y, (s + oofs[c]) / (k + 1))))
        s = s + oofs[c]
    best, kept = path[-1][1], len(path)
    for _ in range(max_members):
        k = len(path) + 1
        cand = [select(y, (s + a) / k) for a in oofs]
        pick = 0
        for c in range(len(cand)):
            if better(cand[c], cand[pick]):
                pick = c
        s = s + oofs[pick]
        path.append((pick, cand[pick]))
        if better(cand[pick], best):
            best, kept = cand[pick], len(path)
    counts = np.bincount([c for c, _ in path[:kept]], minlength=len(oofs))
    return counts / kept, counts, kept


def weights_of(y, arrays):
    m = req["method"]
    if m in ("mean", "rank"):
        w = np.array(req.get("weights") or [1.0] * len(arrays))
        return w / w.sum(), None, None
    if m == "hill":
        return hill(y, arrays, req.get("init", 1), req.get("max_members", 50))
    # optimize: kxrun's weights, checked for what they must be.
    return np.array([mm["weight"] for mm in blend["members"]]), None, None


ranked = lambda a: (rankdata(a) - 1) / (len(a) - 1)
if req["method"] == "rank":
    oofs, tests = [ranked(a) for a in oofs], [ranked(a) for a in tests]
w, counts, kept = weights_of(y, oofs)
oof = sum(wi * a for wi, a in zip(w, oofs))
test = sum(wi * a for wi, a in zip(w, tests))
held = np.zeros_like(y)
honest_folds = []
for f in np.unique(folds):
    tr, va = folds != f, folds == f
    wf, _, _ = weights_of(y[tr], [a[tr] for a in oofs])
    held[va] = sum(wi * a[va] for wi, a in zip(wf, oofs))
    honest_folds.append(score(y[va], held[va]))
kx_oof = np.load(f"{exp}/{details(blend['run_id'])['artifacts']['oof']['path']}")
kx_test = np.load(f"{exp}/{details(blend['run_id'])['artifacts']['test']['path']}")
print(json.dumps({
    "weights": [float(v) for v in w],
    "counts": None if counts is None else [int(c) for c in counts],
    "kept": kept,
    "in_sample": score(y, oof),
    "kx_in_sample": score(y, kx_oof),
    "honest": score(y, held),
    "honest_folds": honest_folds,
    "singles": [score(y, a) for a in oofs] if req["method"] != "rank" else [score(y, load(r, "oof")) for r in members],
    "oof_max_diff": float(np.max(np.abs(oof - kx_oof))),
    "test_max_diff": float(np.max(np.abs(test - kx_test))),
    "equal_weights_score": score(y, sum(oofs) / len(oofs)),
}))
