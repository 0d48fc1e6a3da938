#!/usr/bin/env bash
# lrml index / lrml search against exact search and against faiss, in one run on the same files:
#   bench/index/run.sh DIR [--n 100000] [--dim 256] [--m 16] [--ef-construction 100] [--ef "100 200 400"] [--k 100]
# 1. DIR/x.npy, DIR/q.npy: random unit vectors (make_vectors.py; kept when present);
# 2. lrml index (2 threads), timed; lrml search for each ef: all queries on 2 threads (throughput) and on 1 thread
#    (per-query latency), approximate and --rerank, each after a warm-up pass over the queries (JIT);
# 3. the faiss peer (bench/peer/faiss_peer.py): IndexHNSWFlat with the same M / efConstruction / ef, IndexFlatIP;
#    skipped with its reason where faiss is missing;
# 4. recall@1/@10/@k of every result against the engine's exact top-k (bench/org/lrml/bench/index/RecallCheck).
# Everything is printed (and kept in DIR/run.log). LRML=/path/to/launcher runs a fixed build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="${1:?usage: run.sh DIR [--n N] [--dim D] [--m M] [--ef-construction E] [--ef \"E1 E2\"] [--k K]}"
shift
n=100000; dim=256; m=16; efc=100; efs="100 200 400"; k=100; threads=2
while [ $# -gt 0 ]; do
  case "$1" in
    --n) n="$2"; shift ;;
    --dim) dim="$2"; shift ;;
    --m) m="$2"; shift ;;
    --ef-construction) efc="$2"; shift ;;
    --ef) efs="$2"; shift ;;
    --k) k="$2"; shift ;;
    *) echo "run.sh: unknown option $1" >&2; exit 1 ;;
  esac
  shift
done
lrml="${LRML:-$here/lrml}"
mkdir -p "$dir"
exec > >(tee "$dir/run.log") 2>&1
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); n $n dim $dim M $m efConstruction $efc k $k"
[ -f "$dir/x.npy" ] || /usr/bin/python3 "$here/bench/index/make_vectors.py" "$dir" --n "$n" --dim "$dim"

"$lrml" index --descriptors "$dir/x.npy" --out "$dir/idx" --m "$m" --ef-construction "$efc" --threads "$threads" \
  --overwrite 2>/dev/null
results=()
for ef in $efs; do
  for rr in "" "--rerank"; do
    name="lrml-ef$ef${rr:+-rerank}"
    echo "## $name, $threads threads"
    "$lrml" search --index "$dir/idx" --queries "$dir/q.npy" --k "$k" --ef "$ef" $rr --warmup 1000 --out "$dir/$name"
    echo "## $name, 1 thread"
    LRML_JAVA_OPTS="-Dlrml.cpu.threads=1 ${LRML_JAVA_OPTS:-}" "$lrml" search --index "$dir/idx" --queries "$dir/q.npy" \
      --k "$k" --ef "$ef" $rr --warmup 1000 --out "$dir/$name-1t"
    results+=("$dir/$name")
  done
done

echo "## faiss peer"
blas="$("$here/bench/peer/openblas_dir.sh")"   # faiss's IndexFlatIP runs on libblas.so.3: OpenBLAS, not the reference
LD_LIBRARY_PATH="$blas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads \
  /usr/bin/python3 "$here/bench/peer/faiss_peer.py" "$dir" \
  --m "$m" --ef-construction "$efc" --ef "$(echo $efs | tr ' ' ',')" --k "$k" --threads "$threads" | tee "$dir/faiss.json"
for f in "$dir"/faiss/*/; do [ -d "$f" ] && results+=("${f%/}"); done

echo "## recall against the engine's exact top-$k"
cp="$("$here/bench/classpath.sh")"
java --add-modules jdk.incubator.vector -Xmx4g -cp "$cp" org.lrml.bench.index.RecallCheck "$dir" "$k" "${results[@]}" \
  2> >(grep -v "^WARNING: Using incubator modules" >&2)

echo "## table"
/usr/bin/python3 "$here/bench/index/table.py" "$dir"
