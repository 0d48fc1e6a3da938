#!/usr/bin/env bash
# ROxford5k+R1M-sized blocked evaluation, timed: 70 queries x (4993 + 1,000,000) x 2048 on the CPU, float32 and
# float16 distractor files, against the PyTorch peer (torch_million_peer.py) on the same files in the same run.
#
#   bench/eval/million.sh DIR [--distractors N]     # DIR gets the files of make_million.py (8.2 + 4.1 GB) once
#
# Prints per run: wall seconds, CPU seconds, peak resident memory (GNU time), and the medium mAP; the lrml runs
# use a 1 GiB heap (LRML_JAVA_OPTS) to show that the database need not fit in it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="${1:?usage: million.sh DIR [--distractors N]}"
shift
count=1000000
if [ "${1:-}" = "--distractors" ]; then count="$2"; fi
if [ ! -f "$dir/r1m.npy" ]; then /usr/bin/python3 "$here/bench/eval/make_million.py" "$dir" --distractors "$count"; fi
if [ ! -f "$dir/r1m_f16.npy" ]; then /usr/bin/python3 "$here/bench/eval/make_million.py" "$dir" --distractors "$count" --float16; fi
lrml="${LRML:-$here/lrml}"   # LRML=/path/to/a/launcher: a fixed build, while the sources change
"$lrml" --version >/dev/null

measure() {  # label, command... : prints wall, CPU and peak RSS, then the command's last output line
  local label="$1"; shift
  local log; log="$(mktemp)"
  /usr/bin/time -f "%e %U %S %M" -o "$log.time" "$@" >"$log" 2>"$log.err" || { cat "$log.err" >&2; exit 1; }
  read -r wall user sys rss <"$log.time"
  printf '%-36s wall %7.1f s  cpu %7.1f s  peak RSS %6d MiB\n' "$label" "$wall" "$(echo "$user + $sys" | bc)" \
    "$((rss / 1024))"
  tail -n 1 "$log" | sed 's/^/    /'
  rm -f "$log" "$log.time" "$log.err"
}

echo "# $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for f in r1m.npy r1m_f16.npy; do
  out="$dir/out-${f%.npy}"
  LRML_JAVA_OPTS="-Xmx1g ${LRML_JAVA_OPTS:-}" measure "lrml eval --blocked ($f)" "$lrml" eval --protocol roxford5k \
    --dataset "$dir" --query-descriptors "$dir/q.npy" --db-descriptors "$dir/x.npy" --distractors "$dir/$f" \
    --out "$out"
  grep -m1 -o '"mAP" : [0-9.]*' "$out/metrics.json" | sed 's/^/    medium /'
done
blas="$("$here/bench/peer/openblas_dir.sh")"   # OpenBLAS for the peer only (see that script)
LD_LIBRARY_PATH="$blas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" measure "PyTorch peer (r1m.npy)" /usr/bin/python3 "$here/bench/eval/torch_million_peer.py" "$dir" --threads 2
