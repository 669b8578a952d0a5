"""The code of the README's "Logging from a notebook" and of python/README.md
runs as printed."""

import os
import re
import subprocess
import sys
import tempfile
import unittest

from . import support

PRELUDE = '''
import numpy as np
features = ["age", "fare", "sex"]
lgb_params = {"num_leaves": 31, "learning_rate": 0.05}
oof, test = np.random.default_rng(0).random(100), np.random.default_rng(1).random(40)
'''


def python_blocks(path, section):
    with open(path) as f:
        text = f.read()
    start = text.index("\n## " + section + "\n")
    body = text[start + 1:]
    end = body.find("\n## ", 1)
    body = body if end < 0 else body[:end]
    return re.findall(r"\n```python\n(.*?)\n```\n", body, re.S)


@support.needs_numpy_pandas
class ReadmeTest(unittest.TestCase):
    def run_code(self, code):
        d = tempfile.mkdtemp()
        script = os.path.join(d, "notebook.py")
        with open(script, "w") as f:
            f.write(PRELUDE + code + "\nprint('ids', sorted(tracker.runs()['run_id']))\n")
        p = subprocess.run([sys.executable, script], cwd=d, capture_output=True, text=True,
                           env=support.clean_env(KXRUN_BIN=support.kxrun_bin(self)))
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        return p.stdout

    def test_readme_notebook(self):
        blocks = python_blocks(os.path.join(support.REPO, "README.md"), "Logging from a notebook")
        self.assertEqual(len(blocks), 1)
        out = self.run_code(blocks[0])
        self.assertIn("ids ['run_001', 'run_002']", out)
        self.assertIn("params changed:   num_leaves: 31 -> 63", out)

    def test_package_readme_notebook(self):
        blocks = python_blocks(os.path.join(support.PYTHON_DIR, "README.md"), "A notebook")
        self.assertEqual(len(blocks), 1)
        # Its compare and set_lb name a second run.
        code = blocks[0].replace("tracker.report(top_n=None)", "tracker.log_run(name='second', cv_scores=[0.8, 0.81])\n"
                                 "tracker.report(top_n=None)")
        out = self.run_code(code)
        self.assertIn("ids ['run_001', 'run_002']", out)


if __name__ == "__main__":
    unittest.main()
