#!/usr/bin/env bash
# Compiles every kernels/*.cu to PTX and checks it with ptxas.
#
#   kernels/build.sh                                  what the Maven build runs (generate-resources)
#   kernels/build.sh --arch compute_80 --out DIR      rebuild the PTX with your own nvcc, e.g. for an older
#                                                     driver; then run with -Dlrml.cuda.ptxDir=DIR
#
# Options: --arch compute_NN (default compute_80), --isa X.Y (the PTX ISA the files declare, default 8.0: see
# below; "native" keeps nvcc's), --out DIR (default target/classes/kernels, the PTX that the
# jar carries), --reports DIR (default target/kernels: one ptxas -v report per file and GPU architecture),
# --check "sm_80 sm_90" (architectures ptxas assembles for; those older than --arch are skipped; with --out and
# no --reports, the reports go to OUT/ptxas-reports),
# --nvcc PATH (default: nvcc on PATH, else /usr/local/cuda/bin/nvcc).
#
# Flags: -O3 -lineinfo, and deliberately no --use_fast_math (results must match the CPU specification); a .cu file
# adds its own with a header line "// nvcc-flags: -flag (why)", e.g. -fmad=false where it promises CPU bit parity.
# PTX ISA: a driver JIT-compiles PTX only up to the ISA of its own CUDA version, and nvcc 13 writes ISA 9.0 (driver
# R580+). The kernels use nothing newer than ISA 8.0 (CUDA 12.0, driver R525+), so the files declare .version 8.0
# (raised to the minimum of --arch where that is higher), and ptxas assembles exactly that text for every checked
# architecture, refusing a feature the declared ISA lacks. nvcc's own ISA with --isa native.
# Files are rebuilt only when the .cu, a header (*.cuh) or this script changed. Without nvcc the script prints one
# warning and exits 0: the jar then carries no PTX and the CUDA backend says so when asked to start.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
arch="compute_80"
out="$root/target/classes/kernels"
reports="$root/target/kernels"
check="sm_80 sm_90"
nvcc=""
reportsGiven=0
outGiven=0
isaWanted="8.0"
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch="$2"; shift 2 ;;
    --out) out="$2"; outGiven=1; shift 2 ;;
    --reports) reports="$2"; reportsGiven=1; shift 2 ;;
    --check) check="$2"; shift 2 ;;
    --isa) isaWanted="$2"; shift 2 ;;
    --nvcc) nvcc="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "kernels/build.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
# A rebuild into another folder keeps its reports there, apart from the Maven build's.
if [ "$outGiven" -eq 1 ] && [ "$reportsGiven" -eq 0 ]; then
  reports="$out/ptxas-reports"
fi
case "$arch" in
  compute_[0-9]*) ;;
  *) echo "kernels/build.sh: --arch must look like compute_80, got '$arch'" >&2; exit 2 ;;
esac
case "$isaWanted" in
  native|[0-9].[0-9]) ;;
  *) echo "kernels/build.sh: --isa must look like 8.0 or be native, got '$isaWanted'" >&2; exit 2 ;;
esac
# The lowest ISA each target accepts (.target sm_NN needs at least this .version).
archIsaMin() {
  case "$1" in
    compute_50|compute_52|compute_53|compute_60|compute_61|compute_62|compute_70|compute_72|compute_75) echo "6.0" ;;
    compute_80) echo "7.0" ;;
    compute_86) echo "7.1" ;;
    compute_87) echo "7.4" ;;
    compute_89|compute_90) echo "7.8" ;;
    *) echo "native" ;;
  esac
}
isaTarget="$isaWanted"
minIsa="$(archIsaMin "$arch")"
if [ "$isaTarget" != native ]; then
  if [ "$minIsa" = native ]; then
    isaTarget=native
  elif [ "$(printf '%s\n%s\n' "$isaTarget" "$minIsa" | sort -V | head -1)" != "$minIsa" ]; then
    isaTarget="$minIsa"
  fi
fi

if [ -z "$nvcc" ]; then
  if command -v nvcc >/dev/null 2>&1; then
    nvcc="$(command -v nvcc)"
  elif [ -x /usr/local/cuda/bin/nvcc ]; then
    nvcc=/usr/local/cuda/bin/nvcc
  fi
