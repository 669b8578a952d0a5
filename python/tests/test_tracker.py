"""The notebook flow end to end against a real kxrun binary: every field
kxrun records checked against what the notebook passed, the arrays byte for
byte, report() and compare() against pandas."""

import contextlib
import datetime
import hashlib
import io
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

from . import support

if not support.MISSING:
    import numpy as np
    import pandas as pd

    from kxrun.errors import KxrunError, KxrunNotFound, ResultError
    from kxrun.tracker import ExperimentTracker

    from .test_ablation import PLAN, TRAINER


def quiet(f, *args, **kwargs):
    """f's result and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        res = f(*args, **kwargs)
    return res, out.getvalue()


def npy_sha256(a):
    """sha256 of the .npy numpy.save writes for a."""
    buf = io.BytesIO()
    np.save(buf, a)
    return hashlib.sha256(buf.getvalue()).hexdigest()


def flat(params, prefix=""):
    out = {}
    for k, v in params.items():
        if isinstance(v, dict):
            out.update(flat(v, prefix + k + "."))
        else:
            out[prefix + k] = v
    return out


def bits(x):
    return None if x is None or isinstance(x, float) and math.isnan(x) else float(x).hex()


@support.needs_numpy_pandas
class NotebookFlowTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bin = support.kxrun_bin(cls)

    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.exp = os.path.join(self.dir, "experiments")
        patcher = mock.patch.dict(os.environ, support.clean_env(KXRUN_BIN=self.bin), clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)
        cwd = os.getcwd()
        os.chdir(self.dir)
        self.addCleanup(os.chdir, cwd)

    def test_notebook_flow(self):
        rng = np.random.default_rng(20)
        features = ["age", "fare", "sex", "pclass"]
        lgb_params = {"num_leaves": 31, "learning_rate": 0.05, "bagging": {"fraction": 0.8, "freq": 1}}
        runs = [
            dict(name="baseline_lgb", cv_scores=[0.812, 0.815, 0.809], lb_score=0.808, features=features,
                 params=lgb_params, model_type="lgb", notes="default params",
                 oof_preds=rng.random(200), test_preds=rng.random(80)),
            # float32 scores, 2-D Fortran-order float32 test, nested param changed.
            dict(name="lgb_family", cv_scores=np.array([0.8231, 0.8207, 0.8262], dtype=np.float32), lb_score=0.0,
                 features=features[:3] + ["sibsp", "parch"],
                 params={**lgb_params, "num_leaves": 63, "bagging": {"fraction": 0.7, "freq": 1}, "min_child": 20},
                 model_type="lgb", notes='said "better", twice\nsecond line',
                 oof_preds=rng.random(200).astype(np.float32),
                 test_preds=np.asfortranarray(rng.random((80, 3)).astype(np.float32))),
            # No LB yet (NaN, as pandas users write it), no arrays, a name pandas reads as missing.
            dict(name="NA", cv_scores=[0.1 + 0.2, 0.3, 0.30000000000000004], lb_score=float("nan"),
                 features=["age"], params={}, model_type="xgb", notes=""),
            dict(name="xgb", cv_scores=[np.float64(0.801), np.float64(0.7999)], lb_score=np.float64(0.797),
                 features=features, params={"max_depth": np.int64(6), "eta": np.float32(0.1)}, model_type="xgb",
                 notes="numpy scalars", oof_preds=rng.integers(0, 2, 200).astype(bool), test_preds=None),
        ]
        tracker = ExperimentTracker("titanic", save_dir=self.exp)
        ids = [tracker.log_run(**r) for r in runs]
        self.assertEqual(ids, ["run_001", "run_002", "run_003", "run_004"])

        # runs() against runs.csv read independently with pandas.
        got = tracker.runs()
        raw = pd.read_csv(os.path.join(self.exp, "runs.csv"), float_precision="round_trip", keep_default_na=False)
        self.assertEqual(list(got.columns), list(raw.columns))
        self.assertEqual(list(got["run_id"]), ids)
        now = datetime.datetime.now(datetime.timezone.utc)
        for i, (rid, r) in enumerate(zip(ids, runs)):
            row = got.iloc[i]
            folds = [float(s) for s in r["cv_scores"]]
            lb = r["lb_score"]
            lb = None if lb is None or math.isnan(lb) else float(lb)
            with self.subTest(rid):
                when = datetime.datetime.fromisoformat(row["date"].replace("Z", "+00:00"))
                self.assertLess(abs((now - when).total_seconds()), 120)
                self.assertEqual(row["name"], r["name"])
                self.assertEqual((row["plan"], row["variant"], row["metric"], row["reason"], row["fingerprint"]),
                                 ("", "", "", "", ""))
                self.assertTrue(math.isnan(row["seed"]))
                self.assertEqual([bits(x) for x in row["cv_folds"]], [bits(x) for x in folds])
                self.assertEqual(bits(row["cv_score"]), bits(np.mean(folds)))
                self.assertEqual(bits(row["cv_std"]), bits(np.std(folds)))
                self.assertEqual(bits(row["lb_score"]), bits(lb))
                self.assertEqual(bits(row["cv_lb_gap"]), None if lb is None else bits(np.mean(folds) - lb))
                self.assertEqual(row["n_features"], len(r["features"]))
                self.assertEqual(row["model_type"], r["model_type"])
                self.assertEqual((row["direction"], row["status"], row["source"]), ("maximize", "ok", "log"))
                self.assertEqual(row["notes"], r["notes"])
                self.assertIs(bool(row["archived"]), False)
                self.assertEqual(float(row["duration_s"]), 0.0)
                self.assertRegex(row["params_hash"], "^[0-9a-f]{12}$")
                # The same row as pandas reads it from the file.
                self.assertEqual(json.loads(raw.iloc[i]["cv_folds"]), row["cv_folds"])
                self.assertEqual(bits(raw.iloc[i]["cv_score"]), bits(row["cv_score"]))

                d = tracker.details(rid)
                self.assertEqual(d["features"], r["features"])
                plain = json.loads(json.dumps(r["params"], default=lambda v: v.item()))
                self.assertEqual(d["params"], plain)
                self.assertEqual([bits(x) for x in d["cv_scores"]], [bits(x) for x in folds])
                self.assertEqual(d.get("notes", ""), r["notes"])
                self.assertEqual(d["model_type"], r["model_type"])
                self.assertEqual(d["competition"], "titanic")
                self.assertEqual(bits(d.get("lb_score")), bits(lb))
                for kind, key in (("oof", "oof_preds"), ("test", "test_preds")):
                    want = r.get(key)
                    arr = tracker.get_oof(rid) if kind == "oof" else tracker.get_test(rid)
                    if want is None:
                        self.assertIsNone(arr)
                        self.assertNotIn(kind, d.get("artifacts") or {})
                        continue
                    self.assertEqual((arr.dtype, arr.shape, arr.flags.f_contiguous),
                                     (want.dtype, want.shape, want.flags.f_contiguous))
                    self.assertEqual(arr.tobytes("A"), want.tobytes("A"))
                    art = d["artifacts"][kind]
                    self.assertEqual(art["sha256"], npy_sha256(want))
                    with open(os.path.join(self.exp, art["path"]), "rb") as f:
                        self.assertEqual(hashlib.sha256(f.read()).hexdigest(), npy_sha256(want))
        self.assertEqual(got.iloc[0]["params_hash"], tracker.runs().iloc[0]["params_hash"])
        self.assertNotEqual(got.iloc[0]["params_hash"], got.iloc[1]["params_hash"])

        # report(): the ok runs best CV first, best CV / LB and the CV-LB
        # correlation, recomputed with pandas from runs().
        df, printed = quiet(tracker.report)
        ok = got[got["status"] == "ok"].sort_values("cv_score", ascending=False, kind="stable")
        self.assertEqual(list(df["run_id"]), list(ok["run_id"]))
        self.assertEqual([bits(x) for x in df["cv_score"]], [bits(x) for x in ok["cv_score"]])
        self.assertEqual([bits(x) for x in df["lb_score"]], [bits(x) for x in ok["lb_score"]])
        # The pandas tracker's columns, for code written against it.
        self.assertEqual(list(df.columns)[:12], ["run_id", "name", "timestamp", "cv_mean", "cv_std", "cv_folds",
                                                 "lb_score", "cv_lb_gap", "n_features", "model", "notes", "status"])
        self.assertEqual([bits(x) for x in df["cv_mean"]], [bits(x) for x in ok["cv_score"]])
        self.assertEqual(list(df["cv_folds"]), list(ok["cv_folds"]))
        self.assertEqual(list(df["model"]), list(ok["model_type"]))
        self.assertEqual(list(df["n_features"]), list(ok["n_features"]))
        best_cv = ok.loc[ok["cv_score"].idxmax()]
        with_lb = ok.dropna(subset=["lb_score"])
        best_lb = with_lb.loc[with_lb["lb_score"].idxmax()]
        self.assertEqual(df.attrs["best_cv"], best_cv["run_id"])
        self.assertEqual(df.attrs["best_lb"], best_lb["run_id"])
        corr = df.attrs["cv_lb_correlation"]
        self.assertEqual(corr["n"], len(with_lb))
        pearson = with_lb["cv_score"].corr(with_lb["lb_score"])
        spearman = with_lb["cv_score"].corr(with_lb["lb_score"], method="spearman")
        self.assertAlmostEqual(corr["pearson"], pearson, places=12)
        self.assertAlmostEqual(corr["spearman"], spearman, places=12)
        self.assertIn(f"Best CV: {best_cv['run_id']} {best_cv['name']} {best_cv['cv_score']:.5f}", printed)
        self.assertIn(f"Best LB: {best_lb['run_id']} {best_lb['name']} {best_lb['lb_score']:.5f}", printed)
        self.assertIn(f"Pearson {pearson:.3f}, Spearman {spearman:.3f}", printed)
        for rid in ids:
            self.assertIn(rid, printed)
        top, printed = quiet(tracker.report, top_n=2)
        self.assertEqual(list(top["run_id"]), list(ok["run_id"][:2]))
        self.assertNotIn(ok["run_id"].iloc[2] + " ", printed)

        # compare(): CV, LB, features and params, against sets and dicts.
        c, printed = quiet(tracker.compare, "run_001", "run_002")
        a, b = got.iloc[0], got.iloc[1]
        self.assertEqual(bits(c["a"]["cv_score"]), bits(a["cv_score"]))
        self.assertEqual(bits(c["b"]["cv_std"]), bits(b["cv_std"]))
        self.assertEqual(bits(c["cv_delta"]), bits(b["cv_score"] - a["cv_score"]))
        self.assertEqual(bits(c["lb_delta"]), bits(b["lb_score"] - a["lb_score"]))
        fa, fb = runs[0]["features"], runs[1]["features"]
        self.assertEqual(sorted(c["features_added"]), sorted(set(fb) - set(fa)))
        self.assertEqual(sorted(c["features_removed"]), sorted(set(fa) - set(fb)))
        pa, pb = flat(runs[0]["params"]), flat(runs[1]["params"])
        changed = sorted(k for k in set(pa) | set(pb) if pa.get(k) != pb.get(k))
        self.assertEqual(sorted(p["path"] for p in c["params_changed"]), changed)
        for p in c["params_changed"]:
            self.assertEqual((p.get("old", "absent"), p.get("new", "absent")),
                             (pa.get(p["path"], "absent"), pb.get(p["path"], "absent")), p["path"])
        for line in ("features added:   sibsp, parch", "features removed: pclass", "num_leaves: 31 -> 63",
                     "bagging.fraction: 0.8 -> 0.7", "min_child: (absent) -> 20"):
            self.assertIn(line, printed)

        # set_lb: the score and the gap, 0.0 and negative scores, clearing.
        tracker.set_lb("run_003", -0.25)
        row = tracker.runs().set_index("run_id").loc["run_003"]
        self.assertEqual(bits(row["lb_score"]), bits(-0.25))
        self.assertEqual(bits(row["cv_lb_gap"]), bits(row["cv_score"] + 0.25))
        tracker.set_lb("run_003", None)
        self.assertTrue(math.isnan(tracker.runs().set_index("run_id").loc["run_003"]["lb_score"]))

    def test_refusals(self):
        tracker = ExperimentTracker("c", save_dir=self.exp)
        for scores in ([], [0.8, float("nan")], [np.inf]):
            with self.assertRaises(ResultError):
                tracker.log_run(name="bad", cv_scores=scores)
        self.assertFalse(os.path.exists(os.path.join(self.exp, "runs.csv")))
        with self.assertRaisesRegex(ValueError, "comma"):
            tracker.log_run(name="bad", cv_scores=[0.8], features=["a,b"])
        with self.assertRaisesRegex(ResultError, "object"):
            tracker.log_run(name="bad", cv_scores=[0.8], oof_preds=np.array([1, None]))
        rid = tracker.log_run(name="ok", cv_scores=[0.8])
        self.assertEqual(rid, "run_001")
        with self.assertRaises(KxrunError) as e:
            tracker.get_oof("run_009")
        self.assertEqual(e.exception.returncode, 2)
        self.assertIn("run_009", str(e.exception))
        self.assertIsNone(tracker.get_oof("ok"))  # a run name works too
        self.assertEqual(len(tracker.runs()), 1)
        tracker.set_lb("ok", 0.79)
        df, printed = quiet(tracker.report)
        self.assertIn("CV-LB correlation: needs at least 3 runs with an LB score", printed)
        self.assertEqual(df.attrs["cv_lb_correlation"]["n"], 1)

    def test_seed_and_labels(self):
        tracker = ExperimentTracker("c", save_dir=self.exp)
        rid = tracker.log_run(name="seeded", cv_scores=[0.8], seed=np.int64(123), lb_score=np.float32("nan"))
        row = tracker.runs().iloc[0]
        self.assertEqual((row["run_id"], row["seed"]), (rid, 123))
        self.assertTrue(math.isnan(row["lb_score"]))
        target, folds = np.array([0, 1, 1, 0], dtype=np.int8), np.array([0, 0, 1, 1])
        try:
            rid = tracker.log_run(name="labelled", cv_scores=[0.8, 0.7], oof_preds=np.linspace(0, 1, 4),
                                  target=target, folds=folds)
        except KxrunError as e:
            if "unknown flag: --target" in e.stderr:
                self.skipTest("this kxrun's log takes no --target")
            raise
        arts = tracker.details(rid)["artifacts"]
        self.assertEqual(arts["target"]["sha256"], npy_sha256(target))
        self.assertEqual(arts["folds"]["sha256"], npy_sha256(folds))

    def test_torn_last_line(self):
        # A crash during an append leaves a partial last row; runs() reads
        # the rows before it, as kxrun does.
        tracker = ExperimentTracker("c", save_dir=self.exp)
        tracker.log_run(name="a", cv_scores=[0.8, 0.9])
        with open(os.path.join(self.exp, "runs.csv"), "a") as f:
            f.write("run_002,2026-12-03T10:00:00Z,torn,,,,0.8")
        runs = tracker.runs()
        self.assertEqual(list(runs["name"]), ["a"])
        self.assertEqual(runs.iloc[0]["cv_folds"], [0.8, 0.9])

    def test_minimize(self):
        tracker = ExperimentTracker("house-prices", save_dir=self.exp, metric="rmse", direction="minimize")
        for name, cv, lb in (("a", [0.30, 0.31], 0.33), ("b", [0.20, 0.22], 0.24), ("c", [0.25, 0.26], 0.23)):
            tracker.log_run(name=name, cv_scores=cv, lb_score=lb)
        df, printed = quiet(tracker.report)
        self.assertEqual(list(df["name"]), ["b", "c", "a"])
        self.assertEqual((df.attrs["best_cv"], df.attrs["best_lb"]), ("run_002", "run_003"))
        self.assertEqual(set(tracker.runs()["metric"]), {"rmse"})

    def test_missing_binary(self):
        with mock.patch.dict(os.environ, {"KXRUN_BIN": os.path.join(self.dir, "nope"), "PATH": self.dir}):
            with self.assertRaisesRegex(KxrunNotFound, "make build"):
                ExperimentTracker("c", save_dir=self.exp)
            del os.environ["KXRUN_BIN"]
            with self.assertRaisesRegex(KxrunNotFound, "make build.*KXRUN_BIN"):
                ExperimentTracker("c", save_dir=self.exp)


LOGGER = r"""
import sys
from kxrun.tracker import ExperimentTracker
save_dir, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
tracker = ExperimentTracker("race", save_dir=save_dir)
for i in range(n):
    rid = tracker.log_run(name=f"{who}_{i}", cv_scores=[i / 1000, 0.5 + i / 7], features=["a", who],
                          params={"i": i}, model_type=who, notes=who)
    print(rid, f"{who}_{i}", flush=True)
