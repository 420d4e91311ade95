#!/usr/bin/env python3
"""The pandas code a researcher would write instead of Atlas's feature build, for scripts/bench-features-pandas.sh:
the 30 features and one label of FeatureBuildBenchmark (feature-dsl tests) over every Binance USD-M 1-minute file of
../shared/data, with Atlas's definitions (Wilder smoothing as ewm(alpha=1/n, adjust=False), EMAs seeded with the first
value, population std for Bollinger, sample std elsewhere, CCI's mean deviation over a sliding window, the 1-hour
return of the last hourly bar closed at the minute's close). Each file is one contiguous month, computed on its own, as
Atlas computes each contiguous segment on its own. Rows where a feature or the label is missing are dropped, and the
result is a float64 matrix, as Atlas's build ends.

    /usr/bin/python3 scripts/bench/pandas_features.py DATA_DIR [REPETITIONS] [--out MARKET FILE]

Prints the load time once, then each repetition's build time over all files (the load is not in it), then the median.
With --out, writes the matrix of one market (e.g. LINKUSDT) as CSV (open time in ms, then the columns) so that the
values can be compared with `atlas features build --out`. Needs Debian's python3-pandas (1.5) and python3-numpy.
"""
import glob
import os
import sys
import time

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

LN2 = np.log(2.0)


def wilder(x, n):
    return x.ewm(alpha=1.0 / n, adjust=False).mean()


def ema(x, n):
    return x.ewm(alpha=2.0 / (n + 1), adjust=False).mean()


def build(df):
    with np.errstate(invalid="ignore", divide="ignore"):  # 0/0 in ADX's dx on flat bars, as Atlas's NaN
        return build_frame(df)


def build_frame(df):
    o, h, l, c, v = df["open"], df["high"], df["low"], df["close"], df["volume"]
    f = {}
    lr1 = np.log(c / c.shift(1))
    for n in (1, 5, 15, 60):
        f[f"LogReturns({n})"] = np.log(c / c.shift(n))
    f["SimpleReturns(1)"] = c / c.shift(1) - 1
    f["Volatility(20)"] = lr1.rolling(20).std()
    f["Volatility(60)"] = lr1.rolling(60).std()
    hl = np.log(h / l)
    f["Parkinson(20)"] = np.sqrt((hl * hl / (4 * LN2)).rolling(20).mean())
    co = np.log(c / o)
    f["GarmanKlass(20)"] = np.sqrt((0.5 * hl * hl - (2 * LN2 - 1) * co * co).rolling(20).mean())
    f["EwmaVolatility(0.94)"] = np.sqrt((lr1 * lr1).ewm(alpha=0.06, adjust=False).mean())
    f["SMA(20)"] = c.rolling(20).mean()
    f["EMA(20)"] = ema(c, 20)
    d = c.diff().fillna(0.0)
    g, lo = wilder(d.clip(lower=0), 14), wilder((-d).clip(lower=0), 14)
    f["RSI(14)"] = np.where(lo == 0, np.where(g == 0, 0.0, 100.0), 100 - 100 / (1 + g / lo))
    line = ema(c, 12) - ema(c, 26)
    f["MACD(12, 26, 9)"] = line
    f["MACDHist(12, 26, 9)"] = line - ema(line, 9)
    mid, sd = c.rolling(20).mean(), c.rolling(20).std(ddof=0)
    up, dn = mid + 2 * sd, mid - 2 * sd
    f["BollingerPctB(20, 2)"] = (c - dn) / (up - dn).replace(0, np.nan)
    f["BollingerWidth(20, 2)"] = (up - dn) / mid * 100
    prev = c.shift(1)
    tr = np.maximum(h, prev.fillna(h)) - np.minimum(l, prev.fillna(l))
    atr = wilder(tr, 14)
    f["ATR(14)"] = atr
    upm, dnm = h.diff(), -l.diff()
    pdm = pd.Series(np.where((upm > dnm) & (upm > 0), upm, 0.0), index=df.index)
    mdm = pd.Series(np.where((dnm > upm) & (dnm > 0), dnm, 0.0), index=df.index)
    pdi = np.where(atr == 0, 0.0, wilder(pdm, 14) / atr * 100)
    mdi = np.where(atr == 0, 0.0, wilder(mdm, 14) / atr * 100)
    dx = pd.Series(np.where(pdi + mdi == 0, 0.0, np.abs(pdi - mdi) / (pdi + mdi) * 100), index=df.index)
    f["ADX(14)"] = wilder(dx, 14)
    hh, ll = h.rolling(14).max(), l.rolling(14).min()
    rng = (hh - ll).replace(0, np.nan)
    f["StochK(14)"] = (c - ll) / rng * 100
    tp = (h + l + c) / 3
    m = tp.rolling(20).mean()
    mad = np.full(len(tp), np.nan)
    if len(tp) >= 20:
        w = sliding_window_view(tp.to_numpy(), 20)
        mad[19:] = np.abs(w - w.mean(axis=1)[:, None]).mean(axis=1)
    f["CCI(20)"] = (tp - m) / (0.015 * mad)
    f["WilliamsR(14)"] = (hh - c) / rng * -100
    f["ROC(10)"] = (c - c.shift(10)) / c.shift(10) * 100
    f["VWAP(20)"] = (tp * v).rolling(20).sum() / v.rolling(20).sum()
    f["OBV(20)"] = (np.sign(c.diff()) * v).rolling(20).sum()
    f["VolumeZScore(20)"] = (v - v.rolling(20).mean()) / v.rolling(20).std()
    f["TakerBuyRatio()"] = df["taker_buy_volume"] / v.replace(0, np.nan)
    f["Body()"] = np.where(h == l, 0.0, (c - o) / (h - l))
    f["Close().zscore(60)"] = (c - c.rolling(60).mean()) / c.rolling(60).std()
    # the 1-hour return of the last hourly bar closed at the minute's close
    hourly = c.resample("1h").last()
    hr = np.log(hourly / hourly.shift(1))
    hr.index = hr.index + pd.Timedelta(hours=1)  # the hourly bar's close
    f["LogReturns(1).oneHour()"] = hr.reindex(df.index + pd.Timedelta(minutes=1), method="ffill").to_numpy()
    f["FutureReturn(1)"] = np.log(c.shift(-1) / c)
    out = pd.DataFrame(f, index=df.index)
    return out.dropna()


