#!/usr/bin/env bash
# The GPU check, run on the machine with the GPU from the folder scripts/prepare-gpu.sh built (dist/gpu):
# lrml info, the native tests (JUnit tag gpu, every kernel launch checked), the CUDA benchmarks (short JMH
# runs), a PyTorch peer comparison when PyTorch with CUDA is importable, the side-by-side comparison of
# bench/compare (compare.py --device cuda --quick), and the tables last. At most 8 minutes.
# Needs no internet, no Maven and no JDK (the jre/ folder is the runtime). Results land in results/.
#
# Environment: LRML_CUDA_LIBS (folder(s) with libcublas/libcudnn or a Python environment holding them,
# colon-separated), JAVA (a java to use instead of jre/bin/java), LRML_GPU_PHASES (space-separated phase names to
# run, e.g. "compare"; default: all).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
start=$(date +%s)
budget=470  # seconds, leaving a margin inside 8 minutes
results="$here/results"
mkdir -p "$results"

java="${JAVA:-$here/jre/bin/java}"
[ -x "$java" ] || java="$(command -v java || true)"
[ -n "$java" ] || { echo "run.sh: no Java runtime (jre/ is missing and java is not on PATH)"; exit 1; }

# cuBLAS / cuDNN: the engine looks for them itself (docs/cuda-providers.md: LRML_CUDA_LIBS, LD_LIBRARY_PATH, the
# loader's folders, CUDA installs, common Python environment prefixes). The first info run shows what it finds
# alone; then the site-packages folders of this machine's python3 (PyTorch's CUDA wheels) are named explicitly with
# LRML_CUDA_LIBS (the engine reads their nvidia/*/lib), in case the environment sits where no prefix scan looks.
sites=()
if command -v python3 >/dev/null 2>&1; then
  while IFS= read -r site; do
    compgen -G "$site/nvidia/*/lib" >/dev/null && sites+=("$site")
  done < <(python3 -c 'import site, sys
for p in site.getsitepackages() + [site.getusersitepackages()] + sys.path: print(p)' 2>/dev/null | sort -u)
fi

# Every jar by name: the JUnit console launcher does not expand "lib/*" as the java launcher does.
cp=""
for j in "$here"/lib/*.jar "$here"/lib/test/*.jar; do
  case "$j" in */junit-console.jar) ;; *) cp="${cp:+$cp:}$j" ;; esac
done
jvm=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC)
# JDK 23+ warns at every JMH start about sun.misc.Unsafe; allow it where the option exists.
"$java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1 && jvm+=(--sun-misc-unsafe-memory-access=allow)

remaining() { echo $(( budget - ($(date +%s) - start) )); }
# Runs a phase with at most min(its share, what is left) seconds.
phase() {
  local name="$1" share="$2"
  shift 2
  if [ -n "${LRML_GPU_PHASES:-}" ] && [[ " $LRML_GPU_PHASES " != *" $name "* ]]; then
    return 0
  fi
  local left
  left=$(remaining)
  local t=$(( share < left ? share : left ))
  if [ "$t" -le 5 ]; then
    echo "=== $name: skipped, the time budget is spent"
    return 0
  fi
  echo "=== $name (at most ${t}s)"
  timeout --kill-after=10 "$t" "$@" 2>&1 | grep --line-buffered -v 'WARNING: Using incubator modules' \
    | tee "$results/$name.log"
  local rc=${PIPESTATUS[0]}
  [ "$rc" -eq 124 ] && echo "=== $name: stopped after ${t}s"
  return 0
}

echo "=== machine"
(command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv) \
  | tee "$results/machine.log" || echo "nvidia-smi not found" | tee "$results/machine.log"
echo "java: $java ($("$java" -version 2>&1 | head -1))"
echo "LD_LIBRARY_PATH: ${LD_LIBRARY_PATH:-}"

