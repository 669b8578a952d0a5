"""`pip install ./python` into a virtualenv, offline."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from . import support


@support.needs_numpy_pandas
class InstallTest(unittest.TestCase):
    def test_pip_install_offline(self):
        d = tempfile.mkdtemp()
        # A copy: pip builds in the source tree, which would leave build/
        # and kxrun.egg-info in the repository.
        src = os.path.join(d, "python")
        shutil.copytree(support.PYTHON_DIR, src, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "tests"))
        venv = os.path.join(d, "venv")
        p = subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", venv], capture_output=True, text=True)
        if p.returncode != 0:
            msg = f"{sys.executable} -m venv fails ({p.stderr.strip()[-200:]}): apt-get install python3-venv"
            if os.environ.get("CI"):
                self.fail(msg)
            self.skipTest(msg)
        py = os.path.join(venv, "bin", "python")
        env = {k: v for k, v in support.clean_env().items() if k != "PYTHONPATH"}
        # No index at all: the build must need nothing from one.
        env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
        p = subprocess.run([py, "-m", "pip", "install", src], env=env, capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        p = subprocess.run([py, "-c", "import kxrun, kxrun.trainer, kxrun.tracker; print(kxrun.__file__)"],
                           cwd=d, env=env, capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith(venv), p.stdout)


if __name__ == "__main__":
    unittest.main()
