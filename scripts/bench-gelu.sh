#!/usr/bin/env bash
# Gelu networks packed (issue 12): scripts/bench/gelu-18.yaml (18 gelu nets 30-64-32-3, 20 epochs, 19,865 training
# rows, batch 256, Adam) through `atlas run --local --slots 1`, interleaved with the same sweep in a plain PyTorch loop
# (scripts/bench/torch_train.py gelu) and then with the same spec under `execution: {pack: off}` (each network
# trained alone by DL4J, as gelu networks were before they packed).
# Needs ../shared/data (Binance LINKUSDT 1-minute bars of February 2023) and Debian's python3-torch.
# Usage: scripts/bench-gelu.sh [RUNS]    (default 3 pairs of each)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/.."
runs="${1:-3}"
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "needs PyTorch for /usr/bin/python3: apt-get install python3-torch" >&2; exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$here/bench/bench-30-home.sh" "$work"
# the pack: off copy, beside its featureset as a spec must be (SPECS/../featuresets/NAME.yaml)
mkdir -p "$work/specs" "$work/featuresets"
cp "$here/featuresets/bench-30.yaml" "$work/featuresets/"
sed 's/execution: {retries: 0,/execution: {pack: off, retries: 0,/' "$here/bench/gelu-18.yaml" > "$work/specs/gelu-18-alone.yaml"
for which in packed alone; do
  spec="$here/bench/gelu-18.yaml"
  [ "$which" = alone ] && spec="$work/specs/gelu-18-alone.yaml"
  printf '#!/usr/bin/env bash\nset -e\nrm -rf "%s" && cp -r "%s" "%s"\nATLAS_HOME="%s" exec "%s" run "%s" --local --slots 1\n' \
    "$work/run-$which" "$work/base" "$work/run-$which" "$work/run-$which" "$root/atlas" "$spec" > "$work/atlas-$which.sh"
  chmod +x "$work/atlas-$which.sh"
done
printf '#!/usr/bin/env bash\nexec /usr/bin/python3 "%s" gelu "%s"\n' "$here/bench/torch_train.py" "$work/bench-30.csv" \
  > "$work/torch.sh"
chmod +x "$work/torch.sh"
export OMP_NUM_THREADS=1
echo "packed Atlas beside PyTorch:"
"$here/bench/interleave.sh" "$runs" Atlas "$work/atlas-packed.sh" PyTorch "$work/torch.sh"
echo "packed beside pack: off:"
"$here/bench/interleave.sh" "$runs" packed "$work/atlas-packed.sh" alone "$work/atlas-alone.sh"
