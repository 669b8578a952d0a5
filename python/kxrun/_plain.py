"""Conversions from numpy and pandas values to what JSON and kxrun accept:
plain floats for scores, plain Python objects for params, and arrays of a
dtype kxrun keeps byte for byte."""

import math
import numbers

import numpy as np

from .errors import ResultError


def scores(values, what="cv_scores"):
    """The fold scores as a list of plain floats. A list, tuple, numpy
    array or pandas Series of real numbers; float32 scores become the
    float64 of the same value. Raises ResultError for an empty list, NaN,
    infinity, or anything that is not a number."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ResultError(f"{what} must be a flat list of numbers, one per fold, not {values!r:.80}")
    if arr.size == 0:
        raise ResultError(f"{what} is empty: give one score per fold")
    # The items as given (numpy would turn True into 1.0); float() of a
    # float32 is the float64 of the same value, exactly.
    items = values.tolist() if isinstance(values, np.ndarray) else list(values)
    out = [float(number(v, f"{what}[{i}]")) for i, v in enumerate(items)]
    # kxrun stores the mean and the std of the folds: both must be finite.
    with np.errstate(over="ignore", invalid="ignore"):
        finite = math.isfinite(float(np.mean(out))) and math.isfinite(float(np.std(out)))
    if not finite:
        raise ResultError(f"{what} are too large to average: their mean or standard deviation overflows")
    return out


def number(v, what):
    """A finite real number as a plain float (int stays int)."""
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Real, np.number)):
        raise ResultError(f"{what} is {v!r} ({type(v).__name__}), not a number")
    if isinstance(v, (numbers.Integral, np.integer)):
        return int(v)
    f = float(v)
    if math.isnan(f):
        raise ResultError(f"{what} is NaN: a fold scored NaN (a constant prediction, an empty fold?)")
    if math.isinf(f):
        raise ResultError(f"{what} is {f}: scores must be finite")
    return f


def metrics(values):
    """Extra metrics: a mapping of names to finite numbers."""
    if values is None:
        return None
    if not hasattr(values, "items"):
        raise ResultError(f"metrics must be a dict of name -> number, not {type(values).__name__}")
    return {str(k): number(v, f"metrics[{k!r}]") for k, v in values.items()}


def jsonable(v, what="params"):
    """v with numpy scalars and arrays turned into plain Python values,
    ready for json.dumps(allow_nan=False)."""
    if isinstance(v, dict):
        return {str(k): jsonable(x, f"{what}[{k!r}]") for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x, f"{what}[{i}]") for i, x in enumerate(v)]
    if isinstance(v, np.ndarray):
        return jsonable(v.tolist(), what)
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        raise ResultError(f"{what} is {v}: JSON has no NaN or infinity; use None")
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    raise ResultError(f"{what} is {v!r} ({type(v).__name__}): only numbers, strings, booleans, None, lists and dicts are recorded")


def array(a, what):
    """a as a numpy array kxrun keeps as it is: bool, integers, or float16,
    float32, float64; 1-D or 2-D (one column per class) or any other shape."""
    arr = np.asarray(a)
    kind, size = arr.dtype.kind, arr.dtype.itemsize
    if not (kind in "biu" or kind == "f" and size <= 8):
        hint = ""
        if kind == "O":
            hint = ": an object array (a pandas column of mixed types?); convert with .to_numpy(dtype='float64')"
        elif kind == "f":
            hint = ": long double is platform-specific; use float64"
        raise ResultError(f"{what} has dtype {arr.dtype}, which kxrun does not keep{hint}")
    return arr
