"""A notebook's experiment tracker, backed by a kxrun tracker.

    tracker = ExperimentTracker("my-competition", save_dir="experiments")
    run_id = tracker.log_run(name="baseline_lgb", cv_scores=[0.812, 0.815, 0.809],
                             lb_score=0.808, features=features, params=lgb_params,
                             model_type="lgb", notes="default params",
                             oof_preds=oof, test_preds=test)     # "run_001"
    tracker.report()                    # the table, best CV / LB, CV-LB correlation
    tracker.compare("run_001", "run_002")
    oof = tracker.get_oof("run_001")

Every call runs the ``kxrun`` binary (``KXRUN_BIN``, else ``kxrun`` on PATH)
on ``save_dir``, so runs logged here get what every kxrun run gets: the
tracker's lock (notebooks and sweeps can log at once), durable writes, exact
numbers, and the same runs.csv, details and arrays as the command line.
"""

import io
import json
import os
import re
import shutil
import subprocess
import tempfile

import numpy as np
import pandas as pd

from . import _plain
from .errors import KxrunError, KxrunNotFound

__all__ = ["ExperimentTracker", "find_kxrun", "read_runs", "KxrunError", "KxrunNotFound"]

# runs.csv columns that hold text, kept as written. Every other column
# (the scores, seed, n_features, duration_s, and columns added later) is
# read as numbers, an empty cell as NaN.
_TEXT = ["run_id", "date", "name", "plan", "variant", "cv_folds", "model_type", "metric", "direction",
         "params_hash", "status", "notes", "reason", "archived", "source", "fingerprint", "techniques",
         "competition"]

_RUN_ID = re.compile(r"run_[0-9]+")

# report()'s table: the pandas tracker's log columns, then kxrun's names.
_REPORT_COLUMNS = ["run_id", "name", "timestamp", "cv_mean", "cv_std", "cv_folds", "lb_score", "cv_lb_gap",
                   "n_features", "model", "notes", "status", "cv_score", "model_type", "date"]


def find_kxrun():
    """The kxrun binary: KXRUN_BIN, else kxrun on PATH."""
    path = os.environ.get("KXRUN_BIN")
    if path:
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            raise KxrunNotFound(f"KXRUN_BIN={path} is not an executable file; build kxrun with "
                                "`make build` in the kxrun repository (it writes bin/kxrun)")
        return path
    found = shutil.which("kxrun")
    if found is None:
        raise KxrunNotFound("no kxrun binary: build it with `make build` in the kxrun repository "
                            "(Go 1.26; it writes bin/kxrun), then put bin/ on PATH or set KXRUN_BIN=/path/to/kxrun")
    return found


def read_runs(path):
    """runs.csv as a DataFrame with every float exactly as kxrun wrote it
    (float_precision="round_trip"), text as written (a name such as "NA"
    stays "NA", an empty note is ""), cv_folds as lists of floats and
    archived as bool. A torn last line, left by a crash during an append,
    is dropped as kxrun drops it."""
    with open(path, "rb") as f:
        data = f.read()
    if data and not data.endswith(b"\n"):
        data = data[: data.rfind(b"\n") + 1]
    text = data.decode("utf-8")
    header = text.split("\n", 1)[0].split(",")
    df = pd.read_csv(io.StringIO(text), float_precision="round_trip", keep_default_na=False,
                     na_values={c: [""] for c in header if c not in _TEXT},
                     dtype={c: str for c in header if c in _TEXT})
    if "cv_folds" in df:
        df["cv_folds"] = df["cv_folds"].map(lambda s: [float(x) for x in json.loads(s)] if s else [])
    if "archived" in df:
        df["archived"] = df["archived"] == "true"
    for col in ("seed", "n_features"):
        if col in df and df[col].notna().all():
            df[col] = df[col].astype("int64")
    return df


