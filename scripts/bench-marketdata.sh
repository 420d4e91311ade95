#!/usr/bin/env bash
# Market-data benchmarks on the FILUSDT 1m klines of ../shared/data: import rate (printed by the setup) and columnar read-back rate (candles/s).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ ! -d "$here/../../shared/data" ]; then echo "needs ../shared/data beside the project" >&2; exit 1; fi
exec "$here/jmh.sh" feature-dsl CandleReadBenchmark "$@"
