#!/usr/bin/python3
"""The PyTorch peer of 'lrml eval' in descriptor mode: the same metrics (standard AP, Recall@1/2/4/8,
mAP@R; ranking by similarity descending, ties by lower index) the straightforward way -- similarity
blocks with torch.mm, a stable argsort of each block (numpy's: torch 1.13's stable sort took ten times
longer on these rows), cumulative sums for precision -- timed on the same files, with the same number
of threads.

  /usr/bin/python3 bench/eval/torch_seen_peer.py DIR [--threads 2]
reads DIR/{q,db}.npy and DIR/{q,db}_labels.npy (see make_seen_descriptors.py), prints JSON.
"""
import argparse
import json
import os
import time

import numpy as np
import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--block", type=int, default=500)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    q = torch.from_numpy(np.load(os.path.join(a.dir, "q.npy")))
    db = torch.from_numpy(np.load(os.path.join(a.dir, "db.npy")))
    ql = torch.from_numpy(np.load(os.path.join(a.dir, "q_labels.npy")))
    dbl = torch.from_numpy(np.load(os.path.join(a.dir, "db_labels.npy")))
    start = time.time()
    aps, maprs, hits = [], [], {k: [] for k in (1, 2, 4, 8)}
    ranks = np.arange(1, db.shape[0] + 1, dtype=np.float64)
    dbl_np = dbl.numpy()
    ql_np = ql.numpy()
    for b in range(0, q.shape[0], a.block):
        s = (q[b:b + a.block] @ db.T).numpy()
        order = np.argsort(-s, axis=1, kind="stable")
        rel = (dbl_np[order] == ql_np[b:b + a.block, None]).astype(np.float64)
        npos = rel.sum(1)
        prec = rel.cumsum(1) / ranks
        aps.append((prec * rel).sum(1) / npos)
        r = np.arange(db.shape[0])[None, :] < npos[:, None]
        maprs.append((prec * rel * r).sum(1) / npos)
        for k in hits:
            hits[k].append(rel[:, :k].sum(1) > 0)
    seconds = time.time() - start
    out = {"mAP": float(np.concatenate(aps).mean()), "mAP@R": float(np.concatenate(maprs).mean()),
           "seconds": seconds, "threads": a.threads, "torch": torch.__version__}
    for k in hits:
        out["recall@%d" % k] = float(np.concatenate(hits[k]).mean())
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
