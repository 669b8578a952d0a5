#!/usr/bin/python3
"""Regenerate the npyfile test corpus with real numpy.

    /usr/bin/python3 npyfile/testdata/make_fixtures.py

Writes testdata/npy/*.npy, testdata/manifest.json (what numpy itself says
about each file, for the Go test to compare against) and seed inputs for
FuzzInspect under testdata/fuzz/FuzzInspect/. Output is deterministic for a
given numpy version.
"""

import ast
import hashlib
import io
import json
import os
import shutil
import struct
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
NPY_DIR = os.path.join(HERE, "npy")
FUZZ_DIR = os.path.join(HERE, "fuzz", "FuzzInspect")

# Format 3.0 files are written on purpose.
warnings.filterwarnings("ignore", message="Stored array in format 3.0")

rng = np.random.default_rng(20240601)

# name -> array; saved with np.save (numpy picks the format version).
accepted = {
    "f64_1d": rng.random(50),
    "f32_1d": rng.random(40, dtype=np.float32),
    "f16_1d": rng.random(30).astype(np.float16),
    "i64_1d": rng.integers(-(10**12), 10**12, size=25, dtype=np.int64),
    "i8_1d": np.arange(-10, 10, dtype=np.int8),
    "u16_1d": np.arange(0, 60000, 1000, dtype=np.uint16),
    "u8_1d": np.arange(0, 256, 7, dtype=np.uint8),
    "i32_1d": np.arange(-5, 5, dtype=np.int32),
    "u32_1d": np.arange(5, dtype=np.uint32),
    "u64_1d": np.array([0, 1, 2**64 - 1], dtype=np.uint64),
    "i16_1d": np.arange(-3, 3, dtype=np.int16),
    "bool_1d": rng.random(33) > 0.5,
    "f64_oof_100x3": rng.random((100, 3)),
    "f32_2d_fortran": np.asfortranarray(rng.random((7, 5), dtype=np.float32)),
    "i8_3d": np.arange(24, dtype=np.int8).reshape(2, 3, 4),
    "f64_be": rng.random(20).astype(">f8"),
    "f32_be": rng.random(6).astype(">f4"),
    "i32_be_2d": np.arange(12, dtype=">i4").reshape(3, 4),
    "u64_be": np.arange(4, dtype=">u8"),
    "f16_be": np.arange(4, dtype=">f2"),
    "i16_be_fortran": np.asfortranarray(np.arange(6, dtype=">i2").reshape(2, 3)),
    "empty_f64": np.empty(0, dtype=np.float64),
    "empty_3x0_f32": np.zeros((3, 0), dtype=np.float32),
    "scalar_f64": np.array(3.5),
    "scalar_bool": np.array(True),
}

# name -> (array, substring the Go rejection reason must contain).
rejected = {
    "object": (np.array([1, "a", None], dtype=object), "dtype object ('|O')"),
    "unicode": (np.array(["ab", "cde"]), "unicode string"),
    "bytes": (np.array([b"ab", b"c"]), "byte string"),
    "structured": (np.zeros(3, dtype=[("a", "<i4"), ("b", "<f8")]), "structured dtype (list descr)"),
    "structured_utf8_v3": (np.zeros(2, dtype=[("\u6570", "<f4")]), "structured dtype (list descr)"),
    "void": (np.zeros(2, dtype="V4"), "dtype void/structured"),
    "complex128": (rng.random(4) + 1j, "dtype complex"),
    "complex64": (np.ones(3, dtype=np.complex64), "dtype complex"),
    "datetime64": (np.array(["2024-01-01", "2024-06-01"], dtype="datetime64[D]"), "dtype datetime64"),
    "timedelta64": (np.array([1, 2], dtype="timedelta64[s]"), "dtype timedelta64"),
    "longdouble": (np.array([1.5, 2.5], dtype=np.longdouble), "long double"),
}


def preamble(header, version):
    h = header.encode("latin1" if version < 3 else "utf8")
    if version == 1:
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<I", len(h)) + h


F8x4 = np.arange(4, dtype="<f8").tobytes()
I4x6 = np.arange(6, dtype="<i4").tobytes()

