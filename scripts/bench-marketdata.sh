#!/usr/bin/env bash
# Market-data benchmarks: import rate (rows/s) and columnar read-back rate (candles/s) on the FILUSDT 1m klines
# of ../shared/data. Prints JMH's table; the import rate is printed by the benchmark's setup.
# Usage: scripts/bench-marketdata.sh [extra JMH args]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="$(cd "$root/../shared/data" 2>/dev/null && pwd || true)"
if [ -z "$shared" ]; then echo "needs ../shared/data beside the project" >&2; exit 1; fi
cd "$root"
./mvnw -q -B install -DskipTests -pl feature-dsl -am
./mvnw -q -B -pl feature-dsl test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
cp="feature-dsl/target/test-classes:feature-dsl/target/classes:$(cat feature-dsl/target/bench.classpath)"
exec java -cp "$cp" org.openjdk.jmh.Main CandleReadBenchmark -jvmArgsAppend "-Datlas.shared.data=$shared" "$@"
