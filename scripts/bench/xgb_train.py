#!/usr/bin/env python3
"""The plain XGBoost loop a researcher would write instead of `atlas run scripts/bench/trees-16.yaml`, for
scripts/bench-trees.sh: the same 16 configurations (depth 3 or 6, eta 0.05 or 0.2, subsample and colsample_bytree 0.8
or 1.0; at most 300 rounds, early stopping after 30 without a better validation log loss) on the same rows: a
50/25/25 chronological split of the exported feature matrix, z-scores fitted on the training rows, tercile classes
from the training part's label percentiles, histogram method, one thread. At the end each model's class
probabilities on every row from its best round's trees. Nothing is written to disk.

    /usr/bin/python3 scripts/bench/xgb_train.py MATRIX.csv

Needs Debian's python3-xgboost (1.7) and python3-numpy.
"""
import csv
import sys
import time

import numpy as np
import xgboost as xgb


def load(path):
    with open(path, newline="") as f:
        rows = csv.reader(f)
        next(rows)
        # columns: time (ISO), the features, then the label (the last column); rows without a label are dropped
        data = np.array([[float(v) if v not in ("", "NaN") else np.nan for v in r[1:]] for r in rows], dtype=np.float64)
    data = data[~np.isnan(data[:, -1])]
    return data[:, :-1], data[:, -1]


def main(path):
    x, y = load(path)
    n = len(x)
    a, b = int(n * 0.5), int(n * 0.75)
    mu, sd = np.nanmean(x[:a], 0), np.nanstd(x[:a], 0)
    sd[sd == 0] = 1
    xs = ((x - mu) / sd).astype(np.float32)
    lo, hi = np.percentile(y[:a], [33.333, 66.667])
    cls = np.where(y <= lo, 0, np.where(y <= hi, 1, 2))
    dtrain = xgb.DMatrix(xs[:a], label=cls[:a], missing=np.nan)
    dval = xgb.DMatrix(xs[a:b], label=cls[a:b], missing=np.nan)
    t0 = time.perf_counter()
    best = []
    for depth in (3, 6):
        for eta in (0.05, 0.2):
            for sub in (0.8, 1.0):
                for col in (0.8, 1.0):
                    params = {"objective": "multi:softprob", "num_class": 3, "eval_metric": "mlogloss",
                              "tree_method": "hist", "nthread": 1, "seed": 42, "eta": eta, "max_depth": depth,
                              "subsample": sub, "colsample_bytree": col, "verbosity": 0}
                    bst = xgb.train(params, dtrain, num_boost_round=300, evals=[(dtrain, "train"), (dval, "validation")],
                                    early_stopping_rounds=30, verbose_eval=False)
                    probs = bst.inplace_predict(xs, iteration_range=(0, bst.best_iteration + 1))
                    best.append((bst.best_score, bst.best_iteration + 1, float(probs[0, 0])))
    print(f"trees: 16 models in {time.perf_counter() - t0:.2f}s of training, best validation log loss "
          f"{min(s for s, _, _ in best):.4f}, best rounds {sorted(r for _, r, _ in best)}")


if __name__ == "__main__":
    main(sys.argv[1])
