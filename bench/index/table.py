#!/usr/bin/python3
"""The markdown table of a bench/index/run.sh run, from DIR/run.log (lrml index/search lines, the faiss peer's
JSON, RecallCheck's JSON lines): one row per method and ef with build seconds, per-query latency on one thread
(median and mean, after a warm-up pass), queries per second on all threads, and recall@1/10/k against the
engine's exact top-k.

  /usr/bin/python3 bench/index/table.py DIR
"""
import json
import re
import sys


def main():
    d = sys.argv[1]
    log = open(d + "/run.log").read().splitlines()
    build = re.search(r"in ([0-9.]+) s -> ", "\n".join(log))
    lrml_build = float(build.group(1)) if build else float("nan")
    search = {}
    section = None
    for line in log:
        m = re.match(r"## (lrml-\S+), (\d) thread", line)
        if m:
            section = (m.group(1), m.group(2))
            continue
        m = re.match(r"searched .*: ([0-9.]+) s, ([0-9.]+) queries/s; per query ([0-9.]+) ms mean, ([0-9.]+) median", line)
        if m and section:
            search[section] = {"qps": float(m.group(2)), "mean": float(m.group(3)), "median": float(m.group(4))}
    recall = {}
    faiss = None
    for line in log:
        line = line[line.find("{\""):] if "{\"" in line else line  # Maven's colour codes may precede the JSON
        if line.startswith("{\"result\""):
            r = json.loads(line)
            name = r["result"].rstrip("/").split("/")[-1]
            recall[name] = r
        elif line.startswith("{\"peer\"") or line.startswith("{\"skipped\""):
            faiss = json.loads(line)
    k = max((int(key.split("@")[1]) for r in recall.values() for key in r if key.startswith("recall@")), default=0)

    def rec(name):
        r = recall.get(name, {})
        return " | ".join("%.3f" % r[key] if key in r else "-" for key in ("recall@1", "recall@10", "recall@%d" % k))

    print("| method | ef | build (s) | latency, 1 thread: median / mean (ms) | queries/s, 2 threads | recall@1 | "
          "recall@10 | recall@%d |" % k)
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    efs = sorted({int(re.search(r"ef(\d+)", n).group(1)) for n, _ in search})
    for ef in efs:
        for rr in ("", "-rerank"):
            name = "lrml-ef%d%s" % (ef, rr)
            one = search.get((name, "1"), {})
            two = search.get((name + "", "2"), {})
            print("| lrml (Lucene HNSW)%s | %d | %.0f | %s / %s | %s | %s |" % (
                " + exact re-rank" if rr else "", ef, lrml_build, one.get("median", "-"), one.get("mean", "-"),
                two.get("qps", "-"), rec(name)))
    if faiss and "runs" in faiss:
        for run, v in faiss["runs"].items():
            m = re.search(r"ef (\d+)", run)
            name = "hnsw-ef%s" % m.group(1) if m else "flat"
            lat = v["latency_ms"]
            print("| faiss %s | %s | %.0f | %.2f / %.2f | %.0f | %s |" % (
                run.split(" ef")[0], m.group(1) if m else "-", v["build_s"], lat[1], lat[0], v["qps"], rec(name)))
    elif faiss:
        print("| faiss | skipped: %s |" % faiss["skipped"])
    exact = recall.get("lrml exact (similarity + top-%d, 2 threads)" % k) or next(
        (r for n, r in recall.items() if n.startswith("lrml exact")), None)
    if exact:
        print("| lrml exact (similarity + top-%d, batch) | - | 0 | - | %.0f | 1 | 1 | 1 |" % (k, exact["qps"]))


if __name__ == "__main__":
    main()
