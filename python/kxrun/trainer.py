"""The trainer protocol from the trainer's side.

    run = kxrun.trainer.current(all_features=X.columns, params={"C": 1.0})
    ...train on X[run.features], folds shuffled with run.seed...
    run.finish(scores, oof=oof, test=test_pred)

Under kxrun, ``current()`` reads the run's spec file (``KXRUN_SPEC``) and the
``KXRUN_*`` variables; run by hand, it gives every feature, seed 42 and the
current directory. ``finish`` saves the arrays with ``numpy.save`` in the
run's directory and writes the result, refusing (with ``ResultError``) what
kxrun would fail the run for, before kxrun sees it.
"""

import json
import os
import tempfile

import numpy as np

from . import _plain
from .errors import ResultError

__all__ = ["Run", "current", "ResultError"]

DEFAULT_SEED = 42


class Run:
    """What kxrun asks of this run.

    features    the features to train on, base first, as the caller's column
                labels (all_features); None by hand without all_features
    seed        the seed to shuffle the folds and seed the model with (int)
    params      the caller's defaults with the plan's params merged over them
    techniques  the techniques switched on for this run, in plan order
    variant     "all", "base", "-family", "+title", ... ("all" by hand)
    run_dir     where the arrays and the result go (absolute path)
    name, plan  the run's and the plan's names (None by hand)
    under_kxrun True when kxrun started the script
    spec        the spec file as a dict ({} by hand)
    """

    def __init__(self, features, seed, params, techniques, variant, run_dir, name=None, plan=None,
                 under_kxrun=False, spec=None):
        self.features = features
        self.seed = seed
        self.params = params
        self.techniques = techniques
        self.variant = variant
        self.run_dir = run_dir
        self.name = name
        self.plan = plan
        self.under_kxrun = under_kxrun
        self.spec = spec or {}
        self.result = None

    def __repr__(self):
        return (f"Run(variant={self.variant!r}, seed={self.seed}, features={len(self.features or [])}, "
                f"techniques={self.techniques!r}, run_dir={self.run_dir!r})")

    def finish(self, cv_scores, oof=None, test=None, target=None, folds=None, metrics=None, notes=None,
               params=None, lb_score=None):
        """Reports the run's result to kxrun and returns it as a dict.

        cv_scores  one score per fold: a list, numpy array or Series of
                   finite numbers (float32 is fine); empty, NaN or infinite
                   scores raise ResultError
        oof, test  out-of-fold and test predictions, saved with numpy.save
                   as oof.npy and test.npy in run_dir (1-D, or 2-D with one
                   column per class; bool, integer or float16/32/64)
        target     the labels the OOF rows are scored against (target.npy)
        folds      the fold index of each OOF row (folds.npy)
        metrics    extra numbers to record: {"logloss": 0.41}
        notes      free text
        params     the params the run used in the end (merged over the
                   plan's by kxrun)
        lb_score   a leaderboard score, if known

        Under kxrun the result goes to run_dir/result.json (written under a
        temporary name and renamed); it is also printed as one JSON line on
        stdout, which is what kxrun reads when there is no result.json.
        """
        result = {"cv_scores": _plain.scores(cv_scores)}
        arrays = []
        for field, value in (("oof", oof), ("test", test), ("target", target), ("folds", folds)):
            if value is not None:
                arrays.append((field, _plain.array(value, field)))
        if metrics is not None:
            result["metrics"] = _plain.metrics(metrics)
        if params is not None:
            if not hasattr(params, "items"):
                raise ResultError(f"params must be a dict, not {type(params).__name__}")
            result["params"] = _plain.jsonable(dict(params))
        if lb_score is not None:
            result["lb_score"] = float(_plain.number(lb_score, "lb_score"))
        if notes is not None:
            result["notes"] = str(notes)
        # Everything is checked before anything is written: a refused
        # result leaves no array behind to be mistaken for this run's.
        os.makedirs(self.run_dir, exist_ok=True)
        for field, arr in arrays:
            np.save(os.path.join(self.run_dir, field + ".npy"), arr, allow_pickle=False)
            # Relative names are looked up in the run's directory first.
            result[field] = field + ".npy"
        line = json.dumps(result, allow_nan=False)
        if self.under_kxrun:
            _write_atomic(os.path.join(self.run_dir, "result.json"), line + "\n")
        print(line, flush=True)
        self.result = result
        return result


def current(all_features=None, params=None, seed=DEFAULT_SEED):
    """The run kxrun started this script for, or a run by hand.

    all_features  every feature the script can use (e.g. X.columns): the
                  features of a run by hand, and the list a run's features
                  are checked against, so that a typo in a plan fails the run
                  instead of training on fewer features
    params        the script's default params; the plan's are merged over
                  them, nested dicts key by key
    seed          the seed of a run by hand
    """
    # The caller's own labels, by name: X[run.features] works for columns
    # that are not strings too.
    known = None if all_features is None else {str(f): f for f in all_features}
    spec = {}
    spec_path = os.environ.get("KXRUN_SPEC")
    if spec_path:
        try:
            with open(spec_path) as f:
                spec = json.load(f)
        except (OSError, ValueError) as e:
            raise RuntimeError(f"KXRUN_SPEC={spec_path}: cannot read the run's spec: {e}") from e
    under = bool(spec_path or os.environ.get("KXRUN_RUN_DIR"))

    features = spec.get("features")
    if features is None and "KXRUN_FEATURES" in os.environ:
        features = _split(os.environ["KXRUN_FEATURES"])
    if features is None:
        features = None if known is None else list(known.values())
    elif known is not None:
        unknown = [f for f in features if f not in known]
        if unknown:
            raise ValueError(f"the plan asks for features the data does not have: {unknown}; known: {list(known)}")
        features = [known[f] for f in features]

    run_seed = spec.get("seed", os.environ.get("KXRUN_SEED"))
    run_seed = seed if run_seed is None else int(run_seed)

    techniques = spec.get("techniques")
    if techniques is None:
        techniques = _split(os.environ.get("KXRUN_TECHNIQUES", ""))
    techniques = [t.get("name") if isinstance(t, dict) else t for t in techniques]

    merged = _merge(dict(params or {}), spec.get("params") or {})
    run_dir = spec.get("run_dir") or os.environ.get("KXRUN_RUN_DIR") or os.getcwd()
    variant = spec.get("variant") or os.environ.get("KXRUN_VARIANT") or "all"
    return Run(features=list(features) if features is not None else None, seed=run_seed, params=merged,
               techniques=list(techniques), variant=variant, run_dir=os.path.abspath(run_dir),
               name=spec.get("name") or os.environ.get("KXRUN_RUN_NAME"),
               plan=spec.get("plan") or os.environ.get("KXRUN_PLAN"), under_kxrun=under, spec=spec)


def _split(value):
    """A comma-separated KXRUN_* list; "" is the empty list."""
    return [v for v in value.split(",") if v] if value else []


def _merge(base, over):
    """over merged into base, nested dicts key by key, as kxrun merges
    params."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _write_atomic(path, text):
    """text to path under a temporary name, synced, then renamed: kxrun
    never reads a half-written result."""
    d = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=".result-", dir=d)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
