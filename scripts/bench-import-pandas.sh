#!/usr/bin/env bash
# `atlas data import` beside pandas reading the same files, interleaved (A B A B ...), whole commands: the 58 monthly
# Binance USD-M 1-minute kline files of ../shared/data (7 markets, 2,465,280 rows, gzipped CSV). Atlas imports them
# into a fresh home each time, with every check, the resampling to 3m..1w and one transaction per file; pandas reads
# them with read_csv, converts the times and joins each market's months (scripts/bench/pandas_load.py).
# Needs ../shared/data and Debian's python3-pandas.
# Usage: scripts/bench-import-pandas.sh [RUNS]    (default 5 pairs)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/.."
data="$root/../shared/data/binance-um-1m"
runs="${1:-5}"
if [ ! -d "$data" ]; then echo "needs $data (../shared/data beside the project)" >&2; exit 1; fi
if ! /usr/bin/python3 -c 'import pandas' 2>/dev/null; then echo "needs pandas: apt-get install python3-pandas" >&2; exit 1; fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$root/atlas" --help >/dev/null 2>&1 # builds the distribution first when it is stale
cat > "$work/atlas.sh" <<EOS
#!/bin/sh
rm -rf "$work/home"; exec "$root/atlas" --home "$work/home" data import --format binance-klines --exchange binance-um $data/*/*.csv.gz
EOS
cat > "$work/pandas.sh" <<EOS
#!/bin/sh
OMP_NUM_THREADS=1 exec /usr/bin/python3 "$here/bench/pandas_load.py" "$data"
EOS
chmod +x "$work/atlas.sh" "$work/pandas.sh"
"$work/atlas.sh" 2>/dev/null | tail -1
"$work/pandas.sh"
"$here/bench/interleave.sh" "$runs" Atlas "$work/atlas.sh" pandas "$work/pandas.sh"
