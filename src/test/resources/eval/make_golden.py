#!/usr/bin/python3
"""Regenerates the golden retrieval metrics (run from this folder with /usr/bin/python3 and numpy).

Descriptors take values in {-1, -0.5, 0, 0.5, 1} so similarities are exact in float32 and many tie;
rankings use a stable argsort of -s (ties by lower index, as spec section 7 says). The metrics are an
implementation independent of the Java one: precision at every cut-off of the relevance vector.

  q.npy (37 x 6 float32), db.npy (211 x 6 float32), q_labels.npy (int64), db_labels.npy (int32)
  golden.json   {"seen": {...}, "loo": {...}} with mAP (standard AP), recall@1/2/4/8, mAP@R,
                oxford_mAP (trapezoid AP), per_query_ap
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def metrics(q, db, ql, dbl, exclude_self):
    s = q.astype(np.float64) @ db.astype(np.float64).T
    out = {"ap": [], "oap": [], "mapr": [], "hit": {k: [] for k in (1, 2, 4, 8)}}
    for i in range(q.shape[0]):
        order = np.argsort(-s[i], kind="stable")
        if exclude_self:
            order = order[order != i]
        rel = (dbl[order] == ql[i]).astype(np.float64)
        npos = rel.sum()
        cum = np.cumsum(rel)
        prec = cum / np.arange(1, len(rel) + 1)
        out["ap"].append(float((prec * rel).sum() / npos))
        r = int(npos)
        out["mapr"].append(float((prec[:r] * rel[:r]).sum() / r))
        pos_ranks = np.nonzero(rel)[0]
        oap = 0.0
        for j, rank in enumerate(pos_ranks):
            p0 = 1.0 if rank == 0 else j / rank
            p1 = (j + 1) / (rank + 1)
            oap += (p0 + p1) / 2 / npos
        out["oap"].append(oap)
        for k in (1, 2, 4, 8):
            out["hit"][k].append(float(rel[:k].sum() > 0))
    res = {"mAP": float(np.mean(out["ap"])), "mAP@R": float(np.mean(out["mapr"])),
           "oxford_mAP": float(np.mean(out["oap"])), "per_query_ap": out["ap"]}
    for k in (1, 2, 4, 8):
        res["recall@%d" % k] = float(np.mean(out["hit"][k]))
    return res


def main():
    rng = np.random.default_rng(7)
    levels = np.array([-1, -0.5, 0, 0.5, 1], dtype=np.float32)
    q = levels[rng.integers(0, 5, size=(37, 6))]
    db = levels[rng.integers(0, 5, size=(211, 6))]
    ql = rng.integers(0, 4, size=37).astype(np.int64)
    dbl = rng.integers(0, 4, size=211).astype(np.int32)
    np.save(os.path.join(HERE, "q.npy"), q)
    np.save(os.path.join(HERE, "db.npy"), db)
    np.save(os.path.join(HERE, "q_labels.npy"), ql)
    np.save(os.path.join(HERE, "db_labels.npy"), dbl)
    golden = {"seen": metrics(q, db, ql, dbl, False), "loo": metrics(db, db, dbl, dbl, True)}
    with open(os.path.join(HERE, "golden.json"), "w") as f:
        json.dump(golden, f, indent=1)


if __name__ == "__main__":
    main()
