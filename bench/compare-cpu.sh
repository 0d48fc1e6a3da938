#!/usr/bin/env bash
# Side-by-side CPU comparison: lrml's JMH numbers (SGEMM n = 1024 and 2048, one step of the benchmark CNN)
# and the peers of bench/peer_cpu.py (OpenBLAS SGEMM via numpy and PyTorch, the same CNN step in PyTorch),
# run alternately for R rounds so that both see the same machine load. Prints a Markdown table of medians
# over all samples of all rounds, and the ratios the targets are stated in.
#   bench/compare-cpu.sh [ROUNDS]          (default 3; results kept in bench-results/compare-cpu-<time>/)
# Environment: LRML_BENCH_THREADS (default 2) for both sides; the peer runs with OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE unset (peer_cpu.py restarts itself without them).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${1:-3}"
threads="${LRML_BENCH_THREADS:-2}"
py=/usr/bin/python3
out="bench-results/compare-cpu-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
export LRML_BENCH_JVM_ARGS="-Dlrml.cpu.threads=$threads ${LRML_BENCH_JVM_ARGS:-}"

for r in $(seq 1 "$rounds"); do
  echo "round $r of $rounds: lrml (JMH)..." >&2
  bench/run 'GemmBench|CnnStepBench' -p n=1024,2048 -wi 4 -i 6 -w 1 -r 1 -f 1 \
    -rf json -rff "$out/lrml-$r.json" >"$out/lrml-$r.log" 2>&1 || { cat "$out/lrml-$r.log" >&2; exit 1; }
  echo "round $r of $rounds: peer (PyTorch/OpenBLAS)..." >&2
  "$py" bench/peer_cpu.py --threads "$threads" --reps 30 \
    --json "$out/peer-$r.json" >"$out/peer-$r.log" 2>&1 || { cat "$out/peer-$r.log" >&2; exit 1; }
done

"$py" - "$out" "$rounds" "$threads" <<'PY'
import glob, json, os, statistics, sys
out, rounds, threads = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lrml = {}   # key -> list of ms per op (every measured iteration of every round)
for f in sorted(glob.glob(os.path.join(out, "lrml-*.json"))):
    for b in json.load(open(f)):
        key = b["benchmark"].split(".")[-2] + ("_" + b["params"]["n"] if "params" in b and "n" in b["params"] else "")
        for fork in b["primaryMetric"]["rawData"]:
            lrml.setdefault(key, []).extend(fork)
peer = {}
for f in sorted(glob.glob(os.path.join(out, "peer-*.json"))):
    for k, v in json.load(open(f)).items():
        peer.setdefault(k, []).extend(v["samples"])
med = statistics.median
rows = []
for n in (1024, 2048):
    ms = lrml.get(f"GemmBench_{n}")
    if not ms:
        continue
    ours = 2.0 * n ** 3 / (med(ms) * 1e6)
    for lib in ("numpy", "torch"):
        theirs = med(peer[f"sgemm_{lib}_{n}"])
        rows.append((f"SGEMM n={n} (GFLOP/s)", f"{ours:.0f}", f"OpenBLAS via {lib}: {theirs:.0f}",
                     f"{ours / theirs:.2f}"))
if "CnnStepBench" in lrml:
    ours = med(lrml["CnnStepBench"])
    theirs = med(peer["cnn_step_torch"])
    rows.append(("CNN train step, batch 64 (ms)", f"{ours:.1f}", f"PyTorch 1.13: {theirs:.1f}",
                 f"{theirs / ours:.2f} (throughput)"))
print(f"Medians over {rounds} alternating rounds, {threads} threads (all iterations of all rounds; raw data in {out}):\n")
print("| measurement | lrml | peer | lrml / peer |")
print("|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
with open(os.path.join(out, "table.md"), "w") as f:
    f.write("\n".join("| " + " | ".join(r) + " |" for r in rows) + "\n")
PY
