#!/usr/bin/python3
"""Independent recomputation of the money figures ModelEvaluationTest pins.

Run once with Debian's python3-pandas (1.5.3) and python3-numpy (1.24.2):
    /usr/bin/python3 check_money.py TRADES.csv RESULT.json HOLD COST_PER_UNIT [BOOK [THRESHOLD FULL_SIZE_AT]]
BOOK is staggered (default) or non-overlapping (every HOLD-th bar from the first row decides, at full size);
THRESHOLD and FULL_SIZE_AT size a regression forecast f: 0 within THRESHOLD of 0, else sign(f) * min(1, |f| / FULL)
(FULL 0: the sign).
TRADES.csv is the bundled bitstamp_trades_from_20131125_usd.csv (timestamp in s, price, amount). The 5-minute
closes are the last trade price of each 5-minute bar (bars without a trade have no close), built here with pandas
from the raw trades, not from Atlas's store. The book is written slice by slice: each row's class direction
(2 classes: -1/+1; 3 classes: -1/0/+1) or forecast sign, 1/HOLD of the capital, held over the HOLD bars after the
row, each bar earning position * (close / previous close - 1); costs COST_PER_UNIT * |change of position| at each
close, the last exit included.
"""
import json
import sys

import numpy as np
import pandas as pd

trades, result, hold, cost = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
book = sys.argv[5] if len(sys.argv) > 5 else "staggered"
threshold = float(sys.argv[6]) if len(sys.argv) > 6 else 0.0
full = float(sys.argv[7]) if len(sys.argv) > 7 else 0.0
t = pd.read_csv(trades)
t.index = pd.to_datetime(t.timestamp, unit="s")
close = t.price.resample("5min", label="left", closed="left").last().dropna()
bar_ms = (close.index.view("int64") // 1_000_000).tolist()
where = {ms: i for i, ms in enumerate(bar_ms)}
c = close.to_numpy()

r = json.load(open(result))
test = r["folds"][0]["test"]
times, pred = test["time"], test["predicted"]
k = len(test["probabilities"][0]) if test.get("probabilities") else 0
if k:
    sig = [float(np.sign(p - (k - 1) / 2)) for p in pred]
else:
    def size(p):
        if abs(p) <= threshold:
            return 0.0
        return float(np.sign(p)) * (min(1.0, abs(p) / full) if full > 0 else 1.0)
    sig = [size(p) for p in pred]

first = where[times[0]]
last = where[times[-1]] + hold
pos = {b: 0.0 for b in range(first, last + 2)}
trade_returns = []
next_decision = where[times[0]]
for tm, s in zip(times, sig):
    e = where[tm]
    if book == "non-overlapping":
        if e < next_decision:
            continue
        next_decision = e + hold
        weight = 1.0
    else:
        weight = 1.0 / hold
    for b in range(e + 1, e + hold + 1):
        pos[b] += s * weight
    if s != 0:
        trade_returns.append(s * (c[e + hold] / c[e] - 1))
net, gross = [], []
for b in range(first, last + 1):
    g = pos[b] * (c[b] / c[b - 1] - 1)
    fee = cost * abs(round(pos[b + 1] - pos[b], 12))
    gross.append(g)
    net.append(g - fee)
net, gross = np.array(net), np.array(gross)
equity = np.cumprod(1 + net)
peak = np.maximum.accumulate(np.concatenate([[1.0], equity]))[1:]
tr = np.array(trade_returns)
print(json.dumps({
    "bars": len(net),
    "sharpe_per_bar": net.mean() / net.std(ddof=1),
    "gross_sharpe_per_bar": gross.mean() / gross.std(ddof=1),
    "total_return": equity[-1] - 1,
    "max_drawdown": float((1 - equity / peak).max()),
    "trades": len(tr),
    "gross_expectancy_bps": tr.mean() * 1e4,
    "costs": float(sum(cost * abs(pos[b + 1] - pos[b]) for b in range(first, last + 1))),
}, indent=1))
