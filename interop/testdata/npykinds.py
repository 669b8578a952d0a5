"""Arrays a trainer may hand to numpy.save, by kind, rebuilt identically from
(kind, seed) so a checker can compare what kxrun kept with what the trainer
held, and numpy's own description of a saved .npy file."""

import hashlib
import os

import numpy as np


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _float64_with_nan(rng):
    a = rng.random(150)
    a[3] = np.nan  # a row no fold predicted
    return a


# Arrays kxrun must accept and keep bit for bit.
ACCEPTED = {
    "float64": _float64_with_nan,
    "float32": lambda rng: rng.random(150, dtype=np.float32),
    "int64": lambda rng: rng.integers(-(2**62), 2**62, size=150),
    "bool": lambda rng: rng.random(150) < 0.5,
    "multiclass_2d": lambda rng: _softmax(rng.normal(size=(150, 3))),
    "float32_2d_fortran": lambda rng: np.asfortranarray(rng.random((150, 3), dtype=np.float32)),
    # A transposed C array is what numpy saves with fortran_order True
    # without the trainer asking for it.
    "float64_2d_transposed": lambda rng: rng.random((4, 150)).T,
    # predict_proba(X)[:, 1] is a strided view; numpy.save writes it in C order.
    "proba_column_view": lambda rng: rng.random((150, 2))[:, 1],
    "float64_big_endian": lambda rng: rng.random(150).astype(">f8"),
    "float32_big_endian_2d_fortran": lambda rng: np.asfortranarray(rng.random((150, 3)).astype(">f4")),
    "int64_big_endian": lambda rng: rng.integers(-(2**62), 2**62, size=150).astype(">i8"),
    "empty": lambda rng: np.zeros(0),
    "empty_2d": lambda rng: np.zeros((0, 3), dtype=np.float32),
    "scalar_0d": lambda rng: np.array(rng.random()),
    "float64_format_2_0": lambda rng: rng.random(150),
}

# Arrays kxrun must refuse, saying why.
REJECTED = {
    "object_mixed": lambda rng: np.array([0.5, "a", None], dtype=object),
    # What DataFrame.values gives for a column of floats stored as objects.
    "object_floats": lambda rng: rng.random(150).astype(object),
    "unicode": lambda rng: np.array(["0.1", "0.2"]),
    "complex": lambda rng: rng.random(150) + 1j,
    # A submission packed into a record array.
    "structured": lambda rng: np.zeros(150, dtype=[("id", "<i8"), ("pred", "<f8")]),
    "datetime": lambda rng: np.arange(150).astype("datetime64[D]"),
    "longdouble": lambda rng: rng.random(150).astype(np.longdouble),
}


def make(kind, seed):
    rng = np.random.default_rng(seed)
    return {**ACCEPTED, **REJECTED}[kind](rng)


def save(kind, path, a):
    if kind == "float64_format_2_0":
        with open(path, "wb") as f:
            np.lib.format.write_array(f, a, version=(2, 0))
    else:
        np.save(path, a)  # allow_pickle defaults to True: object arrays are written


def describe(path):
    """What numpy reads from the header of path, and the file's size and hash."""
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read_header(f)
        f.seek(0)
        digest = hashlib.sha256(f.read()).hexdigest()
    return {
        "descr": np.lib.format.dtype_to_descr(dtype),
        "dtype": dtype.name,
        "shape": list(shape),
        "fortran_order": bool(fortran),
        "bytes": os.path.getsize(path),
        "sha256": digest,
    }


def same_array(a, b):
    """a and b hold the same bytes with the same dtype (byte order included),
    shape and memory order."""
    return bool(
        a.dtype == b.dtype
        and a.dtype.str == b.dtype.str
        and a.shape == b.shape
        and np.isfortran(a) == np.isfortran(b)
        and a.tobytes(order="A") == b.tobytes(order="A")
    )
