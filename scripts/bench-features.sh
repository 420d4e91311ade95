#!/usr/bin/env bash
# A 30-feature set over the 2.46M Binance 1-minute bars of ../shared/data, one thread; ns per bar per feature = time / (2,465,280 x 30).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ ! -d "$here/../../shared/data" ]; then echo "needs ../shared/data beside the project" >&2; exit 1; fi
exec "$here/jmh.sh" feature-dsl FeatureBuildBenchmark "$@"