fi
mkdir -p "$reports"
if [ -z "$nvcc" ] || [ ! -x "$nvcc" ]; then
  echo "[WARNING] kernels/build.sh: nvcc not found (PATH or /usr/local/cuda/bin): the jar gets no PTX kernels and" \
       "the CUDA backend will report them missing; install the CUDA toolkit to build them" >&2
  echo "nvcc not found when the build ran; no PTX was built" > "$reports/NVCC-MISSING.txt"
  # PTX left from an earlier build would no longer match the sources: the jar carries none rather than stale.
  rm -f "$out"/*.ptx "$out/manifest.properties"
  exit 0
fi
rm -f "$reports/NVCC-MISSING.txt"
ptxas="$(dirname "$nvcc")/ptxas"
[ -x "$ptxas" ] || ptxas="$(command -v ptxas || true)"
mkdir -p "$out"

archNum="${arch#compute_}"
checkArchs=()
for a in $check; do
  n="${a#sm_}"
  if [ "$n" -ge "$archNum" ]; then checkArchs+=("$a"); fi
done

nvccVersion="$("$nvcc" --version | sed -n 's/^Cuda compilation tools, //p' | head -1)"
# One file: PTX with a marker line recording the target (so a build for another --arch never reuses it),
# then one ptxas report per checked architecture.
build_one() {
  local cu="$1" stem ptx a
  stem="$(basename "$cu" .cu)"
  ptx="$out/$stem.ptx"
  # A file may add nvcc flags in a header line "// nvcc-flags: ..." (e.g. -fmad=false where it promises CPU parity).
  local extra
  extra="$(sed -n 's|^// nvcc-flags: \(-[^ ]*\).*|\1|p' "$cu" | head -1)"
  "$nvcc" -ptx -arch="$arch" -O3 -lineinfo $extra -I"$here" "$cu" -o "$ptx.tmp"
  if [ "$isaTarget" != native ]; then
    local native
    native="$(sed -n 's/^\.version \([0-9.]*\).*/\1/p' "$ptx.tmp" | head -1)"
    # Only ever lowered: an nvcc older than the target ISA keeps its own.
    if [ "$(printf '%s\n%s\n' "$isaTarget" "$native" | sort -V | head -1)" = "$isaTarget" ]; then
      sed -i "s/^\.version $native\$/.version $isaTarget/" "$ptx.tmp"
    fi
  fi
  { echo "// arch $arch isa $isaTarget"; cat "$ptx.tmp"; } > "$ptx.tmp2"
  rm -f "$ptx.tmp"
  if [ -n "$ptxas" ]; then
    for a in "${checkArchs[@]}"; do
      if ! "$ptxas" -v -arch="$a" "$ptx.tmp2" -o /dev/null > "$reports/$stem.$a.txt" 2>&1; then
        cat "$reports/$stem.$a.txt" >&2
        echo "kernels/build.sh: ptxas failed on $stem.ptx for $a (declared PTX ISA $isaTarget; if a kernel now needs a" \
             "newer ISA, raise --isa and the driver requirement in the README)" >&2
        rm -f "$ptx.tmp2"
        return 1
      fi
    done
  fi
  mv "$ptx.tmp2" "$ptx"
}

stems=()
stale=()
for cu in "$here"/*.cu; do
  stem="$(basename "$cu" .cu)"
  stems+=("$stem")
  ptx="$out/$stem.ptx"
  fresh=1
  if [ ! -f "$ptx" ] || [ "$cu" -nt "$ptx" ] || [ -n "$(find "$here" -maxdepth 1 -name "*.cuh" -newer "$ptx" -print -quit)" ] || [ "${BASH_SOURCE[0]}" -nt "$ptx" ] \
     || ! grep -q "^// arch $arch isa $isaTarget\$" "$ptx" 2>/dev/null; then
    fresh=0
  fi
  for a in "${checkArchs[@]}"; do
    [ -f "$reports/$stem.$a.txt" ] || fresh=0
  done
  [ "$fresh" -eq 1 ] || stale+=("$cu")
done

# nvcc runs in parallel, one job per core.
jobs="$(nproc 2>/dev/null || echo 2)"
failed=0
running=0
for cu in "${stale[@]}"; do
  build_one "$cu" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done
if [ "$failed" -ne 0 ]; then
  echo "kernels/build.sh: kernel compilation failed (messages above)" >&2
  exit 1
fi
built=${#stale[@]}

isa="$(sed -n 's/^\.version \([0-9.]*\).*/\1/p' "$out/${stems[0]}.ptx" | head -1)"
{
  echo "# Written by kernels/build.sh: what the PTX in this folder is (read by the CUDA backend and lrml info)."
  echo "nvcc=$nvccVersion"
  echo "arch=$arch"
  echo "ptxIsa=$isa"
  echo "stems=$(IFS=,; echo "${stems[*]}")"
  echo "ptxasChecked=$( [ -n "$ptxas" ] && (IFS=,; echo "${checkArchs[*]}") )"
} > "$out/manifest.properties"
echo "kernels/build.sh: ${#stems[@]} kernel files, $built rebuilt, PTX ISA $isa for $arch in $out" \
     "(nvcc $nvccVersion; ptxas reports for ${checkArchs[*]:-none} in $reports)"
