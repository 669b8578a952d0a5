"""What the tests share: the repository, Debian's interpreter's packages,
and a kxrun binary (KXRUN_BIN, else built from this repository with go)."""

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYTHON_DIR = os.path.join(REPO, "python")

MISSING = [m for m in ("numpy", "pandas") if importlib.util.find_spec(m) is None]
# In CI a missing package must fail, not pass as a skip.
if MISSING and os.environ.get("CI"):
    raise SystemExit(f"{sys.executable} cannot import {', '.join(MISSING)}: .ci/run must install "
                     + " ".join("python3-" + m for m in MISSING))
needs_numpy_pandas = unittest.skipIf(
    bool(MISSING), f"{sys.executable} cannot import {', '.join(MISSING)}: "
    f"apt-get install {' '.join('python3-' + m for m in MISSING)}")

_built = None


def kxrun_bin(test):
    """The kxrun binary the tests drive; skips the test when there is none
    and no go to build one."""
    global _built
    path = os.environ.get("KXRUN_BIN")
    if path:
        return path
    if _built is None:
        go = shutil.which("go") or ("/usr/local/go/bin/go" if os.path.exists("/usr/local/go/bin/go") else None)
        if go is None:
            test.skipTest("no kxrun binary: set KXRUN_BIN, or install Go to build one (make build)")
        out = tempfile.mkdtemp(prefix="kxrun-pytest-")
        _built = os.path.join(out, "kxrun")
        subprocess.run([go, "build", "-o", _built, "./cmd/kxrun"], cwd=REPO, check=True)
    return _built


def clean_env(**extra):
    """The environment without KXRUN_* variables (a test run under kxrun must
    not leak into what it starts), with this repository's package importable
    and no __pycache__ written into the tree."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KXRUN_")}
    env["PYTHONPATH"] = PYTHON_DIR
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env