# Hand-written headers that numpy itself loads: unusual but legal spellings
# real writers (old numpy, other languages) produce. The script checks that
# np.load agrees before recording them.
handmade_ok = {
    "hm_reordered_dq": preamble('{"shape": (4,), "fortran_order": False, "descr": "<f8"}\n', 1) + F8x4,
    "hm_no_padding_no_newline": preamble("{'descr':'<f8','fortran_order':False,'shape':(4,)}", 1) + F8x4,
    "hm_whitespace_comment": preamble("  {\n\t'descr' : '<i4' ,\n 'fortran_order': True, # F\n 'shape': ( 2 , 3 ) }   \n", 1) + I4x6,
    "hm_native_eq": preamble("{'descr': '=f8', 'fortran_order': False, 'shape': (4,), }\n", 1) + F8x4,
    "hm_no_byteorder": preamble("{'descr': 'f8', 'fortran_order': False, 'shape': (2, 2), }\n", 1) + F8x4,
    "hm_pipe_f8": preamble("{'descr': '|f8', 'fortran_order': False, 'shape': (4,), }\n", 1) + F8x4,
    "hm_py2_long": preamble("{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 2L), }\n", 1) + F8x4,
    "hm_lt_b1": preamble("{'descr': '<b1', 'fortran_order': False, 'shape': (3,), }\n", 1) + b"\x00\x01\x01",
    "hm_v2_small": preamble("{'descr': '<i4', 'fortran_order': False, 'shape': (6,), }\n", 2) + I4x6,
}

# Hand-written headers numpy refuses; Inspect must refuse them too.
handmade_bad = {
    "hm_shape_list": (preamble("{'descr': '<f8', 'fortran_order': False, 'shape': [4], }\n", 1) + F8x4, "'shape' is a list"),
    "hm_shape_int": (preamble("{'descr': '<f8', 'fortran_order': False, 'shape': (4), }\n", 1) + F8x4, "'shape' is an int"),
    "hm_fortran_int": (preamble("{'descr': '<f8', 'fortran_order': 0, 'shape': (4,), }\n", 1) + F8x4, "'fortran_order' is an int"),
    "hm_extra_key": (preamble("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), 'x': 1}\n", 1) + F8x4, "unexpected key 'x'"),
    "hm_missing_key": (preamble("{'descr': '<f8', 'shape': (4,)}\n", 1) + F8x4, "missing 'fortran_order'"),
    "hm_negative": (preamble("{'descr': '<f8', 'fortran_order': False, 'shape': (-4,), }\n", 1) + F8x4, "negative dimension"),
    "hm_long_in_v3": (preamble("{'descr': '<f8', 'fortran_order': False, 'shape': (4L,), }\n", 3) + F8x4, "malformed header"),
    "hm_leading_zero": (preamble("{'descr': '<f8', 'fortran_order': False, 'shape': (04,), }\n", 1) + F8x4, "leading zeros"),
    "hm_nul_padding": (preamble("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }\n\x00\x00", 1) + F8x4, "malformed header"),
    "hm_not_a_dict": (preamble("('<f8', False, (4,))\n", 1) + F8x4, "not a dict"),
}


def header_info(path):
    """What numpy reports about a file's header."""
    with open(path, "rb") as f:
        major, minor = np.lib.format.read_magic(f)
        read = {1: np.lib.format.read_array_header_1_0, 2: np.lib.format.read_array_header_2_0}
        if major in read:
            shape, fortran, dtype = read[major](f, max_header_size=1 << 20)
        else:
            # numpy has no public 3.0 reader; the private one is what np.load uses.
            shape, fortran, dtype = np.lib.format._read_array_header(f, (major, minor), max_header_size=1 << 20)
        header_len = f.tell()
    return major, minor, shape, fortran, dtype, header_len


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def raw_descr(path):
    """The descr exactly as written (numpy normalises '=f8' to '<f8')."""
    with open(path, "rb") as f:
        data = f.read(1 << 16)
    major = data[6]
    start = 10 if major == 1 else 12
    text = data[start:].decode("latin1" if major < 3 else "utf8", errors="replace")
    hl = struct.unpack("<H", data[8:10])[0] if major == 1 else struct.unpack("<I", data[8:12])[0]
    text = text[:hl]
    if major < 3:
        text = np.lib.format._filter_header(text)  # drops Python 2 "L" suffixes
    return ast.literal_eval(text)["descr"]


