"""The lightweight experiment tracker many Kaggle notebooks carry, in plain
pandas, writing the layout `kxrun import` reads:

    save_dir/experiment_log.csv            one row per run
    save_dir/details/<run_id>.json         scores, features, params, notes
    save_dir/details/<run_id>_oof.npy      predictions, when given
    save_dir/details/<run_id>_test.npy

Here as a test fixture: the directory a user of such a tracker already has.
"""

import datetime
import json
import os

import numpy as np
import pandas as pd

COLUMNS = ["run_id", "name", "timestamp", "cv_mean", "cv_std", "cv_folds", "lb_score", "cv_lb_gap",
           "n_features", "model", "notes", "status"]


class PandasExperimentTracker:
    def __init__(self, competition, save_dir="experiments"):
        self.competition = competition
        self.save_dir = save_dir
        os.makedirs(os.path.join(save_dir, "details"), exist_ok=True)
        self.log_path = os.path.join(save_dir, "experiment_log.csv")
        if os.path.exists(self.log_path):
            self.log = pd.read_csv(self.log_path)
        else:
            self.log = pd.DataFrame(columns=COLUMNS)

    def log_run(self, name, cv_scores, lb_score=None, features=None, params=None, model_type="", notes="",
                oof_preds=None, test_preds=None):
        run_id = f"run_{len(self.log) + 1:03d}"
        features = list(features or [])
        cv_mean, cv_std = np.mean(cv_scores), np.std(cv_scores)
        row = {
            "run_id": run_id, "name": name, "timestamp": datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
            "cv_mean": cv_mean, "cv_std": cv_std, "cv_folds": str(list(cv_scores)),
            "lb_score": lb_score, "cv_lb_gap": cv_mean - lb_score if lb_score is not None else None,
            "n_features": len(features), "model": model_type, "notes": notes, "status": "completed",
        }
        self.log = pd.concat([self.log, pd.DataFrame([row])], ignore_index=True)
        self.log.to_csv(self.log_path, index=False)
        with open(os.path.join(self.save_dir, "details", run_id + ".json"), "w") as f:
            json.dump({"run_id": run_id, "name": name, "cv_scores": [float(s) for s in cv_scores],
                       "lb_score": float("nan") if lb_score is None else lb_score, "features": features,
                       "params": params or {}, "model_type": model_type, "notes": notes}, f, indent=2)
        if oof_preds is not None:
            np.save(os.path.join(self.save_dir, "details", run_id + "_oof.npy"), oof_preds)
        if test_preds is not None:
            np.save(os.path.join(self.save_dir, "details", run_id + "_test.npy"), test_preds)
        return run_id

    def set_lb(self, run_id, score):
        self.log.loc[self.log["run_id"] == run_id, "lb_score"] = score
        self.log.loc[self.log["run_id"] == run_id, "cv_lb_gap"] = (
            self.log.loc[self.log["run_id"] == run_id, "cv_mean"] - score)
        self.log.to_csv(self.log_path, index=False)