class ExperimentTracker:
    """Logs and reads the runs of one kxrun tracker directory.

    competition  recorded with every run logged here
    save_dir     the tracker directory (kxrun's --dir), created when missing
    metric       the metric's label, recorded with each run (e.g. "auc")
    direction    "maximize" (default) or "minimize": which way is better
    """

    def __init__(self, competition, save_dir="experiments", metric=None, direction="maximize"):
        if direction not in ("maximize", "minimize"):
            raise ValueError(f"direction must be 'maximize' or 'minimize', not {direction!r}")
        self.competition = competition
        self.save_dir = os.path.abspath(save_dir)
        self.metric = metric
        self.direction = direction
        self.kxrun = find_kxrun()

    # -- writing ---------------------------------------------------------

    def log_run(self, name, cv_scores, lb_score=None, features=None, params=None, model_type="",
                notes="", oof_preds=None, test_preds=None, target=None, folds=None, seed=None):
        """Logs a run and returns its id ("run_001", "run_002", ...).

        cv_scores are the per-fold scores (numpy scalars and float32 are
        fine; empty, NaN or infinite ones raise ResultError before anything
        is logged); lb_score None or NaN means no leaderboard score yet;
        oof_preds and test_preds are numpy arrays, kept byte for byte.
        target (the labels of the OOF rows) and folds (the fold of each row)
        need a kxrun whose `kxrun log` takes --target and --folds.
        """
        scores = _plain.scores(cv_scores)
        args = ["log", f"--name={name}", "--cv=" + ",".join(repr(s) for s in scores), "--json"]
        if self.competition:
            args.append(f"--competition={self.competition}")
        if self.metric:
            args.append(f"--metric={self.metric}")
        args.append(f"--direction={self.direction}")
        if not _missing(lb_score):
            args.append("--lb=" + repr(float(_plain.number(lb_score, "lb_score"))))
        if seed is not None:
            args.append(f"--seed={int(seed)}")
        if model_type:
            args.append(f"--model={model_type}")
        if notes:
            args.append(f"--notes={notes}")
        with tempfile.TemporaryDirectory(prefix="kxrun-log-") as tmp:
            if features is not None:
                features = [str(f) for f in features]
                bad = [f for f in features if not f or "," in f or "\n" in f or "\r" in f or f != f.strip()]
                if bad:
                    raise ValueError(f"feature names kxrun cannot record (empty, a comma, a line break, or "
                                     f"spaces around the name): {bad}")
                path = os.path.join(tmp, "features.txt")
                with open(path, "w") as f:
                    f.write("".join(x + "\n" for x in features))
                args.append(f"--features=@{path}")
            if params is not None:
                path = os.path.join(tmp, "params.json")
                with open(path, "w") as f:
                    json.dump(_plain.jsonable(dict(params)), f, allow_nan=False)
                args.append(f"--params={path}")
            for flag, value, what in (("oof", oof_preds, "oof_preds"), ("test", test_preds, "test_preds"),
                                      ("target", target, "target"), ("folds", folds, "folds")):
                if value is not None:
                    path = os.path.join(tmp, flag + ".npy")
                    np.save(path, _plain.array(value, what), allow_pickle=False)
                    args.append(f"--{flag}={path}")
            rec = json.loads(self._kxrun(*args))
        return rec["run_id"]

    def set_lb(self, run_id, score):
        """Records the public leaderboard score of a run (None clears it)."""
        if score is None:
            self._kxrun("lb", str(run_id), "--clear")
        else:
            self._kxrun("lb", "--", str(run_id), repr(float(_plain.number(score, "score"))))

    # -- reading ---------------------------------------------------------

    def runs(self):
        """Every run of the tracker (failed and archived ones too) as a
        DataFrame, one row per run in id order, with the columns of
        runs.csv: exact floats, cv_folds as lists of floats."""
        path = os.path.join(self.save_dir, "runs.csv")
        if not os.path.exists(path):
            return pd.DataFrame(columns=["run_id", "name", "cv_score", "cv_std", "cv_folds", "lb_score"])
        return read_runs(path)

    def details(self, run_id):
        """Everything recorded about a run: features, params, fold scores,
        artifacts ... (kxrun show RUN --json)."""
        return json.loads(self._kxrun("show", str(run_id), "--json"))

    def get_oof(self, run_id):
        """The run's out-of-fold predictions as saved, or None when it has none."""
        return self._array(run_id, "oof")

    def get_test(self, run_id):
        """The run's test predictions as saved, or None when it has none."""
        return self._array(run_id, "test")

    def _array(self, run_id, kind):
        # A run's arrays never change once it is logged: its details file,
        # when the run is named by its id, is read without starting kxrun.
        path = os.path.join(self.save_dir, "details", f"{run_id}.json")
        if _RUN_ID.fullmatch(str(run_id)) and os.path.exists(path):
            with open(path) as f:
                details = json.load(f)
        else:
            details = self.details(run_id)
        art = (details.get("artifacts") or {}).get(kind)
        if art is None:
            return None
        return np.load(os.path.join(self.save_dir, art["path"]), allow_pickle=False)

    def report(self, top_n=None):
        """Prints the ok runs best CV first (the first top_n), the best CV and
        best LB runs and the CV-LB correlation (with 3 or more LB scores),
        and returns the table as a DataFrame. Also writes kxrun's markdown
        summary in save_dir/reports/.

        The DataFrame has the columns of the pandas tracker's log (run_id,
        name, timestamp, cv_mean, cv_std, cv_folds, lb_score, cv_lb_gap,
        n_features, model, notes, status), so code written for it keeps
        working, then kxrun's names for three of them (cv_score, model_type,
        date); every float is exactly runs.csv's. df.attrs holds best_cv,
        best_lb (run ids) and cv_lb_correlation (n, pearson, spearman).
        """
        if not os.path.exists(os.path.join(self.save_dir, "runs.csv")):
            print("no runs logged yet")
            return pd.DataFrame(columns=_REPORT_COLUMNS)
        args = ["--json", "--sort", "cv"]
        if top_n is not None:
            args += ["--top", str(int(top_n))]
        rep = json.loads(self._kxrun("report", *args))
        ids = [r["run_id"] for r in rep.get("runs") or []]
        runs = self.runs().set_index("run_id", drop=False)
        df = runs.loc[ids].reset_index(drop=True) if ids else runs.iloc[0:0].reset_index(drop=True)
        df = df.assign(timestamp=df["date"], cv_mean=df["cv_score"], model=df["model_type"])[_REPORT_COLUMNS]
        df.attrs.update(best_cv=_id(rep.get("best_cv")), best_lb=_id(rep.get("best_lb")),
                        cv_lb_correlation=rep.get("cv_lb_correlation"), direction=rep.get("direction"))
        shown = df[["run_id", "name", "cv_mean", "cv_std", "lb_score", "cv_lb_gap", "n_features", "model", "notes"]]
        print(shown.to_string(index=False, na_rep="—", float_format=lambda x: f"{x:.5f}") if len(df) else "no ok runs")
        for label, key, score in (("Best CV", "best_cv", "cv_score"), ("Best LB", "best_lb", "lb_score")):
            r = rep.get(key)
            if r:
                print(f"{label}: {r['run_id']} {r['name']} {r[score]:.5f}")
        corr = rep.get("cv_lb_correlation") or {}
        if corr.get("pearson") is not None:
            print(f"CV-LB correlation over {corr['n']} runs: Pearson {corr['pearson']:.3f}, "
                  f"Spearman {_fmt(corr.get('spearman'), '.3f')}")
        else:
            print("CV-LB correlation: needs at least 3 runs with an LB score")
        if corr.get("warning"):
            print("warning:", corr["warning"])
        for note in rep.get("notes") or []:
            print(note)
        return df

    def compare(self, run_a, run_b):
        """Prints and returns (a dict, as `kxrun compare --json` gives it) how
        run_b differs from run_a: CV mean and std, LB, the deltas (positive
        when run_b is better), features_added and features_removed, and
        params_changed: {"path": "opt.lr", "old": 0.1, "new": 0.05} for each
        param that differs (nested keys by path; no "old" or "new" when the
        param is absent on that side)."""
        c = json.loads(self._kxrun("compare", str(run_a), str(run_b), "--json"))
        a, b = c["a"], c["b"]

        print(f"{'':8}  {a['run_id']:>20}  {b['run_id']:>20}  delta")
        print(f"{'name':8}  {a['name'][:20]:>20}  {b['name'][:20]:>20}")
        print(f"{'CV':8}  {_fmt(a['cv_score']) + ' ± ' + _fmt(a['cv_std']):>20}  "
              f"{_fmt(b['cv_score']) + ' ± ' + _fmt(b['cv_std']):>20}  {_fmt(c.get('cv_delta'), '+.5f')}")
        print(f"{'LB':8}  {_fmt(a['lb_score']):>20}  {_fmt(b['lb_score']):>20}  {_fmt(c.get('lb_delta'), '+.5f')}")
        print("features added:  ", ", ".join(c.get("features_added") or []) or "none")
        print("features removed:", ", ".join(c.get("features_removed") or []) or "none")
        changed = c.get("params_changed") or []
        print("params changed:  ", ", ".join(f"{p['path']}: {_shown(p.get('old'))} -> {_shown(p.get('new'))}"
                                             for p in changed) or "none")
        # kxrun gives each value as JSON text, null when the param is
        # absent on that side: here the values, and no key when absent.
        c["params_changed"] = [{"path": p["path"], **{side: json.loads(p[side]) for side in ("old", "new")
                                                       if p.get(side) is not None}} for p in changed]
        if c.get("oof_correlation") is not None:
            print(f"OOF correlation:  {c['oof_correlation']:.5f}")
        return c

    # -- the binary ------------------------------------------------------

    def _kxrun(self, command, *args):
        # "--" ends the flags: a negative score is an argument, not a flag.
        cmd = [self.kxrun, command, f"--dir={self.save_dir}", *args]
        env = dict(os.environ, NO_COLOR="1")
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        if p.returncode != 0:
            raise KxrunError(cmd, p.returncode, p.stderr)
        return p.stdout


def _missing(score):
    """None, NaN (as pandas and numpy write a missing score) or pd.NA."""
    if score is None or score is pd.NA:
        return True
    try:
        return bool(np.isnan(score))
    except TypeError:
        return False


def _fmt(v, spec=".5f"):
    return "—" if v is None else format(v, spec)


def _shown(param):
    return "(absent)" if param is None else param


def _id(row):
    return row["run_id"] if row else None
