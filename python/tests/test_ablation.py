"""A trainer written with kxrun.trainer, run by `kxrun ablation` and by hand."""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import unittest

from . import support

if not support.MISSING:
    import numpy as np

    from kxrun.tracker import read_runs

# Least squares on synthetic data, scored by RMSE: f2 and f3 carry signal,
# f4 and f5 are noise. Nothing but numpy and the helper.
TRAINER = r'''
import numpy as np
import kxrun.trainer

rng = np.random.default_rng(0)
X = rng.normal(size=(300, 6))
y = 0.5 * X[:, 0] + 2.0 * X[:, 2] - 1.5 * X[:, 3] + rng.normal(scale=0.5, size=300)
X_test = rng.normal(size=(40, 6))
columns = [f"f{i}" for i in range(6)]

run = kxrun.trainer.current(all_features=columns, params={"folds": 4, "ridge": 0.0})
cols = [columns.index(f) for f in run.features]
k = int(run.params["folds"])
fold_of = np.empty(len(y), dtype=np.int64)
fold_of[np.random.default_rng(run.seed).permutation(len(y))] = np.arange(len(y)) % k
oof, test, scores = np.zeros(len(y)), np.zeros(len(X_test)), []
for f in range(k):
    tr, va = fold_of != f, fold_of == f
    A = np.c_[np.ones(tr.sum()), X[tr][:, cols]]
    w = np.linalg.solve(A.T @ A + run.params["ridge"] * np.eye(A.shape[1]), A.T @ y[tr])
    oof[va] = np.c_[np.ones(va.sum()), X[va][:, cols]] @ w
    test += np.c_[np.ones(len(X_test)), X_test[:, cols]] @ w / k
    scores.append(np.sqrt(np.mean((y[va] - oof[va]) ** 2)))   # numpy float64, as it comes
run.finish(scores, oof=oof, test=test, target=y, folds=fold_of,
           metrics={"cv_mean": np.mean(scores), "n_features": len(cols), "ridge": run.params["ridge"]},
           notes=" ".join(run.features) + " | " + run.variant + " | " + ",".join(run.techniques))
'''

PLAN = """
name: lsq
metric: rmse
direction: minimize
command: [{python}, "train.py"]
env: {{OMP_NUM_THREADS: "1"}}
jobs: 2
seeds: [42, 7]
base_features: [f0, f1]
feature_groups:
  signal: [f2, f3]
  noise: [f4, f5]
params: {{folds: 5}}
"""


def ablation(test, plan):
    """Runs `kxrun ablation --json` on plan with TRAINER in a new directory;
    returns the directory and the finished process."""
    d = tempfile.mkdtemp()
    with open(os.path.join(d, "train.py"), "w") as f:
        f.write(TRAINER)
    with open(os.path.join(d, "plan.yaml"), "w") as f:
        f.write(plan.format(python=json.dumps(sys.executable)))
    p = subprocess.run([support.kxrun_bin(test), "ablation", "plan.yaml", "--json"], cwd=d, env=support.clean_env(),
                       capture_output=True, text=True)
    return d, p


