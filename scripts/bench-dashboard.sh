#!/usr/bin/env bash
# The dashboard on a run of 10,000 models (scripts/bench/dispatch-10k.yaml) with 20 epochs each: what the journal costs
# a driver per line, the dashboard's first read of it, its endpoints, and the runs and run pages in chromium
# (io.atlasj.cli.dashboard.DashboardBench). Usage: scripts/bench-dashboard.sh [EPOCHS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
./mvnw -q -B -pl console -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
cp="$root/console/target/test-classes:$root/console/target/classes:$(cat console/target/bench.classpath)"
cd console
exec java -Djava.awt.headless=true -cp "$cp" io.atlasj.cli.dashboard.DashboardBench "$@"
