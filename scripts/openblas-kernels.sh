# Sourced by the scripts that start a JVM themselves (JMH): OpenBLAS gets the kernels that the launcher
# (deploy/src/bin/atlas) gives it, so a benchmark times what `atlas` runs: Haswell's on AMD processors of family 26
# (Zen 5) and more, which ND4J's OpenBLAS 0.3.19 does not know (it would run Barcelona's, SSE3). A value already set
# wins. Source it in a subshell or scope it to the java command when the script also runs PyTorch, whose Debian build
# loads the system's OpenBLAS and would take the same variable.
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -r /proc/cpuinfo ]; then
  cpu_vendor="$(awk -F': *' '/^vendor_id/ {print $2; exit}' /proc/cpuinfo)"
  cpu_family="$(awk -F': *' '/^cpu family/ {print $2; exit}' /proc/cpuinfo)"
  if [ "$cpu_vendor" = AuthenticAMD ] && [[ "$cpu_family" =~ ^[0-9]+$ ]] && [ "$cpu_family" -ge 26 ]; then
    export OPENBLAS_CORETYPE=Haswell
  fi
fi