@support.needs_numpy_pandas
class AblationTest(unittest.TestCase):
    def test_ablation_and_by_hand(self):
        d, p = ablation(self, PLAN)
        env = support.clean_env()
        self.assertEqual(p.returncode, 0, p.stderr)
        summary = json.loads(p.stdout)
        exp = os.path.join(d, "experiments")
        runs = read_runs(os.path.join(exp, "runs.csv"))
        self.assertEqual(len(runs), 8)  # all, -signal (= +noise), -noise (= +signal), base; 2 seeds
        self.assertEqual(set(runs["status"]), {"ok"})
        for _, row in runs.iterrows():
            with open(os.path.join(exp, "details", row["run_id"] + ".json")) as f:
                det = json.load(f)
            with self.subTest(row["run_id"]):
                seen, variant, techniques = det["notes"].split(" | ")
                self.assertEqual(seen.split(), det["features"])  # the features the trainer trained on
                self.assertEqual(variant, row["variant"])
                self.assertEqual(techniques, "")
                self.assertEqual(det["metrics"]["n_features"], row["n_features"])
                self.assertEqual(det["metrics"]["cv_mean"].hex(), row["cv_score"].hex())
                self.assertEqual(det["params"]["folds"], 5)  # the plan's, over the script's 4
                self.assertEqual(len(det["cv_scores"]), 5)
                self.assertEqual(set(det["artifacts"]) >= {"oof", "test"}, True)
        gains = {v["variant"]: v["gain"] for v in summary["variants"] if v.get("gain") is not None}
        self.assertGreater(gains["-signal"], 0.5)  # RMSE up by far without the signal

        # The same script by hand: every feature, seed 42, arrays and the
        # result where it is started; the same numbers as kxrun's all_s42.
        alone = tempfile.mkdtemp()
        p = subprocess.run([sys.executable, os.path.join(d, "train.py")], cwd=alone, env=env,
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        res = json.loads(p.stdout.strip().splitlines()[-1])
        self.assertEqual(sorted(os.listdir(alone)), ["folds.npy", "oof.npy", "target.npy", "test.npy"])
        self.assertEqual(res["notes"], "f0 f1 f2 f3 f4 f5 | all | ")
        self.assertEqual(len(res["cv_scores"]), 4)  # the script's own default, 4 folds
        row = runs[(runs["variant"] == "all") & (runs["seed"] == 42)].iloc[0]
        with open(os.path.join(exp, "details", row["run_id"] + ".json")) as f:
            det = json.load(f)
        # With the plan's params (5 folds) by hand too, through a spec file.
        again = tempfile.mkdtemp()
        spec = os.path.join(d, "spec.json")
        with open(spec, "w") as f:
            json.dump({"features": det["features"], "seed": 42, "params": {"folds": 5}, "run_dir": again}, f)
        p = subprocess.run([sys.executable, os.path.join(d, "train.py")], cwd=alone, env={**env, "KXRUN_SPEC": spec},
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(again, "result.json")) as f:
            res = json.load(f)
        self.assertEqual([s.hex() for s in res["cv_scores"]], [s.hex() for s in det["cv_scores"]])
        for kind in ("oof", "test"):
            with open(os.path.join(again, kind + ".npy"), "rb") as a, \
                    open(os.path.join(exp, det["artifacts"][kind]["path"]), "rb") as b:
                self.assertEqual(a.read(), b.read(), kind)
        folds = np.load(os.path.join(again, "folds.npy"))
        self.assertEqual(sorted(np.bincount(folds)), [60] * 5)
        # A kxrun that keeps labels and folds keeps the trainer's, byte for byte.
        for kind in ("target", "folds"):
            if kind in det["artifacts"]:
                with open(os.path.join(again, kind + ".npy"), "rb") as f:
                    self.assertEqual(det["artifacts"][kind]["sha256"], hashlib.sha256(f.read()).hexdigest(), kind)

TECHNIQUE_PLAN = """
name: tech
command: [{python}, "train.py"]
seeds: [42]
base_features: [f0, f1]
feature_groups:
  signal: [f2, f3]
params: {{folds: 3, ridge: 0.0}}
techniques:
  shrink:
    params: {{ridge: 50.0}}
"""


@support.needs_numpy_pandas
class TechniquesTest(unittest.TestCase):
    """The techniques of a plan as run.techniques and run.params see them."""

    def test_techniques(self):
        d, p = ablation(self, TECHNIQUE_PLAN)
        if p.returncode == 2 and "techniques" in p.stderr:
            self.skipTest(f"this kxrun has no techniques in plans: {p.stderr.strip().splitlines()[0]}")
        self.assertEqual(p.returncode, 0, p.stderr)
        exp = os.path.join(d, "experiments")
        runs = read_runs(os.path.join(exp, "runs.csv"))
        want = {"all": "shrink", "-signal": "shrink", "-shrink": "", "base": "", "+signal": "", "+shrink": "shrink"}
        seen = {}
        for _, row in runs.iterrows():
            with open(os.path.join(exp, "details", row["run_id"] + ".json")) as f:
                det = json.load(f)
            features, variant, techniques = det["notes"].split(" | ")
            seen[variant] = techniques
            self.assertEqual(det["metrics"]["ridge"], 50.0 if techniques else 0.0, variant)  # run.params
        # Variants with the same features and techniques run once (+signal
        # is -shrink here), under one of their names.
        self.assertEqual(seen, {v: want[v] for v in seen})
        self.assertEqual(len(seen), 4)


if __name__ == "__main__":
    unittest.main()
