"""The CV-private, public-private and CV-public correlations of a tracker's
runs, by scipy, from runs.csv read with pandas. Prints JSON."""
import json
import sys

import pandas as pd
from scipy.stats import pearsonr, spearmanr

runs = pd.read_csv(sys.argv[1], float_precision="round_trip")
runs = runs[runs.status == "ok"]


def corr(a, b):
    d = runs[[a, b]].dropna()
    return {"n": len(d), "pearson": float(pearsonr(d[a], d[b])[0]), "spearman": float(spearmanr(d[a], d[b])[0])}


both = runs[["cv_score", "lb_score", "private_lb"]].dropna()
print(json.dumps({
    "cv_private": corr("cv_score", "private_lb"),
    "public_private": corr("lb_score", "private_lb"),
    "cv_public": corr("cv_score", "lb_score"),
    "common_cv": float(spearmanr(both.cv_score, both.private_lb)[0]),
    "common_public": float(spearmanr(both.lb_score, both.private_lb)[0]),
}))
