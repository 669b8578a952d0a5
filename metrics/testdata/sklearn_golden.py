"""Writes the metric cases and scikit-learn's value for each, as JSON.

    /usr/bin/python3 testdata/sklearn_golden.py > testdata/sklearn_golden.json

(go test ./metrics -update does the same.) A value of null means
scikit-learn refuses the arrays (or gives NaN), and kxrun must refuse them too.
"""
import json
import sys
import warnings

import numpy as np
from sklearn import metrics as skm

warnings.simplefilter("ignore")
rng = np.random.default_rng(7)


def rmse(y, p):
    return np.sqrt(skm.mean_squared_error(y, p))


def rmsle(y, p):
    return np.sqrt(skm.mean_squared_log_error(y, p))


def to_classes(p):
    p = np.asarray(p, dtype=float)
    return p.argmax(axis=1) if p.ndim == 2 else (p >= 0.5).astype(int)


def qwk(y, p):
    p = np.asarray(p, dtype=float)
    pred = p.argmax(axis=1) if p.ndim == 2 else np.rint(p)
    return skm.cohen_kappa_score(y, pred, weights="quadratic")


SK = {
    "auc": skm.roc_auc_score,
    "logloss": lambda y, p: skm.log_loss(y, p, labels=list(range(max(2, np.asarray(p).shape[1] if np.ndim(p) == 2 else 2)))),
    "multi_logloss": lambda y, p: skm.log_loss(y, p, labels=list(range(np.asarray(p).shape[1]))),
    "rmse": rmse,
    "rmsle": rmsle,
    "mae": skm.mean_absolute_error,
    "r2": skm.r2_score,
    "accuracy": lambda y, p: skm.accuracy_score(y, to_classes(p)),
    "f1": lambda y, p: skm.f1_score(y, to_classes(p)),
    "qwk": qwk,
}

bin_y = rng.integers(0, 2, 200).astype(float)
bin_p = np.clip(bin_y * 0.3 + rng.random(200) * 0.7, 0, 1)
tied_p = np.round(bin_p, 1)  # many ties
reg_y = rng.normal(3, 1, 150)
reg_p = reg_y + rng.normal(0, 0.5, 150)
cls_y = rng.integers(0, 4, 120).astype(float)
cls_p = rng.dirichlet(np.ones(4), 120)
cls_p[np.arange(120), cls_y.astype(int)] += 0.3
cls_p /= cls_p.sum(axis=1, keepdims=True)
ord_y = rng.integers(0, 5, 100).astype(float)
ord_p = np.clip(ord_y + rng.normal(0, 0.8, 100), 0, 4)

cases = [
    ("binary", ["auc", "logloss", "accuracy", "f1", "rmse", "mae", "r2"], bin_y, bin_p),
    ("ties", ["auc", "logloss", "accuracy", "f1"], bin_y, tied_p),
    ("constant", ["auc", "logloss", "accuracy", "f1", "rmse", "r2"], bin_y, np.full(200, 0.5)),
    ("clipped", ["logloss", "auc"], np.array([0, 1, 1, 0, 1.0]), np.array([0.0, 1.0, 0.0, 1e-20, 1 - 1e-17])),
    ("single_class", ["auc", "logloss", "accuracy", "f1", "r2", "qwk"], np.ones(50), rng.random(50)),
    ("single_class_perfect", ["r2", "f1"], np.zeros(20), np.zeros(20)),
    ("regression", ["rmse", "rmsle", "mae", "r2"], reg_y, reg_p),
    ("negative", ["rmsle"], np.array([1.0, 2, 3]), np.array([1.0, -0.5, 3])),
    ("multiclass", ["multi_logloss", "logloss", "accuracy", "qwk"], cls_y, cls_p),
    ("multiclass_unnormalised", ["multi_logloss"], cls_y, cls_p * 3 + 0.01),
    ("ordinal", ["qwk", "rmse", "mae"], ord_y, ord_p),
    ("ordinal_half", ["qwk"], np.array([0, 1, 2, 3, 2.0]), np.array([0.5, 1.5, 2.5, 2.5, 1.5])),
]

out = []
for name, mets, y, p in cases:
    p = np.asarray(p, dtype=float)
    want = {}
    for m in mets:
        try:
            v = float(SK[m](y, p))
            want[m] = v if np.isfinite(v) else None
        except ValueError:
            want[m] = None
    out.append({
        "name": name,
        "y": [float(v) for v in y],
        "p": [float(v) for v in p.ravel()],
        "cols": int(p.shape[1]) if p.ndim == 2 else 1,
        "want": want,
    })
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
