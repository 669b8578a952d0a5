#!/usr/bin/python3
"""A scikit-learn trainer for kxrun: logistic regression on the Wisconsin
breast cancer data that ships with scikit-learn (no download).

kxrun.trainer (the package under python/) gives the run's features, seed
and params; the script runs stratified k-fold CV shuffled by the seed, and
run.finish saves the out-of-fold and test predictions in the run's directory
and reports the scores. Run by hand it uses every feature, seed 42, and
writes oof.npy and test.npy in the current directory.

    kxrun ablation plans/sklearn.yaml
    PYTHONPATH=python /usr/bin/python3 examples/python/train.py
"""

import sys

import kxrun.trainer
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


def main():
    X, X_test, y, y_test = load_data()
    # A feature of the plan that the data lacks fails the run (a typo must
    # not train on fewer features).
    run = kxrun.trainer.current(all_features=X.columns, params=DEFAULTS)
    features, seed, params = run.features, run.seed, run.params
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
        scores.append(roc_auc_score(y[va], oof[va]))  # run.finish makes plain floats of numpy's
        print(f"fold {k}: auc={scores[-1]:.5f} train={len(tr)} valid={len(va)}", file=sys.stderr)

    cv_mean, cv_std = float(np.mean(scores)), float(np.std(scores))
    print(f"cv auc {cv_mean:.5f} ± {cv_std:.5f} on {len(features)} features, seed {seed}", file=sys.stderr)
    run.finish(
        scores,
        oof=oof,
        test=test_pred,
        params={"C": float(params["C"]), "folds": folds.n_splits, "max_iter": int(params["max_iter"])},
        # The script's own mean and population std (ddof 0, as kxrun's
        # cv_score and cv_std) so the two can be compared.
        metrics={
            "cv_mean": cv_mean,
            "cv_std": cv_std,
            "oof_auc": roc_auc_score(y, oof),
            "holdout_auc": roc_auc_score(y_test, test_pred),
            "n_features": len(features),
        },
        notes=f"StandardScaler + LogisticRegression, {folds.n_splits}-fold stratified CV, sklearn {sklearn.__version__}",
    )


if __name__ == "__main__":
    main()
