#!/usr/bin/env bash
# The Atlas case of the training benchmark, side by side with a plain PyTorch loop, interleaved (A B A B ...):
#   A: atlas run scripts/bench/tiny-100.yaml --local --slots N   (100 dense nets 30-8-3, 5 epochs, 20,000 training
#      rows, batch 256, Adam; everything a user pays for: JVM start, featureset from the cache, training, per-epoch
#      validation, model files, columnar results, the results store)
#   B: scripts/bench/torch_train.py tiny                          (the same 100 configurations on the same rows in a
#      plain PyTorch 1.13 loop on one thread: per-epoch validation loss and final predictions, nothing written;
#      with SLOTS 2, two such processes side by side, each training every second configuration)
# MODELS 1000 runs scripts/bench/tiny-1k.yaml (50 seeds instead of 5) on both sides.
# Needs ../shared/data (Binance LINKUSDT 1-minute bars of February 2023) and Debian's python3-torch.
# Usage: scripts/bench-tiny.sh [SLOTS] [RUNS] [MODELS]    (defaults: 1 slot, 5 pairs, 100 models)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/.."
slots="${1:-1}"
runs="${2:-5}"
models="${3:-100}"
case "$models" in
  100) spec="tiny-100"; seeds=5 ;;
  1000) spec="tiny-1k"; seeds=50 ;;
  *) echo "MODELS is 100 or 1000, not $models" >&2; exit 1 ;;
esac
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "needs PyTorch for /usr/bin/python3: apt-get install python3-torch" >&2; exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# each timed run starts from a fresh copy of the prepared home, so Atlas trains all 100 models every time
"$here/bench/bench-30-home.sh" "$work"
cat > "$work/atlas.sh" <<EOF
#!/usr/bin/env bash
set -e
rm -rf "$work/run" && cp -r "$work/base" "$work/run"
ATLAS_HOME="$work/run" exec "$root/atlas" run "$root/scripts/bench/$spec.yaml" --local --slots $slots
EOF
chmod +x "$work/atlas.sh"
{
  echo '#!/usr/bin/env bash'
  echo 'pids=()'
  for part in $(seq "$slots"); do
    echo "/usr/bin/python3 '$here/bench/torch_train.py' tiny '$work/bench-30.csv' $seeds $part/$slots & pids+=(\$!)"
  done
  echo 'for p in "${pids[@]}"; do wait "$p" || exit 1; done'
} > "$work/torch.sh"
chmod +x "$work/torch.sh"
export OMP_NUM_THREADS=1
"$here/bench/interleave.sh" "$runs" Atlas "$work/atlas.sh" PyTorch "$work/torch.sh"
echo "result files per model:"
du -sh "$work/run/runs/$spec/terciles-1bar" | awk '{print "  all '"$models"': " $1}'
# rows.arrow is one file hard-linked into every folder of models trained on the same rows (result schema 9): its
# line says how many distinct files there are; du above counts each once
ls -il "$work/run/runs/$spec/terciles-1bar/"*/ | awk '$6 ~ /^[0-9]+$/ {s[$10]+=$6; n[$10]++; if (!seen[$10 " " $1]++) d[$10]++} END {for (f in s) printf "  %-18s %8.0f bytes each (%d distinct files)\n", f, s[f]/n[f], d[f]}'
