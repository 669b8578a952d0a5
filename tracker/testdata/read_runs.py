"""Read a kxrun runs.csv the way a user would, and report what pandas saw."""
import json
import math
import sys

import pandas as pd

df = pd.read_csv(sys.argv[1])
out = {
    "dtypes": {c: str(df[c].dtype) for c in ["cv_score", "cv_std", "seed", "n_features", "lb_score", "duration_s"]},
    "lb_score": [None if math.isnan(v) else v for v in df["lb_score"]],
    "notes": [None if isinstance(v, float) else v for v in df["notes"]],
    "cv_folds": [json.loads(v) for v in df["cv_folds"]],
    "cv_score": list(df["cv_score"]),
    "run_id": list(df["run_id"]),
}
print(json.dumps(out))
