#!/usr/bin/env bash
# Training throughput on one slot beside a plain PyTorch loop on one thread, on the same synthetic shapes:
#   dense 30-64-64-3, batch 256, 2 epochs over 104,000 rows: Atlas as a slot trains it alone (a pack of one) and through the DL4J loop (pack: off)
#   LSTM 30 -> 32 over 60-step windows, batch 128 (DL4J)
#   100 tiny nets 30-8-3 x 5 epochs x 20,000 rows in one pack (the whole-command comparison: scripts/bench-tiny.sh)
# Atlas: JMH single-shot (TrainingBenchmark; each operation includes validation and final predictions), PyTorch:
# scripts/bench/torch_train.py (Debian's python3-torch). Prints samples/s of each and the ratio Atlas / PyTorch.
# Usage: scripts/bench-training.sh [extra JMH args]   (the Transformer benchmark: scripts/jmh.sh trainer-node TrainingBenchmark.transformer)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
"$here/jmh.sh" trainer-node 'TrainingBenchmark\.(dense|lstm|hundred)' -wi 1 -i 3 -rf csv -rff "$out" "$@"
# JMH csv: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit"
atlas() { awk -F, -v b="$1" -v n="$2" '$1 ~ b {gsub(/"/, "", $5); printf "%.0f", n / ($5 / 1000)}' "$out"; }
dense_pack=$(atlas denseAlonePackOfOne 208000)
dense_dl4j=$(atlas denseAloneDl4jLoop 208000)
lstm=$(atlas lstmOneEpoch 20000)
tiny=$(atlas hundredTinyNets 10000000)
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  torch_dense=$(OMP_NUM_THREADS=1 /usr/bin/python3 "$here/bench/torch_train.py" dense | tr -dc '0-9')
  torch_lstm=$(OMP_NUM_THREADS=1 /usr/bin/python3 "$here/bench/torch_train.py" lstm | tr -dc '0-9')
else
  echo "no PyTorch for /usr/bin/python3 (apt-get install python3-torch): Atlas figures only" >&2
  torch_dense=0; torch_lstm=0
fi
ratio() { if [ "$2" -gt 0 ]; then awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; else echo "-"; fi; }
printf '%-44s %14s %14s %8s\n' "workload (one thread)" "Atlas" "PyTorch" "ratio"
printf '%-44s %14s %14s %8s\n' "dense 30-64-64-3 b256, alone (pack of one)" "$dense_pack" "$torch_dense" "$(ratio "$dense_pack" "$torch_dense")"
printf '%-44s %14s %14s %8s\n' "dense 30-64-64-3 b256, DL4J loop" "$dense_dl4j" "$torch_dense" "$(ratio "$dense_dl4j" "$torch_dense")"
printf '%-44s %14s %14s %8s\n' "LSTM 30->32, 60 steps, b128 (sequences/s)" "$lstm" "$torch_lstm" "$(ratio "$lstm" "$torch_lstm")"
printf '%-44s %14s %14s %8s\n' "100 tiny nets in one pack (samples/s)" "$tiny" "see bench-tiny.sh" ""
