#!/usr/bin/env bash
# The GPU acceptance run, on the machine with the GPU, from the folder scripts/prepare-gpu.sh built (dist/gpu).
# At most 7 minutes by the phases' caps, in this order, each phase writing its results as it goes (a time-out
# loses nothing already measured):
#   1 start        lrml info (alone, then with python3's CUDA wheels named); the CUDA backend must start, or the run
#                  stops here and fails with the reason
#   2 native-tests every native test (JUnit tag gpu, each launch checked); a failure or a skip fails the run
#   3 compare      bench/compare's workloads against PyTorch with CUDA, side by side (compare.py --device cuda)
#   4 torch-peer   PyTorch's time for each CUDA benchmark below (when PyTorch sees the GPU)
#   5 jmh-*        the CUDA JMH families, most important first, one JVM per family, while time is left
#   6 summary      native test counts, the comparison table, every benchmark with its peer; "RESULT: PASS/FAIL"
# Needs no internet, no Maven and no JDK (jre/ is the runtime). Results land in results/; exit status 1 on FAIL.
#
# Environment: LRML_CUDA_LIBS (folders with libcublas/libcudnn, or a Python environment holding them), JAVA (another
# java), LRML_GPU_PHASES (space-separated phases to run, e.g. "start compare"; default all), LRML_GPU_DRY_RUN=1 (on a
# machine without a GPU: the start failure and skips are expected, the later phases still run briefly, so the
# bundle itself is exercised; scripts/gpu/dry-run.sh checks such a run).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
start=$(date +%s)
budget=420                  # 7 minutes: the sum of the caps below may not exceed it
dry="${LRML_GPU_DRY_RUN:-0}"
results="$here/results"
mkdir -p "$results"
rm -f "$results"/status.txt "$results"/jmh-*.json "$results"/jmh-*.log
failures=()

# Phase caps in seconds (dry-run.sh checks they fit the budget and come in this order).
CAP_INFO_ALONE=15
CAP_INFO=15
CAP_NATIVE=120
CAP_COMPARE=100
CAP_TORCH_PEER=40
CAP_JMH=115                  # shared by the JMH families, each at most CAP_JMH_FAMILY
CAP_JMH_FAMILY=40
CAP_SUMMARY=15

java="${JAVA:-$here/jre/bin/java}"
[ -x "$java" ] || java="$(command -v java || true)"
[ -n "$java" ] || { echo "run.sh: no Java runtime (jre/ is missing and java is not on PATH)"; exit 1; }

# Every jar by name: the JUnit console launcher does not expand "lib/*" as the java launcher does.
cp=""
for j in "$here"/lib/*.jar "$here"/lib/test/*.jar; do
  case "$j" in */junit-console.jar) ;; *) cp="${cp:+$cp:}$j" ;; esac
done
jvm=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC)
# JDK 23+ warns at every JMH start about sun.misc.Unsafe; allow it where the option exists.
"$java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1 && jvm+=(--sun-misc-unsafe-memory-access=allow)

elapsed() { echo $(( $(date +%s) - start )); }
# Runs a phase for at most min(cap, what is left before the summary's reserve) seconds; its output goes to the
# terminal and to results/NAME.log as it comes.
phase() {
  local name="$1" cap="$2"
  shift 2
  if [ -n "${LRML_GPU_PHASES:-}" ] && [[ " $LRML_GPU_PHASES " != *" ${name%%-*} "* ]] \
     && [[ " $LRML_GPU_PHASES " != *" $name "* ]]; then
    return 0
  fi
  local left=$(( budget - CAP_SUMMARY - $(elapsed) ))
  local t=$(( cap < left ? cap : left ))
  if [ "$t" -le 3 ]; then
    echo "=== $name: skipped, the time budget is spent" | tee "$results/$name.log"
    return 0
  fi
  echo "=== $name (at most ${t}s; $(elapsed)s so far)"
  timeout --kill-after=10 "$t" "$@" 2>&1 | grep --line-buffered -v 'WARNING: Using incubator modules' \
    | tee "$results/$name.log"
  local rc=${PIPESTATUS[0]}
  [ "$rc" -eq 124 ] && echo "=== $name: stopped after ${t}s (results so far are kept)" | tee -a "$results/$name.log"
  return 0
}
fail() {
  failures+=("$1")
  echo "FAILED: $1"
}

echo "=== machine"
(command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv) \
  | tee "$results/machine.log" || echo "nvidia-smi not found" | tee "$results/machine.log"
echo "java: $java ($("$java" -version 2>&1 | head -1))"

