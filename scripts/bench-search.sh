#!/usr/bin/env bash
# Early termination across trials. Each sweep is trained to its end, then again with
# `search: {type: asha, resource: epochs, min: 1, reduction: 3}` added to its unit, each run from a fresh copy of the
# same home, on one slot:
#   lstm:  the 24 LSTMs of scripts/bench/search-lstm.yaml (thousand.yaml's LSTM entry, one week of LINKUSDT bars)
#   dense: the 48 packed dense networks of scripts/bench/search-dense.yaml (20,000 training rows); each Atlas run is
#          followed by the same search in Optuna over a plain PyTorch loop (scripts/bench/optuna_search.py: GridSampler,
#          then SuccessiveHalvingPruner), on the same rows and core (needs Debian's python3-optuna and python3-torch)
# Prints each run's wall time, slot time, the epochs trained, and the three best trials by validation loss (as a
# user would choose).
# Needs ../shared/data (Binance LINKUSDT 1-minute bars of February 2023).
# Usage: scripts/bench-search.sh [lstm|dense|all] [grid|asha|both]     (default: all both)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/.."
which="${1:-all}"
runs="${2:-both}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$here/bench/bench-30-home.sh" "$work"
# the featureset is found in the folder beside the spec's, as it is for the scripts' own specs
mkdir -p "$work/specs" "$work/featuresets" && cp "$root/scripts/featuresets/bench-30.yaml" "$work/featuresets/"
for sweep in lstm dense; do
  cp "$here/bench/search-$sweep.yaml" "$work/specs/$sweep-grid.yaml"
  sed -e "s/^name: search-$sweep\$/name: search-$sweep-asha/" \
      -e 's/^    split: \(.*\)$/    split: \1\n    search: {type: asha, resource: epochs, min: 1, reduction: 3}/' \
      "$here/bench/search-$sweep.yaml" > "$work/specs/$sweep-asha.yaml"
done
specs=()
for sweep in lstm dense; do
  [ "$which" = all ] || [ "$which" = "$sweep" ] || continue
  for run in grid asha; do
    [ "$runs" = both ] || [ "$runs" = "$run" ] || continue
    specs+=("$sweep-$run")
  done
done
for spec in "${specs[@]}"; do
  rm -rf "$work/run" && cp -r "$work/base" "$work/run"
  start=$(date +%s.%N)
  ATLAS_HOME="$work/run" "$root/atlas" run "$work/specs/$spec.yaml" --local --slots 1 > "$work/$spec.out"
  end=$(date +%s.%N)
  tail -1 "$work/$spec.out"
  /usr/bin/python3 - "$work/run/runs" "$spec" "$start" "$end" <<'PY'
import json, sys, pathlib
runs, spec, start, end = pathlib.Path(sys.argv[1]), sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
rows = []
for f in runs.rglob("result.json"):
    r = json.loads(f.read_text())
    fold = r["folds"][0]
    curves = fold.get("curves") or []
    best = min((c["validationLoss"] for c in curves), default=float("nan"))
    rows.append((best, r["spec"]["name"], r["status"], len(curves), r["millis"]))
rows.sort()
epochs = sum(x[3] for x in rows)
slot = sum(x[4] for x in rows) / 1000
stopped = sum(1 for x in rows if x[2] == "stopped")
print(f"{spec}: wall {end - start:.1f} s, slot time {slot:.1f} s, {len(rows)} trials, {stopped} stopped, "
      f"{epochs} epochs trained")
for best, name, status, n, ms in rows[:3]:
    print(f"  {name:10s} {status:8s} best validation loss {best:.5f} after {n} epochs")
PY
  case "$spec" in
    dense-grid) /usr/bin/python3 "$here/bench/optuna_search.py" "$work/bench-30.csv" grid ;;
    dense-asha) /usr/bin/python3 "$here/bench/optuna_search.py" "$work/bench-30.csv" asha ;;
  esac
done
