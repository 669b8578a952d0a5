"""A trainer that saves one kind of array (npykinds.py) as its oof and test
predictions, following the README, and writes numpy's description of each
file it saved to $INTEROP_OUT/<run name>.json.

    npy_trainer.py KIND [run_dir|absolute|relative]

run_dir saves oof.npy and test.npy in KXRUN_RUN_DIR and names neither;
absolute saves them in $INTEROP_OUT and reports absolute paths; relative
saves them under the working directory and reports paths relative to it.
"""

import json
import os
import sys

import npykinds

kind = sys.argv[1]
where = sys.argv[2] if len(sys.argv) > 2 else "run_dir"
seed = int(os.environ["KXRUN_SEED"])
run_dir = os.environ["KXRUN_RUN_DIR"]
out = os.environ["INTEROP_OUT"]
name = os.environ["KXRUN_RUN_NAME"]

result = {"cv_scores": [0.5, 0.75]}
report = {}
for what, offset in (("oof", 0), ("test", 1)):
    a = npykinds.make(kind, seed + offset)
    if where == "run_dir":
        path = os.path.join(run_dir, what + ".npy")
    elif where == "absolute":
        path = os.path.join(out, f"{name}_{what}.npy")
        result[what] = path
    else:
        os.makedirs("preds", exist_ok=True)
        path = os.path.join("preds", f"{name}_{what}.npy")
        result[what] = path
    npykinds.save(kind, path, a)
    report[what] = npykinds.describe(path)

with open(os.path.join(out, name + ".json"), "w") as f:
    json.dump(report, f)
print(json.dumps(result))
