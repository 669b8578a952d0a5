"""kxrun.trainer: what current() reads, what finish() writes and refuses."""

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

from . import support

if not support.MISSING:
    import numpy as np

    from kxrun import trainer
    from kxrun.errors import ResultError


def finish(run, *args, **kwargs):
    """run.finish, returning the result and the lines it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        res = run.finish(*args, **kwargs)
    return res, out.getvalue().splitlines()


def clear(d):
    for name in os.listdir(d):
        os.unlink(os.path.join(d, name))


@support.needs_numpy_pandas
class CurrentTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        env = support.clean_env()
        patcher = mock.patch.dict(os.environ, env, clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)

    def spec(self, **fields):
        path = os.path.join(self.dir, "spec.json")
        with open(path, "w") as f:
            json.dump(fields, f)
        return path

    def test_by_hand(self):
        cwd = os.getcwd()
        os.chdir(self.dir)
        self.addCleanup(os.chdir, cwd)
        run = trainer.current(all_features=["a", "b", "c"], params={"C": 1.0})
        self.assertEqual(run.features, ["a", "b", "c"])
        self.assertEqual(run.seed, 42)
        self.assertEqual(run.params, {"C": 1.0})
        self.assertEqual(run.techniques, [])
        self.assertEqual(run.variant, "all")
        self.assertEqual(run.run_dir, os.path.realpath(self.dir))
        self.assertFalse(run.under_kxrun)
        self.assertIsNone(run.name)
        self.assertEqual(trainer.current(seed=7).seed, 7)
        self.assertIsNone(trainer.current().features)

    def test_spec(self):
        run_dir = os.path.join(self.dir, "run")
        os.mkdir(run_dir)
        os.environ.update(
            KXRUN_SPEC=self.spec(plan="p", name="p_minus_b_s123", variant="-b", seed=123, features=["a", "c"],
                                 params={"C": 0.5, "opt": {"lr": 0.1}}, run_dir=run_dir, workdir=self.dir,
                                 techniques=["target_enc", "pseudo"]),
            # The spec wins over the variables where both say something.
            KXRUN_SEED="999", KXRUN_FEATURES="x", KXRUN_TECHNIQUES="other", KXRUN_RUN_DIR=run_dir)
        run = trainer.current(all_features=["a", "b", "c"], params={"C": 1.0, "max_iter": 100, "opt": {"lr": 1, "mom": 0.9}})
        self.assertEqual(run.features, ["a", "c"])
        self.assertEqual(run.seed, 123)
        self.assertEqual(run.params, {"C": 0.5, "max_iter": 100, "opt": {"lr": 0.1, "mom": 0.9}})
        self.assertEqual(run.techniques, ["target_enc", "pseudo"])
        self.assertEqual(run.variant, "-b")
        self.assertEqual(run.run_dir, run_dir)
        self.assertEqual((run.name, run.plan), ("p_minus_b_s123", "p"))
        self.assertTrue(run.under_kxrun)

    def test_variables_only(self):
        os.environ.update(KXRUN_SEED="5", KXRUN_FEATURES="b,a", KXRUN_VARIANT="+t",
                          KXRUN_TECHNIQUES="target_enc,pseudo", KXRUN_RUN_DIR=self.dir)
        run = trainer.current(all_features=["a", "b"])
        self.assertEqual((run.features, run.seed, run.variant), (["b", "a"], 5, "+t"))
        self.assertEqual(run.techniques, ["target_enc", "pseudo"])
        self.assertTrue(run.under_kxrun)
        os.environ.update(KXRUN_FEATURES="", KXRUN_TECHNIQUES="")
        run = trainer.current(all_features=["a", "b"])
        self.assertEqual((run.features, run.techniques), ([], []))

    def test_labels_that_are_not_strings(self):
        # A DataFrame with integer column labels: run.features indexes it.
        self.assertEqual(trainer.current(all_features=range(3)).features, [0, 1, 2])
        os.environ.update(KXRUN_SPEC=self.spec(seed=1, features=["2", "0"], params={}, run_dir=self.dir))
        self.assertEqual(trainer.current(all_features=range(3)).features, [2, 0])

    def test_spec_without_techniques(self):
        # A kxrun whose plans have no techniques writes no such key.
        os.environ.update(KXRUN_SPEC=self.spec(seed=1, features=["a"], params={}, run_dir=self.dir))
        self.assertEqual(trainer.current().techniques, [])

    def test_unknown_feature(self):
        os.environ.update(KXRUN_SPEC=self.spec(seed=1, features=["a", "typo"], params={}, run_dir=self.dir))
        with self.assertRaisesRegex(ValueError, r"\['typo'\]"):
            trainer.current(all_features=["a", "b"])

    def test_trainer_needs_no_pandas(self):
        code = "import sys, kxrun.trainer; print('pandas' in sys.modules)"
        p = subprocess.run([sys.executable, "-c", code], env=support.clean_env(), capture_output=True, text=True)
        self.assertEqual((p.returncode, p.stdout.strip()), (0, "False"), p.stderr)

    def test_unreadable_spec(self):
        os.environ["KXRUN_SPEC"] = os.path.join(self.dir, "missing.json")
        with self.assertRaisesRegex(RuntimeError, "KXRUN_SPEC"):
            trainer.current()


@support.needs_numpy_pandas
class FinishTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def run_(self, under=True):
        return trainer.Run(features=["a"], seed=1, params={}, techniques=[], variant="all", run_dir=self.dir,
                           under_kxrun=under)

    def test_float32_scores_and_metrics(self):
        scores32 = np.array([0.8123, 0.7991, 0.8047], dtype=np.float32)
        res, lines = finish(self.run_(), scores32, metrics={"logloss": np.float32(0.41), "n": np.int64(3), "x": 2.5})
        want = [float(s) for s in scores32]  # float32 -> the same value as a float64
        self.assertEqual(res["cv_scores"], want)
        self.assertTrue(all(type(s) is float for s in res["cv_scores"]))
        self.assertEqual(res["metrics"], {"logloss": float(np.float32(0.41)), "n": 3, "x": 2.5})
        self.assertEqual(type(res["metrics"]["n"]), int)
        # Printed and written, the same JSON, reading back to the same bits.
        printed = json.loads(lines[-1])
        with open(os.path.join(self.dir, "result.json")) as f:
            written = json.load(f)
        self.assertEqual(printed, written)
        self.assertEqual([s.hex() for s in written["cv_scores"]], [s.hex() for s in want])
        self.assertEqual(os.listdir(self.dir), ["result.json"])  # no temporary file left

    def test_numpy_float64_and_series(self):
        import pandas as pd
        res, _ = finish(self.run_(), pd.Series([np.float64(0.1) + np.float64(0.2), 1]))
        self.assertEqual(res["cv_scores"], [0.30000000000000004, 1.0])

    def test_refused(self):
        cases = {
            "nan": ([0.8, float("nan")], "cv_scores\\[1\\] is NaN"),
            "numpy nan": (np.array([np.nan], dtype=np.float32), "NaN"),
            "inf": ([0.8, np.inf], "inf"),
            "-inf": ([-np.inf], "inf"),
            "empty": ([], "empty"),
            "empty array": (np.array([]), "empty"),
            "string": (["0.8"], "not a number"),
            "bool": ([True, 0.5], "not a number"),
            "None": ([0.8, None], "not a number"),
            "2-D": ([[0.8, 0.7]], "flat list"),
            "scalar": (0.8, "flat list"),
            "overflow": ([1.7e308, 1.7e308], "overflows"),
        }
        for name, (scores, message) in cases.items():
            with self.subTest(name):
                with self.assertRaisesRegex(ResultError, message):
                    finish(self.run_(), scores, oof=np.zeros(3))
                # Nothing written: no array to be mistaken for this run's.
                self.assertEqual(os.listdir(self.dir), [])
            clear(self.dir)
        bad = {
            "metric nan": (dict(metrics={"auc": np.float32("nan")}), "metrics\\['auc'\\] is NaN"),
            "metric text": (dict(metrics={"auc": "high"}), "not a number"),
            "object oof": (dict(oof=np.array([0.5, None])), "oof has dtype object.*to_numpy"),
            "string test": (dict(test=np.array(["a"])), "test has dtype <U1"),
            "complex": (dict(oof=np.zeros(2, complex)), "complex"),
            "longdouble": (dict(oof=np.zeros(2, np.longdouble)), "long double"),
            "params nan": (dict(params={"lr": float("nan")}), "params\\['lr'\\] is nan"),
            "lb nan": (dict(lb_score=np.nan), "lb_score is NaN"),
        }
        if np.dtype(np.longdouble).itemsize <= 8:
            del bad["longdouble"]
        for name, (kwargs, message) in bad.items():
            with self.subTest(name):
                with self.assertRaisesRegex(ResultError, message):
                    finish(self.run_(), [0.8], **kwargs)
                self.assertEqual(os.listdir(self.dir), [])
            clear(self.dir)

    def test_arrays(self):
        rng = np.random.default_rng(3)
        arrays = {
            "oof": rng.random(50),
            "test": np.asfortranarray(rng.random((20, 3)).astype(np.float32)),
            "target": rng.integers(0, 2, 50).astype(np.int8),
            "folds": np.repeat(np.arange(5), 10),
        }
        res, lines = finish(self.run_(), [0.8, 0.9], notes="a, \"b\"\nc", params={"lr": np.float64(0.05), "depth": np.int32(6),
                                                                              "layers": np.array([64, 32])}, **arrays)
        for kind, a in arrays.items():
            self.assertEqual(res[kind], kind + ".npy")
            got = np.load(os.path.join(self.dir, kind + ".npy"))
            self.assertEqual((got.dtype, got.shape, got.flags.f_contiguous), (a.dtype, a.shape, a.flags.f_contiguous))
            self.assertEqual(got.tobytes("A"), a.tobytes("A"))
        self.assertEqual(res["params"], {"lr": 0.05, "depth": 6, "layers": [64, 32]})
        self.assertEqual(json.loads(lines[-1])["notes"], "a, \"b\"\nc")

    def test_by_hand_prints_only(self):
        res, lines = finish(self.run_(under=False), [0.5], oof=np.zeros(2))
        self.assertEqual(json.loads(lines[-1]), res)
        self.assertEqual(sorted(os.listdir(self.dir)), ["oof.npy"])


if __name__ == "__main__":
    unittest.main()
