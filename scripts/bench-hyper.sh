#!/usr/bin/env bash
# The report's hyperparameter views at 10,000 trials of one unit (scripts/bench/HyperViews10k.java): the effects, the
# parallel coordinates and the slice plots, timed in one JVM (best of five), with the files' sizes.
# Usage: scripts/bench-hyper.sh [TRIALS]     (default: 10000)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/.."
"$root/atlas" --version >/dev/null   # builds the distribution when the sources changed
exec java -Djava.awt.headless=true -cp "$root/deploy/target/atlas/lib/*" "$here/bench/HyperViews10k.java" "$@"
