#!/usr/bin/env bash
# Which gradient-boosted trees library type: gbm should use: XGBoost4J (what Atlas uses) against LightGBM's JVM
# binding (lightgbm4j), the 16 configurations of scripts/bench-trees.sh on the same rows, one thread each, interleaved
# model by model (io.atlasj.trainer.GbmLibrariesBench). Prints each repetition's totals, then per library the median
# total, the best and mean validation log loss, the test accuracy and log loss of the model best by validation, and
# the best rounds.
# Needs ../shared/data (Binance LINKUSDT 1-minute bars of February 2023).
# Usage: scripts/bench-gbm-libraries.sh [REPETITIONS]    (default: 3)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$here/bench/bench-30-home.sh" "$work"
cd "$root"
./mvnw -q -B -pl trainer-node -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
cp="$root/trainer-node/target/test-classes:$root/trainer-node/target/classes:$(cat trainer-node/target/bench.classpath)"
OMP_NUM_THREADS=1 java -cp "$cp" io.atlasj.trainer.GbmLibrariesBench "$work/bench-30.csv" "${1:-3}"
