"""`kxrun import DIR` of a directory the plain pandas tracker wrote, read
back through kxrun.tracker."""

import contextlib
import io
import os
import subprocess
import tempfile
import unittest
from unittest import mock

from . import support

if not support.MISSING:
    import numpy as np

    from kxrun.tracker import ExperimentTracker

    from .pandas_tracker import PandasExperimentTracker


@support.needs_numpy_pandas
class ImportTest(unittest.TestCase):
    def test_import_pandas_tracker(self):
        bin_ = support.kxrun_bin(self)
        d = tempfile.mkdtemp()
        old_dir, exp = os.path.join(d, "old"), os.path.join(d, "experiments")
        rng = np.random.default_rng(1)
        runs = [
            dict(name="baseline_lgb", cv_scores=[0.812, 0.815, 0.809], lb_score=0.808, features=["a", "b"],
                 params={"num_leaves": 31, "lr": 0.05}, model_type="lgb", notes="default params",
                 oof_preds=rng.random(100), test_preds=rng.random((30, 2)).astype(np.float32)),
            dict(name="lgb, tuned", cv_scores=list(np.array([0.8231, 0.8207], dtype=np.float32)), lb_score=None,
                 features=["a", "b", "c"], params={"num_leaves": 63, "opt": {"lr": 0.02}}, model_type="lgb",
                 notes='said "better"'),
            dict(name="xgb", cv_scores=[0.1 + 0.2, 0.3], lb_score=0.0, features=["c"], params={}, model_type="xgb",
                 oof_preds=rng.random(100).astype(np.float32)),
        ]
        old = PandasExperimentTracker("comp", save_dir=old_dir)
        old_ids = [old.log_run(**r) for r in runs]
        old.set_lb(old_ids[1], 0.821)
        runs[1]["lb_score"] = 0.821

        env = support.clean_env(KXRUN_BIN=bin_)
        for attempt in range(2):  # importing twice adds nothing
            p = subprocess.run([bin_, "import", old_dir, "--dir", exp], env=env, capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
        with mock.patch.dict(os.environ, env):
            tracker = ExperimentTracker("comp", save_dir=exp)
            got = tracker.runs()
            self.assertEqual(list(got["run_id"]), ["run_001", "run_002", "run_003"])
            for (_, row), r in zip(got.iterrows(), runs):
                folds = [float(s) for s in r["cv_scores"]]
                with self.subTest(r["name"]):
                    self.assertEqual((row["name"], row["source"], row["status"]), (r["name"], "import", "ok"))
                    self.assertEqual([x.hex() for x in row["cv_folds"]], [x.hex() for x in folds])
                    self.assertEqual(row["cv_score"].hex(), float(np.mean(folds)).hex())
                    self.assertEqual(row["cv_std"].hex(), float(np.std(folds)).hex())
                    self.assertEqual(row["lb_score"], r["lb_score"])
                    self.assertEqual((row["n_features"], row["model_type"]), (len(r["features"]), r["model_type"]))
                    self.assertEqual(row["notes"], r.get("notes", ""))
                    det = tracker.details(row["run_id"])
                    self.assertEqual((det["features"], det["params"]), (r["features"], r["params"]))
                    for kind, key in (("oof", "oof_preds"), ("test", "test_preds")):
                        arr = tracker.get_oof(row["run_id"]) if kind == "oof" else tracker.get_test(row["run_id"])
                        want = r.get(key)
                        if want is None:
                            self.assertIsNone(arr)
                        else:
                            self.assertEqual((arr.dtype, arr.shape, arr.tobytes()), (want.dtype, want.shape, want.tobytes()))
            # Logging goes on in the same tracker, with the next id.
            self.assertEqual(tracker.log_run(name="after import", cv_scores=[0.83, 0.84]), "run_004")
            with contextlib.redirect_stdout(io.StringIO()):
                df = tracker.report()
            self.assertEqual(df.attrs["best_cv"], "run_004")
            self.assertEqual(df.attrs["best_lb"], "run_002")


if __name__ == "__main__":
    unittest.main()
