"""The peer of the dashboard's group-by: what a user does in a notebook on
the same tracker, pandas reading runs.csv and grouping by configuration.
Prints the median of REPS timings of the read and of the group-by, in ms.

    /usr/bin/python3 bench/ui_pandas.py TRACKER_DIR [REPS]
"""
import statistics
import sys
import time

import pandas as pd

path = sys.argv[1] + "/runs.csv"
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
read, group = [], []
for _ in range(reps):
    t0 = time.perf_counter()
    runs = pd.read_csv(path, float_precision="round_trip")
    t1 = time.perf_counter()
    runs = runs[runs["archived"] != True]
    runs["config"] = [n.removesuffix(f"_s{int(s)}") if s == s else n for n, s in zip(runs["name"], runs["seed"])]
    table = runs.groupby("config")[["cv_score", "lb_score"]].agg(["count", "mean", "std", "min", "max"])
    t2 = time.perf_counter()
    read.append(1000 * (t1 - t0))
    group.append(1000 * (t2 - t1))
print(f"pandas read_csv {statistics.median(read):.0f} ms, group by configuration {statistics.median(group):.0f} ms ({len(table)} groups, {len(runs)} runs)")
