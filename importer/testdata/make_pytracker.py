"""Write a directory in the layout of the lightweight Python experiment
tracker (experiment_log.csv + details/), as the importer's test fixture.

Usage: make_pytracker.py DIR; prints the expected import as JSON.
"""
import csv
import json
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(os.path.join(out, "details"), exist_ok=True)
rng = np.random.default_rng(7)

runs = [
    # run_id, name, timestamp, folds, lb, features, params, model, notes, status, arrays
    ("run_000", "baseline lgb", "2026-10-01 09:15", [0.81, 0.812, 0.808], 0.0,
     ["age", "fare"], {"num_leaves": 31, "lr": 0.05}, "lgb", "first try, default params", "completed", True),
    ("run_001", "lgb + family", "2026-10-01 10:30", [0.823, 0.821, 0.826], None,
     ["age", "fare", "sibsp"], {"num_leaves": 63, "lr": 0.05, "extra": {"bagging": 0.8}}, "lgb", 'said "better"', "completed", False),
    ("run_002", "xgb", "2026-10-02 18:00", [0.815, 0.818, 0.812], 0.807,
     ["age", "fare", "sibsp", "title"], {"max_depth": 6}, "xgb", "", "completed", True),
    ("run_003", "crashed", "2026-10-03 08:00", [], None, ["age"], {}, "lgb", "OOM", "failed", False),
]

with open(os.path.join(out, "experiment_log.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["run_id", "name", "timestamp", "cv_mean", "cv_std", "cv_folds", "lb_score",
                "cv_lb_gap", "n_features", "model", "notes", "status"])
    for run_id, name, ts, folds, lb, feats, params, model, notes, status, arrays in runs:
        mean = float(np.mean(folds)) if folds else ""
        std = float(np.std(folds)) if folds else ""
        gap = mean - lb if folds and lb is not None else ""
        w.writerow([run_id, name, ts, mean, std, str(folds), "" if lb is None else lb, gap,
                    len(feats), model, notes, status])
        with open(os.path.join(out, "details", run_id + ".json"), "w") as d:
            json.dump({"run_id": run_id, "name": name, "cv_scores": folds,
                       "lb_score": float("nan") if lb is None else lb, "features": feats,
                       "params": params, "model_type": model, "notes": notes}, d)
        if arrays:
            np.save(os.path.join(out, "details", run_id + "_oof.npy"), rng.random(50))
            np.save(os.path.join(out, "details", run_id + "_test.npy"), rng.random((20, 2)).astype(np.float32))

print(json.dumps([{"name": r[1], "cv_scores": r[3], "lb": r[4], "features": r[5], "params": r[6],
                   "model": r[7], "notes": r[8], "status": "ok" if r[3] else "failed",
                   "arrays": r[10], "cv_mean": float(np.mean(r[3])) if r[3] else None} for r in runs]))
