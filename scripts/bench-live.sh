#!/usr/bin/env bash
# Latency of the live runner, from a bar's close to its prediction (before the journal commit), over a model's test
# period (5-minute bars) and over four days of it (1,342 bars), for the quickstart's dense network, logistic regression
# and LSTMs, and the model zoo's Transformer, multi-task network and hybrid multi-timeframe transformer:
#   scripts/bench-live.sh [HOME]   (default: a fresh home under /tmp; imports the bundled data and trains the
#   quickstart and model-zoo WorkSpecs when their results are not there yet). One runner at a time, --speed 0, no
#   Redis, no HTTP.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
home="${1:-/tmp/atlas-bench-live}"
export ATLAS_HOME="$home"
export OMP_NUM_THREADS=1
cd "$root"
if [ ! -d "$home/runs/quickstart/direction-3bar" ]; then
  ./atlas data import --bundled >/dev/null
  ./atlas run configs/workspecs/quickstart.yaml --local >/dev/null
fi
if [ ! -d "$home/runs/model-zoo/barrier-12bar" ]; then
  ./atlas run configs/workspecs/model-zoo.yaml --local >/dev/null
fi
if [ ! -d "$home/runs/trees" ]; then
  ./atlas run configs/workspecs/trees.yaml --local >/dev/null
fi
for model in 'quickstart/direction-3bar/dnn#1' 'quickstart/direction-3bar/logistic#0' \
    'quickstart/direction-3bar/lstm#0' 'model-zoo/direction-3bar/transformer#0' \
    'model-zoo/direction-3bar/multi-task#0' 'model-zoo/barrier-12bar/hybrid#0' 'trees/direction-3bar/gbm#3'; do
  for from in '' '2013-11-27'; do
    rm -rf "$home/live"
    args=(live start --model "$model" --speed 0 --http-port -1)
    [ -n "$from" ] && args+=(--from "$from")
    echo "$model ${from:-(test period)}: $(./atlas "${args[@]}" | tail -1 | sed 's/.*latency from/latency from/')"
  done
done
rm -rf "$home/live"
# the loop a researcher would write instead: pandas features over the same history, a PyTorch dense network
if /usr/bin/python3 -c 'import pandas, torch' 2>/dev/null; then
  trades="$home/bundled/bitstamp_trades_from_20131125_usd.csv"
  if [ ! -f "$trades" ]; then
    mkdir -p "$home/bundled"
    unzip -o -q "$HOME/.m2/repository/org/ta4j/ta4j-examples/0.18/ta4j-examples-0.18.jar" \
      bitstamp_trades_from_20131125_usd.csv -d "$home/bundled"
  fi
  echo "python (test period length): $(/usr/bin/python3 scripts/bench/live_loop.py "$trades" 242 2300)"
  echo "python (2013-11-27 on): $(/usr/bin/python3 scripts/bench/live_loop.py "$trades" 1342 2300)"
fi
