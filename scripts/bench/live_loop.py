#!/usr/bin/env python3
"""The live loop a researcher would write instead of `atlas live start`, for scripts/bench-live.sh.

For each 5-minute bar of the bundled Bitstamp BTC/USD data's last LAST bars (default 242, the quickstart's test period
length): the window of the HISTORY bars before it (default 2,300, what Atlas reads: the quickstart's warm-up plus a
day; fewer where the data begins later), the quickstart's 19 features over that window with pandas (the common definitions: Wilder RSI and ATR, MACD
12/26/9, Bollinger 20/2, stochastics 14, CCI 20 with a rolling mean absolute deviation, volume z-score, windowed OBV,
candle shape, hour of day), the bar's row z-scored with parameters fixed beforehand, and a 19-32-16-2 dense network's
softmax in PyTorch (float32, eval mode, no_grad). Timed per bar from the window's slice to the probabilities, after
200 bars of warm-up, as Atlas times its bars. Values are not compared with Atlas's (the network's weights are random):
this measures the same work, not the same model.

    /usr/bin/python3 scripts/bench/live_loop.py TRADES.csv [LAST] [HISTORY]

TRADES.csv is the bundled file (bitstamp_trades_from_20131125_usd.csv in org.ta4j:ta4j-examples:0.18): unix seconds,
price, amount. Needs Debian's python3-pandas (1.5) and python3-torch (1.13).
"""
import math
import sys
import time

import numpy as np
import pandas as pd
import torch
from torch import nn

torch.set_num_threads(1)


def bars(path):
    t = pd.read_csv(path, header=None, names=["time", "price", "amount"])
    if not np.issubdtype(t["time"].dtype, np.number):  # a header row
        t = pd.read_csv(path)
        t.columns = ["time", "price", "amount"]
    t.index = pd.to_datetime(t["time"], unit="s", utc=True)
    ohlc = t["price"].resample("5min").ohlc()
    ohlc["volume"] = t["amount"].resample("5min").sum()
    return ohlc.dropna()


def features(w):
    o, h, l, c, v = w["open"], w["high"], w["low"], w["close"], w["volume"]
    lc = np.log(c)
    f = pd.DataFrame(index=w.index)
    f["lr1"] = lc.diff()
    f["lr3"] = lc.diff(3)
    f["lr12"] = lc.diff(12)
    f["vol12"] = f["lr1"].rolling(12).std()
    f["park12"] = np.sqrt((np.log(h / l) ** 2).rolling(12).mean() / (4 * math.log(2)))
    d = c.diff()
    up = d.clip(lower=0).ewm(alpha=1 / 14, adjust=False).mean()
    dn = (-d.clip(upper=0)).ewm(alpha=1 / 14, adjust=False).mean()
    f["rsi14"] = 100 - 100 / (1 + up / dn)
    macd = c.ewm(span=12, adjust=False).mean() - c.ewm(span=26, adjust=False).mean()
    f["macdhist"] = macd - macd.ewm(span=9, adjust=False).mean()
    m20, s20 = c.rolling(20).mean(), c.rolling(20).std()
    f["bbpctb"] = (c - (m20 - 2 * s20)) / (4 * s20)
    tr = pd.concat([h - l, (h - c.shift()).abs(), (l - c.shift()).abs()], axis=1).max(axis=1)
    f["atr"] = tr.ewm(alpha=1 / 14, adjust=False).mean() / c
    hh, ll = h.rolling(14).max(), l.rolling(14).min()
    f["stochk"] = 100 * (c - ll) / (hh - ll)
    f["willr"] = -100 * (hh - c) / (hh - ll)
    tp = (h + l + c) / 3
    mad = tp.rolling(20).apply(lambda x: np.abs(x - x.mean()).mean(), raw=True)
    f["cci"] = (tp - tp.rolling(20).mean()) / (0.015 * mad)
    f["volz"] = (v - v.rolling(20).mean()) / v.rolling(20).std()
    obv = (np.sign(d) * v).rolling(12).sum()
    f["obv"] = obv / ((v - v.rolling(12).mean()) / v.rolling(12).std() + 10)
    f["body"] = (c - o) / o
    f["upper"] = (h - np.maximum(o, c)) / c
    f["lower"] = (np.minimum(o, c) - l) / c
    hour = w.index.hour + w.index.minute / 60
    f["hsin"] = np.sin(2 * np.pi * hour / 24)
    f["hcos"] = np.cos(2 * np.pi * hour / 24)
    return f


def main():
    path = sys.argv[1]
    last = int(sys.argv[2]) if len(sys.argv) > 2 else 242
    history = int(sys.argv[3]) if len(sys.argv) > 3 else 2300
    b = bars(path)
    warm = 200
    first = len(b) - last
    if first - warm < 100:
        sys.exit(f"{len(b)} bars: too few for {last} bars after {warm} warm-up bars")
    whole = features(b).iloc[: first - warm]
    mean, std = whole.mean().to_numpy(), whole.std().to_numpy()
    net = nn.Sequential(nn.Linear(19, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 2),
                        nn.Softmax(dim=1)).eval()
    lat = []
    with torch.no_grad():
        for i in range(first - warm, len(b)):
            t0 = time.perf_counter_ns()
            row = features(b.iloc[max(0, i - history): i + 1]).iloc[-1].to_numpy()  # as far back as there is
            x = torch.from_numpy(((row - mean) / std).astype(np.float32)).reshape(1, -1)
            p = net(x)
            _ = p.numpy()
            if i >= first:
                lat.append((time.perf_counter_ns() - t0) / 1e6)
    lat = np.array(lat)
    print(f"pandas+torch: {len(lat)} bars, latency p50 {np.percentile(lat, 50):.2f} ms, "
          f"p99 {np.percentile(lat, 99):.2f} ms")


if __name__ == "__main__":
    main()
