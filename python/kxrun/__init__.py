"""kxrun from Python.

``kxrun.trainer`` is for training scripts that kxrun runs: it reads what
kxrun asks of the run (features, seed, params, techniques) and reports the
result as the trainer protocol wants it. ``kxrun.tracker`` is for notebooks:
an ``ExperimentTracker`` that logs runs into a kxrun tracker by driving the
``kxrun`` binary, so notebooks, scripts and sweeps share one tracker.

The package needs only the standard library, numpy and pandas.
"""

__version__ = "0.1.0"

from .errors import KxrunError, KxrunNotFound, ResultError  # noqa: E402,F401


def __getattr__(name):
    # kxrun.trainer, kxrun.tracker and kxrun.ExperimentTracker on first use:
    # a trainer that imports kxrun.trainer does not pay for pandas.
    import importlib

    if name in ("trainer", "tracker"):
        return importlib.import_module("." + name, __name__)
    if name == "ExperimentTracker":
        return importlib.import_module(".tracker", __name__).ExperimentTracker
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