def entry(name, path, reject=None):
    major, minor, shape, fortran, dtype, header_len = header_info(path)
    e = {
        "file": "npy/" + os.path.basename(path),
        "version": "%d.%d" % (major, minor),
        "shape": list(shape),
        "fortran_order": bool(fortran),
        "header_len": header_len,
        "size": os.path.getsize(path),
        "sha256": sha256(path),
    }
    if reject is None:
        e["descr"] = raw_descr(path)
        e["dtype"] = dtype.name
    else:
        e["reject"] = reject
        e["numpy_dtype"] = str(dtype)
    return e


def go_quote(b):
    """A Go interpreted string literal for arbitrary bytes."""
    out = []
    for c in b:
        ch = chr(c)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= c < 0x7F:
            out.append(ch)
        else:
            out.append("\\x%02x" % c)
    return '"' + "".join(out) + '"'


def main():
    for d in (NPY_DIR, FUZZ_DIR):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    manifest = []

    for name, arr in accepted.items():
        path = os.path.join(NPY_DIR, name + ".npy")
        np.save(path, arr)
        manifest.append(entry(name, path))

    # Explicit format versions, written the way numpy documents.
    for name, arr, version in [
        ("f64_v2", rng.random((4, 2)), (2, 0)),
        ("f32_v3", rng.random(5, dtype=np.float32), (3, 0)),
        ("i64_v2_fortran", np.asfortranarray(np.arange(6, dtype=np.int64).reshape(3, 2)), (2, 0)),
    ]:
        path = os.path.join(NPY_DIR, name + ".npy")
        with open(path, "wb") as f:
            np.lib.format.write_array(f, arr, version=version)
        manifest.append(entry(name, path))

    for name, (arr, reason) in rejected.items():
        path = os.path.join(NPY_DIR, name + ".npy")
        np.save(path, arr, allow_pickle=True)
        manifest.append(entry(name, path, reject=reason))

    for name, data in handmade_ok.items():
        path = os.path.join(NPY_DIR, name + ".npy")
        with open(path, "wb") as f:
            f.write(data)
        np.load(path)  # must not raise: numpy accepts this header
        manifest.append(entry(name, path))

    for name, (data, reason) in handmade_bad.items():
        path = os.path.join(NPY_DIR, name + ".npy")
        with open(path, "wb") as f:
            f.write(data)
        try:
            # From memory, not the path: for real files numpy 1.x reads with
            # fromfile, which treats a negative count as "all" and so loads
            # the negative-shape file.
            np.load(io.BytesIO(data))
        except (ValueError, SyntaxError):
            pass
        else:
            raise SystemExit("numpy unexpectedly loaded " + name)
        manifest.append({"file": "npy/" + name + ".npy", "reject": reason,
                         "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})

    for e in manifest:
        if "reject" in e:
            continue
        # Cross-check the size rule Inspect enforces against numpy's view.
        itemsize = np.dtype(e["descr"]).itemsize
        assert e["size"] == e["header_len"] + int(np.prod(e["shape"], dtype=np.int64)) * itemsize, e

    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump({"numpy_version": np.__version__, "files": manifest}, f, indent=1, sort_keys=True)
        f.write("\n")

    # Seed the fuzzer with a spread of small valid and invalid files.
    seeds = ["f64_1d", "bool_1d", "i16_be_fortran", "scalar_f64", "empty_3x0_f32", "f64_v2", "f32_v3",
             "object", "structured", "structured_utf8_v3", "datetime64", "hm_whitespace_comment",
             "hm_py2_long", "hm_reordered_dq", "hm_shape_int"]
    for name in seeds:
        with open(os.path.join(NPY_DIR, name + ".npy"), "rb") as f:
            data = f.read()
        with open(os.path.join(FUZZ_DIR, "seed_" + name), "w") as f:
            f.write("go test fuzz v1\n[]byte(" + go_quote(data) + ")\n")


if __name__ == "__main__":
    main()
