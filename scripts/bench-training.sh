#!/usr/bin/env bash
# Training throughput (one slot, OMP_NUM_THREADS=1): a DNN at batch 256 and an LSTM over 60-step windows at batch
# 128, one epoch over 20,000 rows of 30 features each. samples/s = 20,000 / (s per operation).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./mvnw -q -B install -DskipTests -pl trainer-node -am
./mvnw -q -B -pl trainer-node test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
cp="trainer-node/target/test-classes:trainer-node/target/classes:$(cat trainer-node/target/bench.classpath)"
export OMP_NUM_THREADS=1
exec java -cp "$cp" org.openjdk.jmh.Main TrainingBenchmark "$@"
