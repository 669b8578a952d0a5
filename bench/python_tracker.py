"""kxrun.tracker.ExperimentTracker against the plain pandas tracker with the
same API (python/tests/pandas_tracker.py): the time of log_run and get_oof
from a notebook, with OOF and test arrays of a realistic size.

    KXRUN_BIN=bin/kxrun /usr/bin/python3 bench/python_tracker.py [RUNS] [OOF_ROWS]

logs RUNS runs (default 200) into a fresh tracker of each kind, each with an
OOF array of OOF_ROWS float64 (default 100,000: 800 KB) and a test array of
half that, after PRELOG runs already logged, and prints the median and p90
milliseconds per call. Both are measured in-process, pandas and numpy already
loaded. The pandas tracker rewrites its whole CSV on every log and syncs
nothing; kxrun syncs every run's files before its row, under the tracker's
lock.
"""

import os
import sys
import tempfile
import time

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(here, "..", "python"), os.path.join(here, "..", "python", "tests")]

from kxrun.tracker import ExperimentTracker  # noqa: E402
from pandas_tracker import PandasExperimentTracker  # noqa: E402

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 200
OOF_ROWS = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
PRELOG = 100


def measure(tracker):
    rng = np.random.default_rng(0)
    oof, test = rng.random(OOF_ROWS), rng.random(OOF_ROWS // 2)
    features = [f"f{i}" for i in range(50)]
    params = {"num_leaves": 31, "learning_rate": 0.05, "bagging": {"fraction": 0.8}}
    log, load = [], []
    for i in range(PRELOG + RUNS):
        t = time.perf_counter()
        rid = tracker.log_run(name=f"run {i}", cv_scores=rng.random(5).tolist(), lb_score=0.8,
                              features=features, params=params, model_type="lgb", notes="bench",
                              oof_preds=oof, test_preds=test)
        if i >= PRELOG:
            log.append(time.perf_counter() - t)
            t = time.perf_counter()
            got = tracker.get_oof(rid) if hasattr(tracker, "get_oof") else np.load(
                os.path.join(tracker.save_dir, "details", rid + "_oof.npy"))
            load.append(time.perf_counter() - t)
            assert got.shape == oof.shape
    return log, load


def ms(times, q):
    return 1000 * sorted(times)[int(q * (len(times) - 1))]


print(f"{RUNS} runs after {PRELOG}, OOF {OOF_ROWS} float64 + test {OOF_ROWS // 2}")
print(f"{'tracker':32} {'log_run p50':>12} {'p90':>8} {'get_oof p50':>12}")
for label, make in (("kxrun.tracker.ExperimentTracker", ExperimentTracker),
                    ("pandas tracker (no fsync)", PandasExperimentTracker)):
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as d:
        log, load = measure(make("bench", save_dir=os.path.join(d, "experiments")))
    print(f"{label:32} {ms(log, 0.5):9.2f} ms {ms(log, 0.9):5.2f} ms {ms(load, 0.5):9.2f} ms")
