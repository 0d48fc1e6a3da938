#!/usr/bin/python3
"""The PyTorch peer of 'lrml eval --blocked' on ROxford5k+R1M-sized files (make_million.py): the same job done the
straightforward way -- the benchmark images and the memory-mapped distractors in blocks of --block rows,
similarities by torch.mm (float32; Debian's numpy links the reference BLAS here, torch computes with oneDNN), each
query's top --keep kept with torch.topk over (kept, block), a final sort by (similarity descending, index), then
revisitop's compute_map formula (Oxford AP, junk removed, positives below the kept prefix not retrieved) for Easy,
Medium and Hard. Timed from the first read to the last AP, on --threads threads.

  /usr/bin/python3 bench/eval/torch_million_peer.py DIR [--distractors r1m.npy] [--keep 1000] [--threads 2]
prints one JSON line: seconds and mAP per setup.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import peer_env  # noqa: E402

peer_env.prepare()

import argparse  # noqa: E402
import json  # noqa: E402
import pickle  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402


def ap_oxford(ranks, npos):
    """revisitop compute_ap: ranks are the 0-based positions of the positives (junk removed), increasing."""
    ap = 0.0
    for i, r in enumerate(ranks):
        p0 = 1.0 if r == 0 else i / r
        p1 = (i + 1) / (r + 1)
        ap += (p0 + p1) / 2
    return ap / npos


def scores(kept, gnd):
    out = {}
    for setup in ("easy", "medium", "hard"):
        aps = []
        for q, g in enumerate(gnd):
            easy, hard, junk = (set(np.atleast_1d(g[k]).tolist()) for k in ("easy", "hard", "junk"))
            pos, jk = {"easy": (easy, junk | hard), "medium": (easy | hard, junk), "hard": (hard, junk | easy)}[setup]
            if not pos:
                continue
            ranks, rank = [], 0
            for item in kept[q]:
                item = int(item)
                if item in jk:
                    continue
                if item in pos:
                    ranks.append(rank)
                rank += 1
            aps.append(ap_oxford(ranks, len(pos)))
        out[setup] = float(np.mean(aps))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--distractors", default="r1m.npy")
    ap.add_argument("--keep", type=int, default=1000)
    ap.add_argument("--block", type=int, default=8192)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    start = time.perf_counter()
    q = torch.from_numpy(np.load(os.path.join(a.dir, "q.npy")))
    parts = [np.load(os.path.join(a.dir, "x.npy")), np.load(os.path.join(a.dir, a.distractors), mmap_mode="r")]
    with open(os.path.join(a.dir, "gnd_roxford5k.pkl"), "rb") as f:
        gnd = pickle.load(f)["gnd"]
    n, keep = q.shape[0], a.keep
    kept_s = torch.empty((n, 0), dtype=torch.float32)
    kept_i = torch.empty((n, 0), dtype=torch.int64)
    base = 0
    with torch.no_grad():
        for part in parts:
            for s in range(0, part.shape[0], a.block):
                block = torch.from_numpy(np.array(part[s:s + a.block], dtype=np.float32))  # copies: the read
                sim = torch.mm(q, block.t())
                idx = torch.arange(base + s, base + s + block.shape[0]).expand(n, -1)
                cs = torch.cat([kept_s, sim], dim=1)
                ci = torch.cat([kept_i, idx], dim=1)
                if cs.shape[1] > keep:
                    cs, top = torch.topk(cs, keep, dim=1)
                    ci = torch.gather(ci, 1, top)
                kept_s, kept_i = cs, ci
            base += part.shape[0]
    ks, ki = kept_s.numpy(), kept_i.numpy()
    kept = np.array([ki[r][np.lexsort((ki[r], -ks[r]))] for r in range(n)])
    m = scores(kept, gnd)
    print(json.dumps({"peer": "torch " + torch.__version__, "threads": a.threads,
                      "seconds": round(time.perf_counter() - start, 2), "queries": n, "database": base, "mAP": m}))


if __name__ == "__main__":
    main()
