# Bash, sourced: names OpenBLAS's kernels for this processor (exports OPENBLAS_CORETYPE, or leaves it as it is).
# They run an LSTM's products and wide dense layers. The OpenBLAS that ND4J ships (0.3.19) does not know AMD
# processors of family 26 (Zen 5) and more, and runs its oldest AMD kernels there (Barcelona's, SSE3: an LSTM step's
# [128, 32] x [32, 128] 23.8 us against 10.1 us with Haswell's AVX2 ones on a Zen 5). On such a processor it gets
# Haswell's, the kernels the project's build and test machines run. Its AVX-512 (SkylakeX) kernels are faster still
# (4.2 us) and trained Atlas's models to the same numbers, but are not named by default (older OpenBLAS builds are
# known to give wrong results or crash on some new processors, and these kernels were not checked routine by
# routine): a user may set OPENBLAS_CORETYPE=SkylakeX, and a value the user sets always wins (an empty one counts as
# unset). Results record it (provenance "backend"). ATLAS_CPUINFO names another file than /proc/cpuinfo to read (for
# tests). Sourced by bin/atlas, and by the benchmark scripts that start their own JVM (scripts/jmh.sh,
# scripts/bench-lstm.sh), so that they time what `atlas` runs.
cpuinfo="${ATLAS_CPUINFO:-/proc/cpuinfo}"
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -f "$cpuinfo" ] && [ -r "$cpuinfo" ]; then
  cpu_vendor="$(awk -F': *' '/^vendor_id/ {print $2; exit}' "$cpuinfo")"
  cpu_family="$(awk -F': *' '/^cpu family/ {print $2; exit}' "$cpuinfo")"
  if [ "$cpu_vendor" = AuthenticAMD ] && [[ "$cpu_family" =~ ^[0-9]+$ ]] && [ "$cpu_family" -ge 26 ]; then
    export OPENBLAS_CORETYPE=Haswell
  fi
fi
