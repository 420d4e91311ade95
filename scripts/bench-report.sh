#!/usr/bin/env bash
# Times the HTML report of 1,000 synthetic models (or N): scripts/bench-report.sh [N]. Uses the reactor, installs nothing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./mvnw -q -B -pl stats -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
cp="stats/target/test-classes:stats/target/classes:$(cat stats/target/bench.classpath)"
cd stats
exec java -Djava.awt.headless=true -cp "$(echo "$cp" | sed "s#^stats/#$root/stats/#; s#:stats/#:$root/stats/#g")" io.atlasj.stats.report.ReportBench "$@"