def load(data):
    frames = []
    for path in sorted(glob.glob(os.path.join(data, "*", "*.csv.gz"))):
        df = pd.read_csv(path, usecols=["open_time", "open", "high", "low", "close", "volume", "taker_buy_volume"])
        df.index = pd.to_datetime(df.pop("open_time"), unit="ms")
        frames.append((os.path.basename(os.path.dirname(path)), df))
    return frames


def main(args):
    data = args[0]
    reps = int(args[1]) if len(args) > 1 and not args[1].startswith("--") else 5
    t0 = time.perf_counter()
    frames = load(data)
    bars = sum(len(df) for _, df in frames)
    print(f"loaded {bars:,} bars of {len({m for m, _ in frames})} markets ({len(frames)} files) in "
          f"{time.perf_counter() - t0:.2f}s")
    times = []
    for r in range(reps + 1):
        t0 = time.perf_counter()
        rows = sum(len(build(df)) for _, df in frames)
        t = time.perf_counter() - t0
        if r == 0:
            print(f"warm-up: {t * 1000:.0f} ms, {rows:,} rows")
        else:
            times.append(t)
            print(f"repetition {r}: {t * 1000:.0f} ms, {rows:,} rows")
    if times:  # 0 repetitions: a user's whole script, load and one build
        med = sorted(times)[len(times) // 2]
        print(f"pandas {pd.__version__}: median {med * 1000:.0f} ms = {med * 1e9 / (bars * 30):.1f} ns per bar per "
              f"feature")
    if "--out" in args:
        market, file = args[args.index("--out") + 1], args[args.index("--out") + 2]
        parts = [build(df) for m, df in frames if m == market]
        out = pd.concat(parts)
        out.index = out.index.astype("int64") // 1_000_000
        out.to_csv(file, index_label="open_time")
        print(f"wrote {len(out):,} rows of {market} to {file}")


if __name__ == "__main__":
    main(sys.argv[1:])
