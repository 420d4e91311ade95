#!/usr/bin/env bash
# The feature build on the local engine beside the Spark engine (embedded local[2]), interleaved (A B A B ...): the
# thirty features and label of scripts/featuresets/bench-30.yaml over the seven Binance USD-M markets of ../shared/data
# (2,465,280 one-minute bars), every build cold (the featureset cache emptied before each), as a user runs it:
#   A: atlas features build bench-30.yaml --markets (7 markets) --threads 2          (from the store's column files)
#   B: atlas features build bench-30.yaml --markets (7 markets) --engine spark --master local[2] --lake WORK/lake
# Both print their build time ("N ms of building"); the script prints those and the wall times.
# First run: imports the seven markets into WORK/home and exports the lake (timed, printed), a few minutes.
# COPIES > 1 scales the data: the same files are imported again as markets of the exchanges binance-um-copy2 ...
# (the same bars under other names: as many bars to build, nothing shared), and all 7 x COPIES markets are built.
# Usage: scripts/bench-features-spark.sh [PAIRS] [WORK] [COPIES]    (default: 3 pairs, /tmp/atlas-spark-bench, 1)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/.."
data="$root/../shared/data/binance-um-1m"
if [ ! -d "$data" ]; then echo "needs $data (../shared/data beside the project)" >&2; exit 1; fi
pairs="${1:-3}"
work="${2:-/tmp/atlas-spark-bench}"
copies="${3:-1}"
export ATLAS_HOME="$work/home"
markets="binance-um:algousdt,binance-um:avaxusdt,binance-um:dotusdt,binance-um:filusdt,binance-um:linkusdt,binance-um:ltcusdt,binance-um:nearusdt"
set_file="$root/scripts/featuresets/bench-30.yaml"
if [ ! -f "$work/.imported" ]; then
  mkdir -p "$work"
  echo "=== importing $(ls "$data"/*/*.csv.gz | wc -l) files"
  /usr/bin/time -f "import: %e s wall" "$root/atlas" data import --format binance-klines --exchange binance-um \
    "$data"/*/*.csv.gz | tail -1
  /usr/bin/time -f "first export: %e s wall" "$root/atlas" data export --to "$work/lake" --timeframe 1m
  touch "$work/.imported"
fi
one="$markets"
for c in $(seq 2 "$copies"); do
  if [ ! -f "$work/.imported-copy$c" ]; then
    echo "=== importing copy $c"
    "$root/atlas" data import --format binance-klines --exchange "binance-um-copy$c" "$data"/*/*.csv.gz | tail -1
    /usr/bin/time -f "export of copy $c: %e s wall" "$root/atlas" data export --to "$work/lake" --timeframe 1m
    touch "$work/.imported-copy$c"
  fi
  markets="$markets,${one//binance-um:/binance-um-copy$c:}"
done
cat > "$work/local.sh" <<SH
#!/usr/bin/env bash
rm -rf "$ATLAS_HOME/cache"
ATLAS_HOME="$ATLAS_HOME" "$root/atlas" features build "$set_file" --markets $markets --threads 2 | grep "ms of building" >> "$work/local.log"
SH
cat > "$work/spark.sh" <<SH
#!/usr/bin/env bash
rm -rf "$ATLAS_HOME/cache"
ATLAS_HOME="$ATLAS_HOME" "$root/atlas" features build "$set_file" --markets $markets --engine spark --master 'local[2]' --lake "$work/lake" | grep "ms of building" >> "$work/spark.log"
SH
chmod +x "$work/local.sh" "$work/spark.sh"
rm -f "$work/local.log" "$work/spark.log"
echo "=== $(echo "$markets" | tr , "\n" | wc -l) markets"
"$here/bench/interleave.sh" "$pairs" local "$work/local.sh" spark "$work/spark.sh"
echo "--- build times printed by the CLI (the first line of each is the warm-up run)"
sed 's/^/local: /' "$work/local.log"
sed 's/^/spark: /' "$work/spark.log"
