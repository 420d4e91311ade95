# Sourced by the scripts that start a JVM themselves (JMH): OpenBLAS gets the kernels that the launcher
# (deploy/src/bin/atlas) gives it, so a benchmark times what `atlas` runs. On a processor with AVX-512 (F, CD, BW, DQ,
# VL) that is SkylakeX's; ND4J's OpenBLAS 0.3.19 takes the ones newer than itself (AMD Zen 4 and 5) for Haswell. A
# value already set wins. Source it in a subshell or scope it to the java command when the script also runs PyTorch,
# whose Debian build loads the system's OpenBLAS and would take the same kernels.
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -r /proc/cpuinfo ]; then
  cpu_flags=" $(grep -m1 '^flags' /proc/cpuinfo || true) "
  avx512=1
  for f in avx512f avx512cd avx512bw avx512dq avx512vl; do
    case "$cpu_flags" in *" $f "*) ;; *) avx512="" ;; esac
  done
  if [ -n "$avx512" ]; then export OPENBLAS_CORETYPE=SkylakeX; fi
fi
