#!/usr/bin/env bash
# Times two whole commands interleaved (A B A B ...) after one warm-up of each, and prints each pair's wall seconds,
# the medians and the median paired ratio. Used by the benchmarks that put Atlas beside the tool a user would pick.
#   scripts/bench/interleave.sh RUNS NAME_A COMMAND_A NAME_B COMMAND_B    (each command: one executable, no arguments)
set -euo pipefail
runs="$1"; name_a="$2"; cmd_a="$3"; name_b="$4"; cmd_b="$5"
wall() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}'; }
wall "$cmd_a" >/dev/null
wall "$cmd_b" >/dev/null
a=(); b=(); r=()
for i in $(seq "$runs"); do
  ta=$(wall "$cmd_a")
  tb=$(wall "$cmd_b")
  a+=("$ta"); b+=("$tb"); r+=("$(awk -v a="$ta" -v b="$tb" 'BEGIN {printf "%.4f", a / b}')")
  printf 'pair %d: %s %.2f s, %s %.2f s\n' "$i" "$name_a" "$ta" "$name_b" "$tb"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
ma=$(median "${a[@]}"); mb=$(median "${b[@]}"); mr=$(median "${r[@]}")
printf 'median of %d pairs: %s %.2f s wall, %s %.2f s wall, %s/%s time %.3f (%s %.2fx as fast)\n' \
  "$runs" "$name_a" "$ma" "$name_b" "$mb" "$name_a" "$name_b" "$mr" "$name_a" "$(awk -v r="$mr" 'BEGIN {printf "%.4f", 1 / r}')"
