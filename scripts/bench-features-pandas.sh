#!/usr/bin/env bash
# Feature builds in Atlas beside pandas, interleaved (A B A B ...): the 30 features and one label of
# FeatureBuildBenchmark over the 2,465,280 Binance USD-M 1-minute bars of ../shared/data.
#   A: scripts/bench/pandas_features.py  (pandas 1.5, one process: loads the CSVs, then builds every file 5 times
#      after a warm-up; prints the median build time, loading not included)
#   B: scripts/bench-features.sh         (JMH: the same build from the store's column files in one warm JVM, on one
#      thread and on two)
# Needs ../shared/data and Debian's python3-pandas.
# Usage: scripts/bench-features-pandas.sh [PAIRS]    (default: 2)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data="$here/../../shared/data/binance-um-1m"
if [ ! -d "$data" ]; then echo "needs $data (../shared/data beside the project)" >&2; exit 1; fi
if ! /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
  echo "needs pandas for /usr/bin/python3: apt-get install python3-pandas" >&2; exit 1
fi
for i in $(seq "${1:-2}"); do
  echo "=== pandas, pair $i"
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$here/bench/pandas_features.py" "$data" 5
  echo "=== Atlas, pair $i"
  "$here/bench-features.sh" -wi 2 -i 5 -f 1 2>&1 | grep -E "^(Iteration|FeatureBuildBenchmark\.)"
done
