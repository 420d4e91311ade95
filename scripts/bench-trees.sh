#!/usr/bin/env bash
# Gradient-boosted trees in Atlas beside a plain XGBoost loop in Python, interleaved (A B A B ...):
#   A: atlas run scripts/bench/trees-16.yaml --local --slots 1  (16 tree models on the 20,000 training rows of
#      scripts/featuresets/bench-30.yaml with early stopping; everything a user pays for: JVM start, the featureset
#      from the cache, training, predictions, model files, columnar results, the results store)
#   B: scripts/bench/xgb_train.py                                (the same 16 configurations on the same rows with
#      Python's xgboost on one thread: early stopping and final probabilities, nothing written)
# Needs ../shared/data (Binance LINKUSDT 1-minute bars of February 2023) and Debian's python3-xgboost.
# Usage: scripts/bench-trees.sh [RUNS]    (default: 5 pairs)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/.."
runs="${1:-5}"
if ! /usr/bin/python3 -c 'import xgboost' 2>/dev/null; then
  echo "needs XGBoost for /usr/bin/python3: apt-get install python3-xgboost" >&2; exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$here/bench/bench-30-home.sh" "$work"
cat > "$work/atlas.sh" <<EOF
#!/usr/bin/env bash
set -e
rm -rf "$work/run" && cp -r "$work/base" "$work/run"
ATLAS_HOME="$work/run" exec "$root/atlas" run "$root/scripts/bench/trees-16.yaml" --local --slots 1
EOF
cat > "$work/xgb.sh" <<EOF
#!/usr/bin/env bash
exec /usr/bin/python3 "$here/bench/xgb_train.py" "$work/bench-30.csv"
EOF
chmod +x "$work/atlas.sh" "$work/xgb.sh"
"$here/bench/interleave.sh" "$runs" Atlas "$work/atlas.sh" XGBoost "$work/xgb.sh"
# what each side found: Atlas's table of the 16 models, then the Python loop's summary
"$work/atlas.sh" | tail -20
"$work/xgb.sh"
