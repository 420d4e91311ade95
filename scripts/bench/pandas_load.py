"""Reads every Binance kline CSV under DATA with pandas, as a user would before working on them: all columns, times
as datetimes, one frame per market sorted by time. The pandas side of scripts/bench-import-pandas.sh.

Usage: python3 pandas_load.py DATA   (DATA/<MARKET>/<MARKET>-1m-YYYY-MM.csv.gz)
"""
import glob
import os
import sys
import time

import pandas as pd


def main(data):
    t0 = time.perf_counter()
    markets = {}
    for path in sorted(glob.glob(os.path.join(data, "*", "*.csv.gz"))):
        df = pd.read_csv(path)
        df.index = pd.to_datetime(df.pop("open_time"), unit="ms")
        markets.setdefault(os.path.basename(os.path.dirname(path)), []).append(df)
    frames = {m: pd.concat(parts).sort_index() for m, parts in markets.items()}
    rows = sum(len(f) for f in frames.values())
    print(f"read {rows:,} rows of {len(frames)} markets in {time.perf_counter() - t0:.2f}s")


if __name__ == "__main__":
    main(sys.argv[1])
