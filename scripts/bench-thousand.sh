#!/usr/bin/env bash
# configs/workspecs/thousand.yaml (1,002 models over three Binance USD-M markets' 1-minute bars) timed on this machine
# by a stated fraction, extrapolated: each unit's entries trained on the unit's first rows only (up to a date), one
# `atlas run --local --slots 2` per unit and entry, the LSTM entry cut to one model per shape (4 of 24); a unit's time
# is scaled by its validation rows over all folds on all its data (a probe: one logistic model per unit) against the
# part's, since every fold's training window, and so its cost, grows with them (rolling, expanding or k-fold).
# Everything a user pays for is in the run times (featureset from the cache, training, per-epoch validation,
# predictions, importance, model files, results) except the JVM's start.
# Needs ../shared/data (binance-um-1m FILUSDT, NEARUSDT, AVAXUSDT).
# Usage: scripts/bench-thousand.sh [FIL_TO] [NEAR_TO] [AVAX_TO]   (defaults 2023-05-15, 2023-08-31, 2023-09-30)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/.."
data="$root/../shared/data/binance-um-1m"
[ -d "$data/FILUSDT" ] || { echo "needs $data (../shared/data)" >&2; exit 1; }
declare -A to=([fil]="${1:-2023-05-15}" [near]="${2:-2023-08-31}" [avax]="${3:-2023-09-30}")
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export ATLAS_HOME="$work/home" OMP_NUM_THREADS=1
for m in FILUSDT NEARUSDT AVAXUSDT; do
  "$root/atlas" data import --format binance-klines --exchange binance-um "$data/$m/*.gz" | tail -1
done
spec="$root/configs/workspecs/thousand.yaml"
python3 "$here/bench/thousand_fraction.py" probe "$spec" "$work/probe.yaml"
"$root/atlas" run "$work/probe.yaml" --local --slots 2 | tail -1
: > "$work/times.log"
for unit in fil near avax; do
  for entry in logistic dnn-grid dnn-random lstm; do
    python3 "$here/bench/thousand_fraction.py" part "$spec" "$work/part.yaml" "$unit" "$entry" "${to[$unit]}"
    t0=$(date +%s.%N)
    last=$("$root/atlas" run "$work/part.yaml" --local --slots 2 | tail -1)
    t1=$(date +%s.%N)
    # "N models: N trained now, ...; 12.3s": the run's own time, from its start to its last result
    models=$(echo "$last" | awk '{print $1}')
    run=$(echo "$last" | sed -E 's/.*; ([0-9.]+)s$/\1/')
    if ! [[ "$run" =~ ^[0-9.]+$ && "$last" == *", 0 failed;"* ]]; then
      echo "$unit $entry: not a clean run: $last" >&2; exit 1
    fi
    line="$unit $entry wall $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') run $run models $models"
    echo "$line" | tee -a "$work/times.log"
  done
done
python3 "$here/bench/thousand_fraction.py" report "$ATLAS_HOME" "$work/times.log"
