"""Pearson (numpy) and Spearman (pandas) matrices of runs' OOF arrays."""
import json
import sys

import numpy as np
import pandas as pd

exp, ids = sys.argv[1], sys.argv[2:]
arrays = []
for run_id in ids:
    with open(f"{exp}/details/{run_id}.json") as f:
        rec = json.load(f)
    arrays.append(np.load(f"{exp}/{rec['artifacts']['oof']['path']}").ravel())
frame = pd.DataFrame(dict(zip(ids, arrays)))
print(json.dumps({
    "pearson": np.corrcoef(np.vstack(arrays)).tolist(),
    "spearman": frame.corr(method="spearman").to_numpy().tolist(),
}))
