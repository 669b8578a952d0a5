"""Reads a submission back with pandas and compares it with the run's test
predictions and the sample's ids and header. Prints JSON."""
import json
import sys

import numpy as np
import pandas as pd

sub_path, test_path, sample_path = sys.argv[1:4]
sub = pd.read_csv(sub_path, float_precision="round_trip")
sample = pd.read_csv(sample_path)
test = np.load(test_path)
pred = sub.iloc[:, 1:].to_numpy(dtype=np.float64)
want = test.reshape(len(test), -1)
print(json.dumps({
    "header_equal": list(sub.columns) == list(sample.columns),
    "ids_equal": bool((sub.iloc[:, 0] == sample.iloc[:, 0]).all()),
    "values_equal": bool(pred.shape == want.shape and (pred == want).all()),
    "shape": list(pred.shape),
    "default_parser_mismatches": int((pd.read_csv(sub_path).iloc[:, 1:].to_numpy() != want).sum()),
}))
