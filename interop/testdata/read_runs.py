"""Read a kxrun runs.csv with pandas, as in a notebook, and print what pandas
saw: dtypes, and every row with NaN as null and cv_folds also parsed
with json.loads (as cv_folds_loads).

    read_runs.py RUNS_CSV [read_csv keyword=value ...]

e.g. float_precision=round_trip or keep_default_na=False (values are
Python literals when they parse as one).
"""

import ast
import json
import math
import sys

import pandas as pd


def literal(s):
    try:
        return ast.literal_eval(s)
    except (ValueError, SyntaxError):
        return s


kwargs = dict(arg.split("=", 1) for arg in sys.argv[2:])
df = pd.read_csv(sys.argv[1], **{k: literal(v) for k, v in kwargs.items()})


def value(v):
    if isinstance(v, float) and math.isnan(v):
        return None
    return v.item() if hasattr(v, "item") else v


print(json.dumps({
    "dtypes": {c: str(t) for c, t in df.dtypes.items()},
    "rows": [
        {**{c: value(v) for c, v in row.items()},
         "cv_folds_loads": json.loads(row["cv_folds"]) if isinstance(row.get("cv_folds"), str) else None}
        for row in df.to_dict("records")
    ],
}))
