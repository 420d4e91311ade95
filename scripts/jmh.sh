#!/usr/bin/env bash
# Runs a JMH benchmark class of a module's test sources: scripts/jmh.sh MODULE CLASS [JMH args].
# Passes -Datlas.shared.data to the forked JVM when ../shared/data exists, and one OpenMP thread (one slot).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
module="$1"
bench="$2"
shift 2
cd "$root"
./mvnw -q -B install -DskipTests -pl "$module" -am
./mvnw -q -B -pl "$module" test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
cp="$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")"
shared="$(cd "$root/../shared/data" 2>/dev/null && pwd || true)"
export OMP_NUM_THREADS=1
. "$root/deploy/src/bin/openblas-kernels.sh"
exec java -cp "$cp" org.openjdk.jmh.Main "$bench" ${shared:+-jvmArgsAppend "-Datlas.shared.data=$shared"} "$@"
