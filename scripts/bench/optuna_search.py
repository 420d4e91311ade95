#!/usr/bin/env python3
"""The search a researcher would run instead of Atlas's, for scripts/bench-search.sh: Optuna driving a plain
PyTorch loop over the 48 configurations of scripts/bench/search-dense.yaml (dense 30-32-16-3, six learning rates x two
dropouts x four seeds, Adam, batch 256, 27 epochs, one thread) on the same rows: a 50/25/25 chronological split of the
exported feature matrix, z-scores fitted on the training rows, tercile classes from the training part's label
percentiles. Each trial reports its validation loss after every epoch.

  optuna_search.py MATRIX.csv grid   every trial to its end (Optuna's GridSampler, no pruner)
  optuna_search.py MATRIX.csv asha   the same grid with SuccessiveHalvingPruner(min_resource=1, reduction_factor=3),
                                     Optuna's asynchronous successive halving, as the Atlas side's search

Prints the wall time, the epochs trained and the three best trials by their best validation loss. Nothing is
written to disk. Needs Debian's python3-torch (1.13) and python3-optuna (3.1); run with /usr/bin/python3.
"""
import sys
import time

import optuna
import torch
from torch import nn

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from torch_train import prepare  # noqa: E402  (the same rows as the training benchmark)

torch.set_num_threads(1)
optuna.logging.set_verbosity(optuna.logging.WARNING)

LRS = [0.03, 0.01, 0.003, 0.001, 0.0003, 0.0001]
DROPOUTS = [0.0, 0.2]
SEEDS = [0, 1, 2, 3]
EPOCHS = 27


def main(path, mode):
    X, Y, a, b = prepare(path)
    xtr, ytr, xva, yva = X[:a], Y[:a], X[a:b], Y[a:b]
    loss_fn = nn.CrossEntropyLoss()
    epochs_trained = [0]

    def objective(trial):
        lr = trial.suggest_categorical("lr", LRS)
        dropout = trial.suggest_categorical("dropout", DROPOUTS)
        seed = trial.suggest_categorical("seed", SEEDS)
        torch.manual_seed(seed)
        model = nn.Sequential(nn.Linear(X.shape[1], 32), nn.ReLU(), nn.Dropout(dropout), nn.Linear(32, 16),
                              nn.ReLU(), nn.Dropout(dropout), nn.Linear(16, 3))
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        best = float("inf")
        for epoch in range(EPOCHS):
            model.train()
            perm = torch.randperm(a)
            for s in range(0, a, 256):
                idx = perm[s:s + 256]
                opt.zero_grad()
                loss = loss_fn(model(xtr[idx]), ytr[idx])
                loss.backward()
                opt.step()
            model.eval()
            with torch.no_grad():
                val = loss_fn(model(xva), yva).item()
            epochs_trained[0] += 1
            best = min(best, val)
            trial.report(val, epoch + 1)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return best

    grid = {"lr": LRS, "dropout": DROPOUTS, "seed": SEEDS}
    pruner = optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3) if mode == "asha" \
        else optuna.pruners.NopPruner()
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.GridSampler(grid, seed=7), pruner=pruner)
    t0 = time.perf_counter()
    study.optimize(objective, n_trials=len(LRS) * len(DROPOUTS) * len(SEEDS))
    wall = time.perf_counter() - t0
    pruned = sum(1 for t in study.trials if t.state == optuna.trial.TrialState.PRUNED)
    print(f"optuna-{mode}: wall {wall:.1f} s, {len(study.trials)} trials, {pruned} pruned, "
          f"{epochs_trained[0]} epochs trained")
    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    for t in sorted(done, key=lambda t: t.value)[:3]:
        print(f"  lr {t.params['lr']:<7} dropout {t.params['dropout']} seed {t.params['seed']}  best validation loss "
              f"{t.value:.5f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
