#!/usr/bin/python3
"""A scikit-learn trainer for kxrun: logistic regression on the Wisconsin
breast cancer data that ships with scikit-learn (no download).

Under kxrun it reads the run's features, seed and params from KXRUN_SPEC
(or the KXRUN_* variables), runs stratified k-fold CV shuffled by the seed,
saves out-of-fold and test predictions with numpy.save in KXRUN_RUN_DIR and
prints the result as one JSON line. Run by hand it uses every feature, seed
42, and writes oof.npy and test.npy in the current directory.

    kxrun ablation plans/sklearn.yaml
    /usr/bin/python3 examples/python/train.py
"""

import json
import os
import sys

import numpy as np
import sklearn
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

DEFAULTS = {"C": 1.0, "folds": 5, "max_iter": 1000}


def load_data():
    """The data as a DataFrame with the column names of the Kaggle copy of
    this dataset (radius_mean, radius_se, radius_worst, ...), and a fixed
    20% stratified holdout that plays the part of a competition's test set:
    the same rows for every run, whatever the seed."""
    data = load_breast_cancer(as_frame=True)
    X = data.data.rename(columns=kaggle_name)
    # scikit-learn codes malignant as 0; make malignant the positive class.
    y = 1 - data.target.to_numpy()
    return train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)


def kaggle_name(name):
    """'mean radius' -> 'radius_mean', 'radius error' -> 'radius_se',
    'worst concave points' -> 'concave_points_worst'."""
    if name.startswith("mean "):
        stat, name = "mean", name[len("mean "):]
    elif name.startswith("worst "):
        stat, name = "worst", name[len("worst "):]
    else:
        stat, name = "se", name[: -len(" error")]
    return name.replace(" ", "_") + "_" + stat


def run_settings(all_features):
    """What kxrun asks for: the spec file when there is one, else the
    KXRUN_* variables, else defaults for a run by hand."""
    spec = {}
    if os.environ.get("KXRUN_SPEC"):
        with open(os.environ["KXRUN_SPEC"]) as f:
            spec = json.load(f)
    features = spec.get("features")
    if features is None and os.environ.get("KXRUN_FEATURES"):
        features = os.environ["KXRUN_FEATURES"].split(",")
    seed = spec.get("seed", os.environ.get("KXRUN_SEED", 42))
    run_dir = spec.get("run_dir") or os.environ.get("KXRUN_RUN_DIR") or "."
    params = {**DEFAULTS, **(spec.get("params") or {})}
    return features or list(all_features), int(seed), run_dir, params


def main():
    X, X_test, y, y_test = load_data()
    features, seed, run_dir, params = run_settings(X.columns)
    unknown = sorted(set(features) - set(X.columns))
    if unknown:
        # A typo in the plan must fail the run, not train on fewer features.
        sys.exit(f"unknown features {unknown}; known: {list(X.columns)}")
    X, X_test = X[features].to_numpy(), X_test[features].to_numpy()

    folds = StratifiedKFold(n_splits=int(params["folds"]), shuffle=True, random_state=seed)
    oof = np.full(len(y), np.nan)  # NaN: no fold predicted the row
    test_pred = np.zeros(len(X_test))
    scores = []
    for k, (tr, va) in enumerate(folds.split(X, y), 1):
        model = make_pipeline(
            StandardScaler(),
            LogisticRegression(C=float(params["C"]), max_iter=int(params["max_iter"])),
        )
        model.fit(X[tr], y[tr])
        oof[va] = model.predict_proba(X[va])[:, 1]
        test_pred += model.predict_proba(X_test)[:, 1] / folds.n_splits
        # float(): json cannot encode numpy scalars such as np.float32.
        scores.append(float(roc_auc_score(y[va], oof[va])))
        print(f"fold {k}: auc={scores[-1]:.5f} train={len(tr)} valid={len(va)}", file=sys.stderr)

    np.save(os.path.join(run_dir, "oof.npy"), oof)
    np.save(os.path.join(run_dir, "test.npy"), test_pred)
    cv_mean, cv_std = float(np.mean(scores)), float(np.std(scores))
    print(f"cv auc {cv_mean:.5f} ± {cv_std:.5f} on {len(features)} features, seed {seed}", file=sys.stderr)
    print(json.dumps({
        "cv_scores": scores,
        "params": {"C": float(params["C"]), "folds": folds.n_splits, "max_iter": int(params["max_iter"])},
        # The script's own mean and population std (ddof 0, as kxrun's
        # cv_score and cv_std) so the two can be compared.
        "metrics": {
            "cv_mean": cv_mean,
            "cv_std": cv_std,
            "oof_auc": float(roc_auc_score(y, oof)),
            "holdout_auc": float(roc_auc_score(y_test, test_pred)),
            "n_features": len(features),
        },
        "notes": f"StandardScaler + LogisticRegression, {folds.n_splits}-fold stratified CV, sklearn {sklearn.__version__}",
    }))


if __name__ == "__main__":
    main()
