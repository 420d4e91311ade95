#!/usr/bin/env python3
"""The plain PyTorch loop a researcher would write instead of Atlas, for scripts/bench-tiny.sh.

Workloads (one thread, float32, Adam):
  tiny  MATRIX.csv [SEEDS [PART/PARTS]]
                    100 dense nets 30-8-3 (4 learning rates x 5 L2 penalties x 5 seeds), 5 epochs, batch 256, over
                    the same rows as scripts/bench/tiny-100.yaml: a 50/25/25 chronological split of the exported
                    feature matrix, z-scores fitted on the training rows, tercile classes from the training part's
                    label percentiles. Per epoch a validation loss (what early stopping needs); at the end each
                    model's softmax on the train, validation and test rows. Nothing is written to disk. SEEDS 50
                    gives the 1,000 models of scripts/bench/tiny-1k.yaml; PART/PARTS (1/2, 2/2) trains every
                    PARTS-th of them, so that PARTS processes side by side share a sweep as Atlas's slots do.
  gelu  MATRIX.csv  18 gelu nets 30-64-32-3 (3 dropouts x 2 learning rates x 3 seeds), 20 epochs, batch 256, the
                    rows and outputs of tiny (scripts/bench/gelu-18.yaml).
  dense             30-64-64-3 at batch 256 over 104,000 synthetic rows: prints samples/s of training.
  lstm              LSTM 30 -> 32 over 60-step windows at batch 128, 20,000 sequences: prints sequences/s.
  lstm-op EPOCHS    what TrainingBenchmark.lstm*Epoch* times as one operation: EPOCHS epochs of that training over
                    20,000 windows, each followed by a validation loss over 2,500 more, then the softmax of all
                    25,000 (batches of 512 when not training); prints the seconds it took.

Needs Debian's python3-torch (1.13) and python3-numpy; run with /usr/bin/python3.
"""
import csv
import sys
import time

import numpy as np
import torch
from torch import nn

torch.set_num_threads(1)


def load(path):
    with open(path, newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        # columns: time (ISO), the features, then the label (the last column); rows without a label are dropped
        data = np.array([[float(v) if v not in ("", "NaN") else np.nan for v in r[1:]] for r in rows], dtype=np.float64)
    data = data[~np.isnan(data[:, -1])]
    x = np.nan_to_num(data[:, :-1])
    y = data[:, -1]
    return header, x, y


def prepare(path):
    """The rows Atlas's benchmark specs train on: a 50/25/25 chronological split of the exported matrix, z-scores
    fitted on the training rows, tercile classes from the training part's label percentiles. Returns all inputs and
    classes as tensors and the training and validation end rows."""
    _, x, y = load(path)
    n = len(x)
    a, b = int(n * 0.5), int(n * 0.75)
    mu, sd = x[:a].mean(0), x[:a].std(0)
    sd[sd == 0] = 1
    xs = ((x - mu) / sd).astype(np.float32)
    lo, hi = np.percentile(y[:a], [33.333, 66.667])
    cls = np.where(y <= lo, 0, np.where(y <= hi, 1, 2))
    return torch.from_numpy(xs), torch.from_numpy(cls).long(), a, b


def sweep(path, name, configs, build, epochs):
    """Trains one model per configuration on the rows of prepare(path): Adam at batch 256, a validation loss per
    epoch, each model's softmax on every row at the end. build(config, inputs) gives (model, lr, weight decay)."""
    X, Y, a, b = prepare(path)
    xtr, ytr, xva, yva = X[:a], Y[:a], X[a:b], Y[a:b]
    loss_fn = nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    best = []
    for config in configs:
        model, lr, l2 = build(config, X.shape[1])
        opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=l2)
        vals = []
        for epoch in range(epochs):
            model.train()
            perm = torch.randperm(a)
            for s in range(0, a, 256):
                idx = perm[s:s + 256]
                opt.zero_grad()
                loss_fn(model(xtr[idx]), ytr[idx]).backward()
                opt.step()
            model.eval()
            with torch.no_grad():
                vals.append(loss_fn(model(xva), yva).item())
        with torch.no_grad():
            probs = torch.softmax(model(X), dim=1)
        best.append(min(vals) + 0 * float(probs[0, 0]))
    print(f"{name}: {len(configs)} models in {time.perf_counter() - t0:.2f}s of training, "
          f"best validation loss {min(best):.4f}")


