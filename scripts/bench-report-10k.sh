#!/usr/bin/env bash
# The report at scale: trains scripts/bench/tiny-10k.yaml (10,000 tiny dense nets on one unit, about 9 minutes on two
# slots) into a fresh home, then times `atlas report` over all of them, with the default 200 cards and without cards,
# and prints wall time and peak memory of each. Needs ../shared/data (Binance LINKUSDT 1-minute bars of February 2023).
# Usage: scripts/bench-report-10k.sh [RUNS]    (default: 2 timed reports of each kind)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/.."
data="$root/../shared/data/binance-um-1m/LINKUSDT/LINKUSDT-1m-2023-02.csv.gz"
runs="${1:-2}"
if [ ! -f "$data" ]; then echo "needs $data (../shared/data beside the project)" >&2; exit 1; fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export ATLAS_HOME="$work/home"
export OMP_NUM_THREADS=1
"$root/atlas" data import --format binance-klines --exchange binance-um "$data" >/dev/null
"$root/atlas" features build "$root/scripts/featuresets/bench-30.yaml" >/dev/null
echo "training 10,000 models (the run itself in -Xmx1g: it keeps no prediction series in memory)..."
ATLAS_JAVA_OPTS="-Xmx1g" /usr/bin/time -f "run: %e s wall, %M KB peak RSS" \
  "$root/atlas" run "$root/scripts/bench/tiny-10k.yaml" --local --slots 2 2>&1 | tail -2
du -sh "$ATLAS_HOME/runs/tiny-10k" | awk '{print "results on disk: " $1 " for 10,000 models"}'
for i in $(seq "$runs"); do
  /usr/bin/time -f "report, 200 cards: %e s wall, %M KB peak RSS" "$root/atlas" report \
    "$root/scripts/bench/tiny-10k.yaml" 2>&1 >/dev/null | tail -1
  /usr/bin/time -f "report, no cards:  %e s wall, %M KB peak RSS" "$root/atlas" report \
    "$root/scripts/bench/tiny-10k.yaml" --max-cards 0 2>&1 >/dev/null | tail -1
done
