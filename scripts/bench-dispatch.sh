#!/usr/bin/env bash
# Dispatch benchmark: 10,000 no-op ModelSpecs through 3 trainer processes on 127.0.0.1 (coordinator, harvester and
# trainers are separate JVMs, as in a real cluster; the trainers run with --noop and train nothing). Prints the
# dispatch overhead per ModelSpec (p50, p99: from a slot's request for work to its assignment, per model of the
# assignment) and ModelSpecs per second from submission to the last result. Usage: scripts/bench-dispatch.sh [TRAINERS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
trainers="${1:-3}"
./atlas --version >/dev/null            # builds the distribution when needed
atlas=deploy/target/atlas/bin/atlas
home="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; if [ -z "${KEEP:-}" ]; then rm -rf "$home"; else echo "kept $home"; fi; }
trap cleanup EXIT
"$atlas" --home "$home" data import --bundled >/dev/null
base=$((27000 + RANDOM % 2000))
seeds=(--seed "127.0.0.1:$base" --seed "127.0.0.1:$((base + 1))")
"$atlas" --home "$home" cluster start --role coordinator --port "$base" "${seeds[@]}" >"$home/coordinator.log" 2>&1 & pids+=($!)
"$atlas" --home "$home" cluster start --role harvester --port $((base + 1)) "${seeds[@]}" >"$home/harvester.log" 2>&1 & pids+=($!)
for i in $(seq 1 "$trainers"); do
  "$atlas" --home "$home" cluster start --role trainer --noop --slots 1 --port $((base + 1 + i)) "${seeds[@]}" \
    >"$home/trainer-$i.log" 2>&1 & pids+=($!)
done
"$atlas" --home "$home" run scripts/bench/dispatch-10k.yaml --cluster "127.0.0.1:$base" >"$home/run.log" 2>&1
grep -E "^[0-9]+ models: |^cluster: " "$home/run.log"
"$atlas" --home "$home" run scripts/bench/dispatch-10k.yaml --cluster "127.0.0.1:$base" >"$home/rerun.log" 2>&1
echo "rerun of the finished spec: $(grep -E '^[0-9]+ models: ' "$home/rerun.log")"
