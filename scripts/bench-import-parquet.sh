#!/usr/bin/env bash
# Import from Parquet beside import from the exchange's CSV, same rows, interleaved (A B A B ...), each into a fresh
# home: a month of Binance LINKUSDT 1-minute klines (40,320 rows of ../shared/data) as the exchange ships it (CSV,
# binance-klines) and as Parquet (the lake file `atlas data export` writes for the same month: parquet-java, Snappy,
# millisecond timestamps, the store's column names), both through `atlas data import` with its checks, resampling
# and one H2 transaction per file.
# Usage: scripts/bench-import-parquet.sh [RUNS]    (default 5 pairs)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/.."
data="$root/../shared/data/binance-um-1m/LINKUSDT/LINKUSDT-1m-2023-02.csv.gz"
runs="${1:-5}"
if [ ! -f "$data" ]; then echo "needs $data (../shared/data beside the project)" >&2; exit 1; fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gunzip -c "$data" > "$work/LINKUSDT-1m-2023-02.csv"
ATLAS_HOME="$work/prep" "$root/atlas" data import --format binance-klines --exchange binance-um "$work/LINKUSDT-1m-2023-02.csv" >/dev/null
ATLAS_HOME="$work/prep" "$root/atlas" data export --to "$work/lake" --timeframe 1m >/dev/null
cp "$work/lake/candles/exchange=binance-um/symbol=linkusdt/timeframe=1m/month=2023-02/part-0.parquet" "$work/link.parquet"
cat > "$work/parquet.sh" <<EOS
#!/bin/sh
rm -rf "$work/h1"; ATLAS_HOME="$work/h1" exec "$root/atlas" data import --format parquet --exchange binance-um --symbol linkusdt "$work/link.parquet"
EOS
cat > "$work/csv.sh" <<EOS
#!/bin/sh
rm -rf "$work/h2"; ATLAS_HOME="$work/h2" exec "$root/atlas" data import --format binance-klines --exchange binance-um "$work/LINKUSDT-1m-2023-02.csv"
EOS
chmod +x "$work/parquet.sh" "$work/csv.sh"
ls -l "$work/LINKUSDT-1m-2023-02.csv" "$work/link.parquet" | awk '{print $5 " bytes: " $9}'
"$here/bench/interleave.sh" "$runs" Parquet "$work/parquet.sh" CSV "$work/csv.sh"
