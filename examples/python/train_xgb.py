#!/usr/bin/python3
"""An XGBoost regression trainer for kxrun: the diabetes progression data
that ships with scikit-learn (no download), scored by RMSE, so the plan says
`direction: minimize`.

Same shape as train.py: kxrun.trainer gives the features, seed and params,
k-fold CV is shuffled by the seed, and run.finish saves oof.npy and test.npy
in the run's directory and reports the scores. XGBoost predicts float32, and
the arrays are saved as they come: kxrun records their dtype as numpy
reports it.

    kxrun ablation plans/xgboost.yaml
    PYTHONPATH=python /usr/bin/python3 examples/python/train_xgb.py
"""

import sys

import kxrun.trainer
import numpy as np
import xgboost as xgb
from sklearn.datasets import load_diabetes
from sklearn.model_selection import KFold, train_test_split

DEFAULTS = {"folds": 5, "n_estimators": 200, "max_depth": 3, "learning_rate": 0.05, "subsample": 0.8}

# scikit-learn calls the six blood serum measurements s1..s6; its dataset
# description names them.
SERUM = {"s1": "tc", "s2": "ldl", "s3": "hdl", "s4": "tch", "s5": "ltg", "s6": "glu"}


def load_data():
    """The data with readable column names, and a fixed 20% holdout that
    plays the part of a competition's test set."""
    data = load_diabetes(as_frame=True)
    X = data.data.rename(columns=SERUM)
    y = data.target.to_numpy()
    return train_test_split(X, y, test_size=0.2, random_state=0)


def rmse(y, pred):
    return float(np.sqrt(np.mean((y - pred) ** 2)))


def main():
    X, X_test, y, y_test = load_data()
    run = kxrun.trainer.current(all_features=X.columns, params=DEFAULTS)
    features, seed, params = run.features, run.seed, run.params
    X, X_test = X[features].to_numpy(), X_test[features].to_numpy()

    folds = KFold(n_splits=int(params["folds"]), shuffle=True, random_state=seed)
    model_params = {
        "n_estimators": int(params["n_estimators"]),
        "max_depth": int(params["max_depth"]),
        "learning_rate": float(params["learning_rate"]),
        "subsample": float(params["subsample"]),
        "tree_method": "hist",
        "n_jobs": 1,  # one thread: reproducible, and kxrun runs several trainers at once
        "random_state": seed,
    }
    oof = np.full(len(y), np.nan, dtype=np.float32)  # NaN: no fold predicted the row
    test_pred = np.zeros(len(X_test), dtype=np.float32)
    scores = []
    for k, (tr, va) in enumerate(folds.split(X), 1):
        model = xgb.XGBRegressor(**model_params)
        model.fit(X[tr], y[tr])
        oof[va] = model.predict(X[va])
        test_pred += model.predict(X_test) / np.float32(folds.n_splits)
        scores.append(rmse(y[va], oof[va]))
        print(f"fold {k}: rmse={scores[-1]:.4f} train={len(tr)} valid={len(va)}", file=sys.stderr)

    cv_mean, cv_std = float(np.mean(scores)), float(np.std(scores))
    print(f"cv rmse {cv_mean:.4f} ± {cv_std:.4f} on {len(features)} features, seed {seed}", file=sys.stderr)
    run.finish(
        scores,
        oof=oof,
        test=test_pred,
        params={**{k: v for k, v in model_params.items() if k != "random_state"}, "folds": folds.n_splits},
        metrics={
            "cv_mean": cv_mean,
            "cv_std": cv_std,
            "oof_rmse": rmse(y, oof),
            "holdout_rmse": rmse(y_test, test_pred),
            "n_features": len(features),
        },
        notes=f"XGBRegressor (hist), {folds.n_splits}-fold CV, xgboost {xgb.__version__}",
    )

if __name__ == "__main__":
    main()