phase info-alone 30 "$java" "${jvm[@]}" -cp "$cp" org.lrml.cli.Main info
if [ ${#sites[@]} -gt 0 ]; then
  export LRML_CUDA_LIBS="${LRML_CUDA_LIBS:+$LRML_CUDA_LIBS:}$(IFS=:; echo "${sites[*]}")"
fi
echo "LRML_CUDA_LIBS: ${LRML_CUDA_LIBS:-}"
phase info 30 "$java" "${jvm[@]}" -cp "$cp" org.lrml.cli.Main info

phase native-tests 200 "$java" "${jvm[@]}" -Dlrml.cuda.syncEachLaunch=true -jar "$here/lib/test/junit-console.jar" \
  execute --class-path "$cp" --scan-class-path "$here/lib/test/lrml-tests.jar" --include-tag gpu \
  --details=tree --disable-banner --reports-dir "$results/junit"

# Benchmarks added with bench/compare (more-benchmarks below) are left out here, so this phase keeps its length.
newer='PoolCudaBench\.avg|OptimCudaBench\.sgd|TopKCudaBench\.bottomK'
phase benchmarks 150 "$java" "${jvm[@]}" -cp "$cp" org.openjdk.jmh.Main \
  'org\.lrml\.bench\.cuda\.(?!Similarity|TopK|TupleLoss|L2Norm|NetOptim|TrainStep|Mining).*' -e "$newer" \
  -f 1 -wi 1 -w 300ms -i 2 -r 500ms -foe false -rf json -rff "$results/jmh.json"

# The LRML core (similarity, top-k, tuple losses) in its own phase and time share; the tuple loss at the defaults.
phase lrml-benchmarks 100 "$java" "${jvm[@]}" -cp "$cp" org.openjdk.jmh.Main \
  'org\.lrml\.bench\.cuda\.(Similarity|TopK|TupleLoss)CudaBench' -e "$newer" -p params=defaults \
  -f 1 -wi 1 -w 300ms -i 2 -r 500ms -foe false -rf json -rff "$results/jmh-lrml.json"

phase sgemm-v1 25 "$java" "${jvm[@]}" -cp "$cp" org.openjdk.jmh.Main 'org\.lrml\.bench\.cuda\.GemmCudaBench' \
  -p n=2048 -p provider=builtin -jvmArgsAppend -Dlrml.cuda.kernel.sgemm_f32=1 -f 1 -wi 1 -w 300ms -i 2 -r 500ms -rf json \
  -rff "$results/jmh-sgemm-v1.json"

if command -v python3 >/dev/null 2>&1 && python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' \
    >/dev/null 2>&1; then
  phase torch-peer 60 python3 "$here/torch_peer.py" "$results/torch.json"
  # The issue's workloads side by side (compare.py skips what it cannot start within --budget and still writes its
  # table); 2 CPU threads on both sides, TF32 off.
  phase compare 120 python3 "$here/compare.py" --device cuda --quick --budget 95 --java "$java" --cp "$cp" \
    --jvm-args "${jvm[*]} -Xmx8g" --out "$results/compare" --command "run.sh: python3 compare.py --device cuda --quick"
else
  echo "=== torch-peer, compare: skipped (python3 with a CUDA-enabled torch is not available)"
fi

# The benchmarks added with bench/compare: L2 norm, the optimisers over the Fashion net, a training step, a mining
# pass, average pooling, SGD, bottom-k.
phase more-benchmarks 60 "$java" "${jvm[@]}" -cp "$cp" org.openjdk.jmh.Main \
  "org\.lrml\.bench\.cuda\.(L2Norm|NetOptim|TrainStep|Mining)CudaBench|$newer" -p k=5 \
  -f 1 -wi 1 -w 300ms -i 2 -r 500ms -foe false -rf json -rff "$results/jmh-more.json"

echo "=== summary ($(( $(date +%s) - start ))s so far)"
if command -v python3 >/dev/null 2>&1; then
  python3 "$here/summarize.py" "$results"
else
  grep -E 'tests (successful|failed|aborted)' "$results/native-tests.log" || true
  grep -hE '^Benchmark|CudaBench' "$results/benchmarks.log" "$results/lrml-benchmarks.log" | tail -60 || true
fi
if [ -f "$results/compare/compare-cuda.md" ]; then
  echo
  cat "$results/compare/compare-cuda.md"
fi
