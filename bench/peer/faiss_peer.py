#!/usr/bin/python3
"""The faiss peer of 'lrml index' / 'lrml search' (bench/index/run.sh): on the same files, faiss's HNSW
(IndexHNSWFlat, inner product, the same M and efConstruction) and its exact search (IndexFlatIP), timed the same
way: build with --threads threads; search one query at a time on one thread (per-query latency) and all queries at
once on --threads threads (throughput). Writes DIR/faiss/<name>/indices.npy for each search so that recall is
computed by the same code as lrml's (bench/index/RecallCheck), and prints one JSON object.

  /usr/bin/python3 bench/peer/faiss_peer.py DIR [--m 16] [--ef-construction 100] [--ef 100,200] [--k 100]
(--ef "" runs IndexFlatIP only). IndexFlatIP searches through libblas.so.3: run it with OpenBLAS on
LD_LIBRARY_PATH where the system's is the reference BLAS (bench/peer/openblas_dir.sh; run.sh does).

Without faiss (Debian: apt-get install python3-faiss) it prints {"skipped": reason} and exits 0.
"""
import argparse
import json
import os
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--m", type=int, default=16)
    ap.add_argument("--ef-construction", type=int, default=100)
    ap.add_argument("--ef", default="100")
    ap.add_argument("--k", type=int, default=100)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    try:
        import faiss
        import numpy as np
    except ImportError as e:
        print(json.dumps({"skipped": "faiss is not importable by %s (%s); Debian: apt-get install python3-faiss"
                          % (sys.executable, e)}))
        return
    x = np.ascontiguousarray(np.load(os.path.join(a.dir, "x.npy")), dtype=np.float32)
    q = np.ascontiguousarray(np.load(os.path.join(a.dir, "q.npy")), dtype=np.float32)
    d = x.shape[1]
    out = {"peer": "faiss " + faiss.__version__, "threads": a.threads, "database": x.shape[0], "queries": q.shape[0],
           "dim": d, "m": a.m, "ef_construction": a.ef_construction, "runs": {}}

    def save(name, idx):
        folder = os.path.join(a.dir, "faiss", name)
        os.makedirs(folder, exist_ok=True)
        np.save(os.path.join(folder, "indices.npy"), idx.astype(np.int64))

    def per_query(index, k):
        faiss.omp_set_num_threads(1)
        lat = []
        for i in range(q.shape[0]):
            t = time.perf_counter()
            index.search(q[i:i + 1], k)
            lat.append(time.perf_counter() - t)
        lat = np.array(lat) * 1000
        return float(lat.mean()), float(np.median(lat)), float(np.percentile(lat, 99))

    def batch(index, k):
        faiss.omp_set_num_threads(a.threads)
        t = time.perf_counter()
        _, idx = index.search(q, k)
        return time.perf_counter() - t, idx

    faiss.omp_set_num_threads(a.threads)
    flat = faiss.IndexFlatIP(d)
    flat.add(x)
    seconds, idx = batch(flat, a.k)
    save("flat", idx)
    out["runs"]["IndexFlatIP (exact)"] = {"build_s": 0.0, "batch_s": round(seconds, 3),
                                          "qps": round(q.shape[0] / seconds, 1), "latency_ms": per_query(flat, a.k)}

    if not a.ef.strip():
        print(json.dumps(out))  # --ef "": the exact search only
        return
    faiss.omp_set_num_threads(a.threads)
    hnsw = faiss.IndexHNSWFlat(d, a.m, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = a.ef_construction
    t = time.perf_counter()
    hnsw.add(x)
    build = time.perf_counter() - t
    for ef in (int(v) for v in a.ef.split(",") if v.strip()):
        hnsw.hnsw.efSearch = ef
        seconds, idx = batch(hnsw, a.k)
        save("hnsw-ef%d" % ef, idx)
        out["runs"]["IndexHNSWFlat ef %d" % ef] = {"build_s": round(build, 2), "batch_s": round(seconds, 3),
                                                 "qps": round(q.shape[0] / seconds, 1),
                                                 "latency_ms": per_query(hnsw, a.k)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
