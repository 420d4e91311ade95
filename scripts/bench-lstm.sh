#!/usr/bin/env bash
# The LSTM beside a plain PyTorch loop, whole operations, in alternating rounds on the same core (one thread each):
# LSTM 30 -> 32 over 60-step windows, batch 128, Adam, 20,000 training windows; one operation = EPOCHS epochs, each
# followed by a validation loss over 2,500 windows, then the predictions of all 25,000 (batches of 512).
#   Atlas:   TrainingBenchmark.lstmOneEpoch60StepsBatch128 and lstmThreeEpochs60StepsBatch128 (JMH single shots, the
#            trainer's real path: SameDiffTrainer with the written-out kernel)
#   PyTorch: scripts/bench/torch_train.py lstm-op 1 and lstm-op 3 (nn.LSTM, Debian's python3-torch 1.13)
# Prints each round's median seconds per operation, the ratios, and an epoch's cost alone ((3 epochs - 1 epoch) / 2);
# where Atlas's launcher names OpenBLAS's kernels (AMD Zen 5 and later), also PyTorch on those kernels.
# Usage: scripts/bench-lstm.sh [ROUNDS]   (default 2)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/.."
rounds="${1:-2}"
cd "$root"
./mvnw -q -B install -DskipTests -pl trainer-node -am
./mvnw -q -B -pl trainer-node test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
cp="trainer-node/target/test-classes:trainer-node/target/classes:$(cat trainer-node/target/bench.classpath)"
export OMP_NUM_THREADS=1
# Atlas's JVM gets the OpenBLAS kernels the launcher would give it; PyTorch runs as installed (Debian's build loads the
# system's OpenBLAS, which would take the same variable), and once more on those kernels when the launcher's rule names
# them (the variable unset)
kernels="$(. "$root/deploy/src/bin/openblas-kernels.sh"; echo "${OPENBLAS_CORETYPE:-}")"
with_kernels=(env)
if [ -n "$kernels" ]; then with_kernels+=("OPENBLAS_CORETYPE=$kernels"); fi
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
for round in $(seq "$rounds"); do
  "${with_kernels[@]}" java -cp "$cp" org.openjdk.jmh.Main 'TrainingBenchmark\.lstm' -wi 1 -i 3 -rf csv -rff "$out" > /dev/null
  a1=$(awk -F, '$1 ~ /lstmOneEpoch/ {gsub(/"/, "", $5); printf "%.3f", $5 / 1000}' "$out")
  a3=$(awk -F, '$1 ~ /lstmThreeEpochs/ {gsub(/"/, "", $5); printf "%.3f", $5 / 1000}' "$out")
  t1=$(for i in 1 2 3; do /usr/bin/python3 "$here/bench/torch_train.py" lstm-op 1 | awk '{print $3}'; done | median)
  t3=$(for i in 1 2 3; do /usr/bin/python3 "$here/bench/torch_train.py" lstm-op 3 | awk '{print $3}'; done | median)
  awk -v r="$round" -v a1="$a1" -v a3="$a3" -v t1="$t1" -v t3="$t3" 'BEGIN {
    printf "round %d: 1 epoch  Atlas %.2f s, PyTorch %.2f s, Atlas %.2fx as fast\n", r, a1, t1, t1 / a1
    printf "round %d: 3 epochs Atlas %.2f s, PyTorch %.2f s, Atlas %.2fx as fast\n", r, a3, t3, t3 / a3
    printf "round %d: an epoch alone Atlas %.2f s (%.0f windows/s), PyTorch %.2f s (%.0f windows/s), %.2fx\n", r,
      (a3 - a1) / 2, 40000 / (a3 - a1), (t3 - t1) / 2, 40000 / (t3 - t1), (t3 - t1) / (a3 - a1) }'
  if [ -n "$kernels" ] && [ -z "${OPENBLAS_CORETYPE:-}" ]; then
    k1=$(for i in 1 2 3; do env OPENBLAS_CORETYPE="$kernels" /usr/bin/python3 "$here/bench/torch_train.py" lstm-op 1 | awk '{print $3}'; done | median)
    k3=$(for i in 1 2 3; do env OPENBLAS_CORETYPE="$kernels" /usr/bin/python3 "$here/bench/torch_train.py" lstm-op 3 | awk '{print $3}'; done | median)
    awk -v r="$round" -v a1="$a1" -v a3="$a3" -v t1="$k1" -v t3="$k3" -v k="$kernels" 'BEGIN {
      printf "round %d: PyTorch on OpenBLAS %s kernels too: 1 epoch %.2f s (%.2fx), an epoch alone %.2f s (%.2fx)\n", r, k,
        t1, t1 / a1, (t3 - t1) / 2, (t3 - t1) / (a3 - a1) }'
  fi
done
