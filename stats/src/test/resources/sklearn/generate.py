#!/usr/bin/python3
"""Writes cases.json: small classification and regression cases with the values scikit-learn and SciPy give.

Generated once and checked in; the build does not run Python. SklearnConventionsTest reads cases.json and
compares Atlas's Classification and Regression to these values within 1e-12.

How it was run (Debian bookworm; note that a pyenv `python3` earlier on the PATH does not see the Debian packages):

    apt-get install python3-sklearn          # brings python3-scipy and python3-numpy
    cd stats/src/test/resources/sklearn && /usr/bin/python3 generate.py

Versions: scikit-learn 1.2.1 (python3-sklearn 1.2.1+dfsg-1), SciPy 1.10.1, NumPy 1.24.2, Python 3.11.2; the script
refuses other scikit-learn versions because log_loss is version-specific: 1.2 changed its default eps from 1e-15 to
numpy's finfo(float64).eps (1.2 still divides each row by its sum after clipping); eps was deprecated in 1.3 and
removed in 1.5.

Classification: classes are 0..k-1, k being the number of probability columns. Per-class precision, recall and F1
are sklearn's with labels=range(k), average=None (a class absent from both actual and predicted gets 0s); the macro
values are sklearn's defaults (labels = the sorted union of the labels in y_true and y_pred, average='macro').
zero_division is left at its default ("warn", which gives 0); the warnings are silenced. log_loss gets
labels=range(k) so that a class absent from y_true is still a column.
"""
import json
import sys
import warnings

import numpy as np
import scipy
import sklearn
from scipy.stats import spearmanr
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import accuracy_score, f1_score, log_loss, precision_score, recall_score

if not sklearn.__version__.startswith("1.2."):
    sys.exit(f"expected scikit-learn 1.2.x (Debian bookworm), found {sklearn.__version__}")

warnings.simplefilter("ignore", UndefinedMetricWarning)

CLASSIFICATION = [
    {
        # the model always predicts class 0; 4 of 10 rows are class 0
        "name": "always predicts one class of 3",
        "actual": [0, 1, 2, 0, 0, 1, 2, 0, 1, 2],
        "predicted": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        "probabilities": [[0.5, 0.3, 0.2], [0.45, 0.35, 0.2], [0.4, 0.3, 0.3], [0.6, 0.2, 0.2], [0.5, 0.25, 0.25],
                          [0.38, 0.32, 0.3], [0.5, 0.1, 0.4], [0.7, 0.2, 0.1], [0.34, 0.33, 0.33], [0.4, 0.2, 0.4]],
    },
    {
        # class 2 is predicted twice but never occurs: its recall is 0/0
        "name": "a class absent from actual",
        "actual": [0, 1, 0, 1, 0, 1, 1],
        "predicted": [0, 1, 2, 1, 0, 2, 0],
        "probabilities": [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.2, 0.5], [0.2, 0.6, 0.2], [0.5, 0.4, 0.1],
                          [0.1, 0.3, 0.6], [0.6, 0.3, 0.1]],
    },
    {
        # three probability columns, but class 2 is neither actual nor predicted: sklearn's macro averages over 0 and 1
        "name": "a class absent from actual and predicted",
        "actual": [0, 1, 1, 0, 1, 0],
        "predicted": [0, 1, 0, 0, 1, 1],
        "probabilities": [[0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.5, 0.45, 0.05], [0.8, 0.1, 0.1], [0.3, 0.6, 0.1],
                          [0.4, 0.5, 0.1]],
    },
    {
        "name": "two classes",
        "actual": [0, 0, 1, 1, 1, 0, 1, 0, 1],
        "predicted": [0, 1, 1, 1, 0, 0, 1, 0, 1],
        "probabilities": [[0.9, 0.1], [0.4, 0.6], [0.35, 0.65], [0.2, 0.8], [0.55, 0.45], [0.7, 0.3], [0.1, 0.9],
                          [0.6, 0.4], [0.3, 0.7]],
    },
    {
        # exact 0 and 1: a certain hit, a certain miss (clipped at eps), a 0 for a class that did not happen, and a row
        # whose sum clipping lifts above 1 (sklearn 1.2 then divides the row by its sum)
        "name": "probabilities of exactly 0 and 1",
        "actual": [0, 0, 1, 2, 2, 1],
        "predicted": [0, 1, 1, 1, 2, 1],
        "probabilities": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.5, 0.5], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0],
                          [0.25, 0.75, 0.0]],
    },
]

REGRESSION = [
    {
        # -0.0 and 0.0 are the same number: scipy ranks them as a tie
        "name": "signed zeros and ties",
        "actual": [-0.0, 0.0, 0.01, -0.02, 0.0, 0.03, -0.0, 0.01],
        "predicted": [0.1, 0.2, 0.3, -0.1, -0.0, 0.0, 0.05, 0.2],
    },
    {
        "name": "signed zeros in both",
        "actual": [0.0, -0.0, 0.5, -0.5, 0.25, -0.0],
        "predicted": [-0.0, 0.0, 0.0, -1.0, 2.0, -0.0],
    },
    {
        "name": "ties only",
        "actual": [0.3, 0.1, 0.2, 0.2, 0.5, 0.4],
        "predicted": [1.0, 2.0, 2.0, 3.0, 6.0, 5.0],
    },
]


def floats(a):
    return [float(x) for x in a]


def classification(case):
    y = np.array(case["actual"])
    yhat = np.array(case["predicted"])
    proba = np.array(case["probabilities"], dtype=np.float64)
    k = proba.shape[1]
    every = list(range(k))
    out = dict(case)
    out["classes"] = k
    out["accuracy"] = float(accuracy_score(y, yhat))
    out["precision"] = floats(precision_score(y, yhat, labels=every, average=None))
    out["recall"] = floats(recall_score(y, yhat, labels=every, average=None))
    out["f1"] = floats(f1_score(y, yhat, labels=every, average=None))
    out["precision macro"] = float(precision_score(y, yhat, average="macro"))
    out["recall macro"] = float(recall_score(y, yhat, average="macro"))
    out["f1 macro"] = float(f1_score(y, yhat, average="macro"))
    out["log loss"] = float(log_loss(y, proba, labels=every))
    return out


def regression(case):
    out = dict(case)
    out["spearman"] = float(spearmanr(case["actual"], case["predicted"]).correlation)
    return out


fixture = {
    "generator": "generate.py",
    "versions": {"scikit-learn": sklearn.__version__, "scipy": scipy.__version__, "numpy": np.__version__,
                 "python": sys.version.split()[0]},
    "classification": [classification(c) for c in CLASSIFICATION],
    "regression": [regression(c) for c in REGRESSION],
}
with open("cases.json", "w", encoding="utf-8") as f:
    json.dump(fixture, f, indent=1, allow_nan=False)
    f.write("\n")
