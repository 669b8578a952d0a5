"""The usual way of keeping a table of runs with pandas, as a peer of
`kxrun log` in bench/scale.sh: every log reads the whole CSV, adds the row
and writes the whole CSV back (no fsync).

    pandas_append.py RUNS_CSV ROWS APPENDS WORK_CSV

starts WORK_CSV with the first ROWS rows of RUNS_CSV (kxrun's runs.csv),
appends APPENDS rows that way and prints ROWS and the median milliseconds
per append, measured in-process (the interpreter and pandas are already
loaded, which a script logging its own run would also have).
"""
import sys
import time

import pandas as pd

src, rows, appends, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
start = pd.read_csv(src, nrows=rows, keep_default_na=False)
start.to_csv(path, index=False)
row = start.iloc[[-1]]
times = []
for _ in range(appends):
    t = time.perf_counter()
    df = pd.read_csv(path, keep_default_na=False)
    df = pd.concat([df, row], ignore_index=True)
    df.to_csv(path, index=False)
    times.append(time.perf_counter() - t)
times.sort()
print(rows, f"{1000 * times[len(times) // 2]:.2f}")
