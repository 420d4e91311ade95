#!/usr/bin/env bash
# Training throughput on one slot: DNN at batch 256, LSTM over 60-step windows at batch 128; samples/s = 20,000 / (s per operation).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/jmh.sh" trainer-node TrainingBenchmark "$@"
