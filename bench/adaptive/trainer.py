#!/usr/bin/python3
"""A trainer whose effects are known: for the adaptive-sweep benchmark.

Score = 0.8 + a per-seed offset shared by every variant (cancels in
same-seed gains) + the effects of the feature groups present + per-run
noise. Groups by the prefix of their features: large_* adds 0.03, small_*
0.006, null*_* nothing. The per-run noise is N(0, NOISE) (default 0.0006),
drawn from the seed and the feature set, so a rerun gives the same score.
TRAIN_SLEEP seconds (default 0) stand for the training time; SALT (default
empty) gives another draw of the noise, for repeated benchmark rounds.
"""
import hashlib
import json
import os
import random
import time

EFFECTS = {"large": 0.03, "small": 0.006}

seed = int(os.environ["KXRUN_SEED"])
features = [f for f in os.environ.get("KXRUN_FEATURES", "").split(",") if f]
noise = float(os.environ.get("NOISE", "0.0006"))
time.sleep(float(os.environ.get("TRAIN_SLEEP", "0")))

salt = os.environ.get("SALT", "")
shared = random.Random(f"{salt}|{seed}")
score = 0.8 + shared.gauss(0, 0.01)
for prefix, effect in EFFECTS.items():
    if any(f.startswith(prefix + "_") for f in features):
        score += effect
key = hashlib.sha256(f"{salt}|{seed}|{','.join(sorted(features))}".encode()).hexdigest()
run = random.Random(int(key[:16], 16))
score += run.gauss(0, noise)
folds = [score + run.gauss(0, 0.002) for _ in range(5)]
mean = sum(folds) / len(folds)
folds = [f - mean + score for f in folds]  # the CV mean is the score
print(json.dumps({"cv_scores": folds}))