# ---- 1 start
# cuBLAS / cuDNN: the engine looks for them itself (docs/cuda-providers.md); the first info shows what it finds
# alone, the second names python3's site-packages (PyTorch's CUDA wheels) in LRML_CUDA_LIBS.
phase start-info-alone "$CAP_INFO_ALONE" "$java" "${jvm[@]}" -cp "$cp" org.lrml.cli.Main info
sites=()
if command -v python3 >/dev/null 2>&1; then
  while IFS= read -r site; do
    compgen -G "$site/nvidia/*/lib" >/dev/null && sites+=("$site")
  done < <(python3 -c 'import site, sys
for p in site.getsitepackages() + [site.getusersitepackages()] + sys.path: print(p)' 2>/dev/null | sort -u)
fi
if [ ${#sites[@]} -gt 0 ]; then
  export LRML_CUDA_LIBS="${LRML_CUDA_LIBS:+$LRML_CUDA_LIBS:}$(IFS=:; echo "${sites[*]}")"
fi
echo "LRML_CUDA_LIBS: ${LRML_CUDA_LIBS:-}"
phase start-info "$CAP_INFO" "$java" "${jvm[@]}" -cp "$cp" org.lrml.cli.Main info
started=0
if [ -f "$results/start-info.log" ] && grep -q '^  cuda: ' "$results/start-info.log" \
   && ! grep -q '^  cuda: not available' "$results/start-info.log"; then
  started=1
fi
if [ "$started" -eq 0 ]; then
  reason="$(sed -n 's/^  cuda: not available: //p' "$results/start-info.log" 2>/dev/null | head -1)"
  if [ "$dry" = 1 ]; then
    echo "dry run: the CUDA backend did not start, as expected without a GPU (${reason:-no reason printed})"
  else
    fail "the CUDA backend did not start: ${reason:-see results/start-info.log}"
  fi
fi

if [ "$started" -eq 1 ] || [ "$dry" = 1 ]; then
  # ---- 2 native tests: every one must run and pass (CudaAvailable fails them where a GPU is present but the
  # backend does not start, instead of skipping).
  phase native-tests "$CAP_NATIVE" "$java" "${jvm[@]}" -Dlrml.cuda.syncEachLaunch=true \
    -jar "$here/lib/test/junit-console.jar" execute --class-path "$cp" \
    --scan-class-path "$here/lib/test/lrml-tests.jar" --include-tag gpu --details=tree --disable-banner \
    --reports-dir "$results/junit"
  if [ "$dry" != 1 ] && [ -f "$results/native-tests.log" ]; then
    grep -qE '\[\s+[1-9][0-9]* tests failed' "$results/native-tests.log" && fail "native tests failed (results/native-tests.log)"
    # A test whose assumption fails (CudaAvailable's skip) is counted "aborted" by the console launcher.
    grep -qE '\[\s+[1-9][0-9]* tests (skipped|aborted)' "$results/native-tests.log" \
      && fail "native tests were skipped on the GPU run: $(grep -oE '[0-9]+ tests (skipped|aborted)' "$results/native-tests.log" | tr '\n' ' ')"
    grep -qE '\[\s+[1-9][0-9]* tests successful' "$results/native-tests.log" || fail "no native test passed"
  fi

  # ---- 3 compare and 4 the peer of each benchmark, with PyTorch on the GPU
  if command -v python3 >/dev/null 2>&1 \
      && python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' >/dev/null 2>&1; then
    # 2 CPU threads on both sides, TF32 off; workloads not started within --budget are skipped, the table written.
    phase compare "$CAP_COMPARE" python3 "$here/compare.py" --device cuda --quick --budget $((CAP_COMPARE - 10)) \
      --java "$java" --cp "$cp" --jvm-args "${jvm[*]} -Xmx8g" --out "$results/compare" \
      --command "run.sh: python3 compare.py --device cuda --quick"
    phase torch-peer "$CAP_TORCH_PEER" python3 "$here/torch_peer.py" "$results/torch.json"
  else
    echo "=== compare, torch-peer: skipped (python3 with a CUDA-enabled torch is not available)" \
      | tee "$results/compare.log"
    [ "$dry" = 1 ] || fail "PyTorch with CUDA is not available, so there is no peer to compare with"
  fi

  # ---- 5 the CUDA JMH families, most telling first; each JVM writes its JSON when it ends.
  families=(TrainStep Gemm Similarity TopK TupleLoss Conv Mining LaunchCost Elementwise Reduce Layout Pool Batchnorm
            Softmax Dropout Optim NetOptim L2Norm)
  [ "$dry" = 1 ] && families=(Gemm TopK)
  jmhStart=$(elapsed)
  for f in "${families[@]}"; do
    left=$(( CAP_JMH - ($(elapsed) - jmhStart) ))
    cap=$(( CAP_JMH_FAMILY < left ? CAP_JMH_FAMILY : left ))
    if [ "$cap" -le 5 ]; then
      echo "=== jmh: the JMH share is spent; not run: from $f on" | tee -a "$results/jmh-skipped.log"
      break
    fi
    phase "jmh-$f" "$cap" "$java" "${jvm[@]}" -cp "$cp" org.openjdk.jmh.Main "org\.lrml\.bench\.cuda\.${f}CudaBench" \
      -f 0 -wi 1 -w 300ms -i 2 -r 500ms -foe false -rf json -rff "$results/jmh-$f.json"
  done
fi

# ---- 6 summary
echo "=== summary ($(elapsed)s)"
if command -v python3 >/dev/null 2>&1; then
  timeout "$CAP_SUMMARY" python3 "$here/summarize.py" "$results" || true
else
  grep -E 'tests (successful|failed|aborted|skipped)' "$results/native-tests.log" 2>/dev/null || true
fi
if [ -f "$results/compare/compare-cuda.md" ]; then
  echo
  cat "$results/compare/compare-cuda.md"
fi
if [ ${#failures[@]} -eq 0 ]; then
  if [ "$dry" = 1 ]; then
    echo "RESULT: DRY RUN COMPLETE, nothing measured ($(elapsed)s)" | tee "$results/status.txt"
  else
    echo "RESULT: PASS ($(elapsed)s)" | tee "$results/status.txt"
  fi
  exit 0
fi
{
  echo "RESULT: FAIL ($(elapsed)s)"
  for f in "${failures[@]}"; do echo "  - $f"; done
} | tee "$results/status.txt"
exit 1
