"""A trainer that reports awkward but legal results, chosen by seed, the way
the README says: cv_scores as Python floats, lb_score and notes. It writes
what it reported to $INTEROP_OUT/<seed>.json, with numpy's mean and
population standard deviation of the scores."""

import json
import os

import numpy as np

CASES = {
    1: {"cv_scores": [0.1, 0.2, 0.30000000000000004], "lb_score": None,
        "notes": 'commas, "double" and \'single\' quotes,\nand a second line'},
    # Scores computed in float32, converted with float() as json needs.
    2: {"cv_scores": [float(x) for x in np.array([0.1, 0.7, 0.9], dtype=np.float32)], "lb_score": 0.0, "notes": ""},
    3: {"cv_scores": [0.8123456789012345, 0.8123456789012346, 1e-9, 12345.678], "lb_score": 0.812,
        "notes": "crlf\r\nand cr\rinside, trailing space "},
    4: {"cv_scores": [-0.6931471805599453, -0.5, -1e-17], "lb_score": -0.0, "notes": "unicode é ✓ 🚀\ttab"},
    # Integers are numbers too (accuracy on a tiny fold).
    5: {"cv_scores": [1, 0, 1], "lb_score": 1e-300, "notes": "a,b,,c"},
    6: {"cv_scores": [5e-324, 2.2250738585072014e-308, 0.5], "lb_score": 123456789.125, "notes": '""'},
}

seed = int(os.environ["KXRUN_SEED"])
case = CASES[seed]
scores = np.array(case["cv_scores"], dtype=np.float64)
with open(os.path.join(os.environ["INTEROP_OUT"], f"{seed}.json"), "w") as f:
    json.dump({**case, "mean": float(np.mean(scores)), "std": float(np.std(scores)),
               "n_features": len(os.environ["KXRUN_FEATURES"].split(","))}, f)
print(json.dumps(case))