"""


@support.needs_numpy_pandas
class ConcurrentTest(unittest.TestCase):
    def test_two_notebooks_and_a_sweep_at_once(self):
        bin_ = support.kxrun_bin(self)
        d = tempfile.mkdtemp()
        script = os.path.join(d, "logger.py")
        with open(script, "w") as f:
            f.write(LOGGER)
        exp = os.path.join(d, "experiments")
        n = 200
        env = support.clean_env(KXRUN_BIN=bin_)
        # A sweep logs into the same tracker meanwhile.
        with open(os.path.join(d, "train.py"), "w") as f:
            f.write(TRAINER)
        with open(os.path.join(d, "plan.yaml"), "w") as f:
            f.write(PLAN.format(python=json.dumps(sys.executable)))
        sweep = subprocess.Popen([bin_, "ablation", "plan.yaml", "--dir", exp, "--json"], cwd=d, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        procs = [subprocess.Popen([sys.executable, script, exp, who, str(n)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env, text=True) for who in ("left", "right")]
        logged = {}
        for p in procs:
            out, err = p.communicate(timeout=600)
            self.assertEqual(p.returncode, 0, err)
            for line in out.split("\n"):
                if line:
                    rid, name = line.split()
                    logged[rid] = name
        out, err = sweep.communicate(timeout=600)
        self.assertEqual(sweep.returncode, 0, err)
        swept = [rid for v in json.loads(out)["variants"] for rid in v.get("run_ids") or []]
        self.assertEqual(len(logged), 2 * n)  # distinct ids
        with mock.patch.dict(os.environ, env):
            runs = ExperimentTracker("race", save_dir=exp).runs()
        total = 2 * n + runs["source"].eq("ablation").sum()
        self.assertEqual(runs["source"].eq("ablation").sum(), 8)
        self.assertLessEqual(set(swept), set(runs["run_id"]) - set(logged))
        self.assertEqual(len(runs), total)
        self.assertEqual(runs["run_id"].nunique(), total)
        self.assertEqual(sorted(runs["run_id"]), [f"run_{i:03d}" for i in range(1, total + 1)])
        notebooks = runs[runs["source"] == "log"]
        self.assertEqual(dict(zip(notebooks["run_id"], notebooks["name"])), logged)
        for _, row in notebooks.iterrows():
            who, i = row["name"].rsplit("_", 1)
            i = int(i)
            self.assertEqual(row["cv_folds"], [i / 1000, 0.5 + i / 7])
            self.assertEqual(bits(row["cv_score"]), bits(np.mean([i / 1000, 0.5 + i / 7])))
            self.assertEqual((row["model_type"], row["notes"], row["status"]), (who, who, "ok"))


if __name__ == "__main__":
    unittest.main()
