#!/usr/bin/env bash
# Prepares the home the training benchmarks start from: the Binance LINKUSDT 1-minute bars of February 2023
# (../shared/data) imported into WORK/base and scripts/featuresets/bench-30.yaml built there and exported to
# WORK/bench-30.csv for the Python side. Each timed Atlas run then starts from a fresh copy of WORK/base.
#   scripts/bench/bench-30-home.sh WORK
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$here/../.."
work="$1"
data="$root/../shared/data/binance-um-1m/LINKUSDT/LINKUSDT-1m-2023-02.csv.gz"
if [ ! -f "$data" ]; then echo "needs $data (../shared/data beside the project)" >&2; exit 1; fi
export ATLAS_HOME="$work/base"
"$root/atlas" data import --format binance-klines --exchange binance-um "$data" >/dev/null
"$root/atlas" features build "$root/scripts/featuresets/bench-30.yaml" --out "$work/bench-30.csv" >/dev/null