def tiny(path, seeds=5, part="1/1"):
    def build(c, n_in):
        lr, l2, seed = c
        torch.manual_seed(seed)
        return nn.Sequential(nn.Linear(n_in, 8), nn.ReLU(), nn.Linear(8, 3)), lr, l2
    configs = [(lr, l2, seed) for lr in (0.001, 0.003, 0.01, 0.03) for l2 in (0.0, 0.0001, 0.001, 0.01, 0.1)
               for seed in range(seeds)]
    i, n = (int(v) for v in part.split("/"))
    sweep(path, "tiny", configs[i - 1::n], build, 5)


def gelu(path):
    def build(c, n_in):
        dropout, lr, seed = c
        torch.manual_seed(seed)
        return nn.Sequential(nn.Linear(n_in, 64), nn.GELU(), nn.Dropout(dropout), nn.Linear(64, 32), nn.GELU(),
                             nn.Dropout(dropout), nn.Linear(32, 3)), lr, 0.0
    sweep(path, "gelu", [(d, lr, seed) for d in (0.0, 0.1, 0.3) for lr in (0.001, 0.0003) for seed in range(3)],
          build, 20)


def dense():
    torch.manual_seed(1)
    n = 104_000
    x = torch.randn(n, 30)
    y = torch.randint(0, 3, (n,))
    model = nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    for epoch in range(2):
        perm = torch.randperm(n)
        for s in range(0, n, 256):
            idx = perm[s:s + 256]
            opt.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()
    print(f"dense: {2 * n / (time.perf_counter() - t0):,.0f} samples/s")


class LstmNet(nn.Module):
    """LSTM 30 -> 32 and a linear head on the last step's state: TrainingBenchmark's LSTM."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(30, 32, batch_first=True)
        self.out = nn.Linear(32, 3)

    def forward(self, v):
        h, _ = self.lstm(v)
        return self.out(h[:, -1])


def lstm_epoch(model, opt, loss_fn, x, y, n):
    """One epoch over the first n windows in a random order, batches of 128."""
    model.train()
    perm = torch.randperm(n)
    for s in range(0, n, 128):
        idx = perm[s:s + 128]
        opt.zero_grad()
        loss_fn(model(x[idx]), y[idx]).backward()
        opt.step()


def lstm():
    torch.manual_seed(1)
    n = 20_000
    x = torch.randn(n, 60, 30)
    y = torch.randint(0, 3, (n,))
    model = LstmNet()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    t0 = time.perf_counter()
    lstm_epoch(model, opt, nn.CrossEntropyLoss(), x, y, n)
    print(f"lstm: {n / (time.perf_counter() - t0):,.0f} sequences/s")


def lstm_op(epochs):
    torch.manual_seed(1)
    n, val, total = 20_000, 2_500, 25_000
    x = torch.randn(total, 60, 30)
    y = torch.randint(0, 3, (total,))
    model = LstmNet()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    for _ in range(epochs):
        lstm_epoch(model, opt, loss_fn, x, y, n)
        model.eval()
        with torch.no_grad():
            sum(loss_fn(model(x[s:s + 512]), y[s:s + 512]).item() for s in range(n, n + val, 512))
    with torch.no_grad():
        probs = [torch.softmax(model(x[s:s + 512]), 1) for s in range(0, total, 512)]
    print(f"lstm-op {epochs}: {time.perf_counter() - t0:.3f} s ({len(probs)} prediction batches)")


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "tiny":
        tiny(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 5, sys.argv[4] if len(sys.argv) > 4 else "1/1")
    elif what == "gelu":
        gelu(sys.argv[2])
    elif what == "dense":
        dense()
    elif what == "lstm":
        lstm()
    elif what == "lstm-op":
        lstm_op(int(sys.argv[2]))
    else:
        sys.exit("usage: torch_train.py tiny MATRIX.csv [SEEDS [PART/PARTS]] | gelu MATRIX.csv | dense | lstm | lstm-op EPOCHS")
