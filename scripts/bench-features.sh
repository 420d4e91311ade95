#!/usr/bin/env bash
# Feature-build benchmark: a 30-feature set over the 2.46M Binance 1-minute bars of ../shared/data, one thread.
# Prints JMH's table; divide the time by (2,465,280 x 30) for ns per bar per feature.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="$(cd "$root/../shared/data" 2>/dev/null && pwd || true)"
if [ -z "$shared" ]; then echo "needs ../shared/data beside the project" >&2; exit 1; fi
cd "$root"
./mvnw -q -B install -DskipTests -pl feature-dsl -am
./mvnw -q -B -pl feature-dsl test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
cp="feature-dsl/target/test-classes:feature-dsl/target/classes:$(cat feature-dsl/target/bench.classpath)"
exec java -cp "$cp" org.openjdk.jmh.Main FeatureBuildBenchmark -jvmArgsAppend "-Datlas.shared.data=$shared" "$@"
