#!/usr/bin/env bash
# What recording a busy market's trades costs a live runner (--trades): a UTC day of Binance USD-M BTCUSDT trades (the
# real capture of ../shared/data/binance-ticks, repeated with times and ids shifted: about 5.4 million trades) imported
# in batches as the runner's spool imports them, timing each batch over the day.
#   scripts/bench-trade-recording.sh [MINUTES_PER_BATCH]    (default 5, the runner's TRADES_AGE)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="$(cd "$root/../shared/data" 2>/dev/null && pwd || true)"
if [ -z "$shared" ]; then echo "needs ../shared/data beside the project" >&2; exit 1; fi
cd "$root"
./mvnw -q -B -o install -DskipTests -pl feature-dsl
./mvnw -q -B -o -pl feature-dsl test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
cp="feature-dsl/target/test-classes:feature-dsl/target/classes:$(cat feature-dsl/target/bench.classpath)"
exec java -Datlas.shared.data="$shared" -cp "$cp" io.atlasj.marketdata.pipeline.TradeRecordingBenchmark "$@"
