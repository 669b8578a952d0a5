"""A scikit-learn trainer for the blending tests: the breast cancer data,
five stratified folds fixed for every run (so runs share their folds), the
model named by the plan's params, the labels and folds reported beside the
predictions."""
import json
import os

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

data = load_breast_cancer(as_frame=True)
X, X_test, y, _ = train_test_split(data.data, data.target.to_numpy(), test_size=0.25, random_state=0)
features = os.environ["KXRUN_FEATURES"].split(",")
seed = int(os.environ["KXRUN_SEED"])
run_dir = os.environ["KXRUN_RUN_DIR"]
with open(os.environ["KXRUN_SPEC"]) as f:
    params = json.load(f)["params"]


def model():
    kind = params["model"]
    if kind == "lr":
        return make_pipeline(StandardScaler(), LogisticRegression(C=params.get("C", 1.0), max_iter=500))
    if kind == "rf":
        return RandomForestClassifier(n_estimators=20, max_depth=4, random_state=seed, n_jobs=1)
    if kind == "knn":
        return make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=15))
    if kind == "nb":
        return GaussianNB()
    return DecisionTreeClassifier(max_depth=3, random_state=seed)


oof, test, scores = np.zeros(len(X)), np.zeros(len(X_test)), []
folds = np.zeros(len(X), dtype=np.int64)
for k, (tr, va) in enumerate(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y)):
    m = model().fit(X.iloc[tr][features], y[tr])
    oof[va] = m.predict_proba(X.iloc[va][features])[:, 1]
    test += m.predict_proba(X_test[features])[:, 1] / 5
    folds[va] = k
    scores.append(float(roc_auc_score(y[va], oof[va])))
np.save(os.path.join(run_dir, "oof.npy"), oof)
np.save(os.path.join(run_dir, "test.npy"), test)
if not os.environ.get("SWEEP_NO_LABELS"):
    np.save(os.path.join(run_dir, "y.npy"), y.astype(np.float64))
    np.save(os.path.join(run_dir, "folds.npy"), folds)
if os.environ.get("SWEEP_NO_LABELS"):
    # The plan's target: and folds: give them instead.
    print(json.dumps({"cv_scores": scores}))
else:
    print(json.dumps({"cv_scores": scores, "target": "y.npy", "folds": "folds.npy"}))
