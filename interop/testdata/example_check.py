"""Read what kxrun logged for an example trainer the way a notebook would,
and print it beside what the trainer itself computed.

    example_check.py TRACKER_DIR [SUMMARY_JSON]

For every row of runs.csv (read with pandas): the row's numbers, the
script's own numbers (the metrics it reported), the fold scores in the
details, and numpy's description of each kept array next to the details'.
With the --json summary of `kxrun ablation`, the per-variant mean, standard
deviation over seeds and gain recomputed with numpy from runs.csv.
"""

import json
import os
import sys

import numpy as np
import pandas as pd

import npykinds

tracker = sys.argv[1]
# round_trip: pandas' default float parser can be off by an ulp or more.
runs = pd.read_csv(os.path.join(tracker, "runs.csv"), float_precision="round_trip")
out = {"dtypes": {c: str(t) for c, t in runs.dtypes.items()}, "runs": []}
for row in runs.to_dict("records"):
    with open(os.path.join(tracker, "details", row["run_id"] + ".json")) as f:
        details = json.load(f)
    arrays = {}
    for kind, art in (details.get("artifacts") or {}).items():
        path = os.path.join(tracker, art["path"])
        a = np.load(path, allow_pickle=False)
        arrays[kind] = {
            "details": {k: art[k] for k in ("descr", "dtype", "shape", "fortran_order", "bytes", "sha256")},
            "numpy": npykinds.describe(path),
            "finite": bool(np.isfinite(a).all()),
        }
    out["runs"].append({
        "run_id": row["run_id"],
        "status": row["status"],
        "seed": int(row["seed"]),
        "variant": row["variant"],
        "n_features": int(row["n_features"]),
        "cv_score": row["cv_score"],
        "cv_std": row["cv_std"],
        "cv_folds": json.loads(row["cv_folds"]),
        "details_cv_scores": details["cv_scores"],
        "details_features": details["features"],
        "script": details.get("metrics", {}),
        "arrays": arrays,
    })

if len(sys.argv) > 2:
    with open(sys.argv[2]) as f:
        summary = json.load(f)
    sign = 1.0 if summary["direction"] == "maximize" else -1.0
    score = {r["run_id"]: r["cv_score"] for r in runs.to_dict("records")}
    seed_of = {r["run_id"]: int(r["seed"]) for r in runs.to_dict("records")}

    def by_seed(variant):
        ids = next(v["run_ids"] for v in summary["variants"] if v["variant"] == variant)
        return {seed_of[i]: score[i] for i in ids}

    recomputed = []
    for v in summary["variants"]:
        s = by_seed(v["variant"])
        means = [s[seed] for seed in summary["seeds"] if seed in s]
        entry = {"variant": v["variant"], "cv_mean": float(np.mean(means)),
                 "cv_std": float(np.std(means, ddof=1)) if len(means) > 1 else None, "gain": None}
        if v.get("reference"):
            ref = by_seed(v["reference"])
            if v["variant"].startswith("-"):
                diffs = [ref[k] - s[k] for k in summary["seeds"] if k in s and k in ref]
            else:
                diffs = [s[k] - ref[k] for k in summary["seeds"] if k in s and k in ref]
            entry["gain"] = float(np.mean([sign * d for d in diffs]))
        recomputed.append(entry)
    out["summary"] = recomputed

print(json.dumps(out))
