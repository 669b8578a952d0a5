"""Load the arrays a kxrun tracker kept for a run the way a notebook would
(numpy.load, no pickles), compare each with the array the trainer held
(rebuilt by npykinds.make) and print numpy's description of the files.

    npy_check.py TRACKER_DIR RUN_ID KIND SEED
"""

import json
import os
import sys

import numpy as np

import npykinds

tracker, run_id, kind, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with open(os.path.join(tracker, "details", run_id + ".json")) as f:
    details = json.load(f)
out = {}
for what, offset in (("oof", 0), ("test", 1)):
    path = os.path.join(tracker, details["artifacts"][what]["path"])
    kept = np.load(path, allow_pickle=False)
    held = npykinds.make(kind, seed + offset)
    out[what] = {**npykinds.describe(path), "identical": npykinds.same_array(kept, held)}
print(json.dumps(out))
