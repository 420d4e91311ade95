#!/usr/bin/env bash
# Latency of the live runner, from a bar's close to its prediction (before the journal commit), over the quickstart's test period (242
# 5-minute bars) and over four days of it (1,342 bars), for a dense network and a logistic regression:
#   scripts/bench-live.sh [HOME]   (default: a fresh home under /tmp; imports the bundled data and trains the
#   quickstart WorkSpec when its results are not there yet). One runner at a time, --speed 0, no Redis, no HTTP.
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
for model in 'quickstart/direction-3bar/dnn#1' 'quickstart/direction-3bar/logistic#0'; do
  for from in '' '2013-11-27'; do
    rm -rf "$home/live"
    args=(live start --model "$model" --speed 0 --http-port -1)
    [ -n "$from" ] && args+=(--from "$from")
    echo "$model ${from:-(test period)}: $(./atlas "${args[@]}" | tail -1 | sed 's/.*latency from/latency from/')"
  done
done
rm -rf "$home/live"
