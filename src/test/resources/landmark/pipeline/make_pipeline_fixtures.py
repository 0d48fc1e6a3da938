#!/usr/bin/python3
"""Independent NumPy implementations of the descriptor pipeline's published formulas, and their outputs on fixed
inputs (run with /usr/bin/python3 and numpy; everything written is committed). Descriptors are rows here.

Learned whitening (Radenovic et al., TPAMI 2018; ../shared/design/landmark-reference.md):
    Lw:   m = mean of the query rows; S = sum (x_q - x_p)(x_q - x_p)^T / n_pairs; P0 = inv(cholesky(S));
          eigenvectors V of (P0 (X - m)^T)(P0 (X - m)^T)^T, eigenvalues descending; P = V^T P0
    PCAw: m = mean of X; C = (X - m)^T (X - m) / N symmetrised; eigenpairs descending; P = diag(lambda)^-1/2 V^T
    apply: x' = P[:d] (x - m) / (||P[:d] (x - m)|| + 1e-6)
Alpha query expansion: q' = normalise(q + sum_{i<=k} max(s_i, 0)^alpha x_i) over the top-k database rows by
q . x (ties: lower index). Database-side augmentation: the same for each database row against the other rows.

Files:
    X.npy (400 x 24 float32, unit rows in 40 clusters), pairs.npy (150 x 2 int64, rows of one cluster),
    Q.npy (25 x 24 float32 queries)
    lw_mean.npy, lw_projection.npy, pcaw_mean.npy, pcaw_projection.npy (float64)
    lw16_Q.npy, pcaw8_Q.npy      Q whitened with the first 16 Lw / 8 PCAw rows
    qe_k5_a3.npy                 Q expanded against X (k 5, alpha 3)
    dba_k4_a3.npy                X augmented (k 4, alpha 3)
    dba_qe.npy                   Q expanded (k 5, alpha 3) against the augmented X
    eval_qe_k3_a1.npy, eval_dba_k3_a1.npy   the same on ../../eval/q.npy and db.npy (many exact ties)
Revisited protocol metrics as revisitop's compute_map defines them (positions of the positives in the ranking,
each moved up by the junk ranked before it; Oxford-form AP; precision at k: with 1-based positions p and
k' = min(max p, k), #{p <= k'} / k'):
    gnd_rtest.pkl    a revisited ground truth (imlist of 200, qimlist of 30, gnd with bbx/easy/hard/junk)
    rtest_q.npy, rtest_db.npy   descriptors (30 x 16, 200 x 16 float32)
    rtest_metrics.json          {"easy"|"medium"|"hard": {"mAP": .., "mP@1": .., "mP@5": .., "mP@10": ..}}
"""
import json
import os
import pickle

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def unit(a):
    return a / np.linalg.norm(a, axis=1, keepdims=True)


def lw(x, qidx, pidx):
    xt = x.T.astype(np.float64)
    m = xt[:, qidx].mean(axis=1, keepdims=True)
    df = xt[:, qidx] - xt[:, pidx]
    s = df @ df.T / df.shape[1]
    p0 = np.linalg.inv(np.linalg.cholesky(s))
    y = p0 @ (xt - m)
    val, vec = np.linalg.eigh(y @ y.T)
    order = np.argsort(-val, kind="stable")
    return m.ravel(), vec[:, order].T @ p0


def pcaw(x):
    xt = x.T.astype(np.float64)
    m = xt.mean(axis=1, keepdims=True)
    xc = xt - m
    c = xc @ xc.T
    c = (c + c.T) / (2 * xt.shape[1])
    val, vec = np.linalg.eigh(c)
    order = np.argsort(-val, kind="stable")
    return m.ravel(), np.diag(val[order] ** -0.5) @ vec[:, order].T


def apply(m, p, x, d):
    y = (p[:d] @ (x.astype(np.float64) - m).T).T
    return y / (np.linalg.norm(y, axis=1, keepdims=True) + 1e-6)


def neighbour_sum(a, x, k, alpha, exclude_self):
    a64, x64 = a.astype(np.float64), x.astype(np.float64)
    s = a64 @ x64.T
    out = np.empty_like(a64)
    for i in range(a.shape[0]):
        order = np.argsort(-s[i], kind="stable")
        if exclude_self:
            order = order[order != i]
        top = order[:k]
        w = np.maximum(s[i, top], 0) ** alpha
        v = a64[i] + (w[:, None] * x64[top]).sum(axis=0)
        out[i] = v / np.linalg.norm(v)
    return out


def revisited_metrics(q, db, gnd, kappas=(1, 5, 10)):
    s = q.astype(np.float64) @ db.astype(np.float64).T
    out = {}
    for setup in ("easy", "medium", "hard"):
        aps, prs = [], []
        for i, g in enumerate(gnd):
            easy, hard, junk = list(g["easy"]), list(g["hard"]), list(g["junk"])
            pos_set = {"easy": easy, "medium": easy + hard, "hard": hard}[setup]
            junk_set = {"easy": junk + hard, "medium": junk, "hard": junk + easy}[setup]
            if not pos_set:
                continue
            order = np.argsort(-s[i], kind="stable")
            pos = np.sort(np.nonzero(np.isin(order, pos_set))[0])
            jpos = np.sort(np.nonzero(np.isin(order, junk_set))[0])
            pos = np.array([p - np.sum(jpos < p) for p in pos])
            ap = 0.0
            for j, r in enumerate(pos):
                p0 = 1.0 if r == 0 else j / r
                p1 = (j + 1) / (r + 1)
                ap += (p0 + p1) / 2 / len(pos_set)
            aps.append(ap)
            one_based = pos + 1
            row = []
            for k in kappas:
                kq = min(one_based.max(), k)
                row.append(float((one_based <= kq).sum()) / kq)
            prs.append(row)
        prs = np.array(prs)
        out[setup] = {"mAP": float(np.mean(aps)), "queries": len(aps)}
        for j, k in enumerate(kappas):
            out[setup]["mP@%d" % k] = float(prs[:, j].mean())
    return out


def revisited_fixture(rng):
    centres = unit(rng.standard_normal((12, 16)))
    db_labels = rng.integers(0, 12, 200)
    db = unit(centres[db_labels] + 0.6 * rng.standard_normal((200, 16))).astype(np.float32)
    q_labels = rng.integers(0, 12, 30)
    q = unit(centres[q_labels] + 0.6 * rng.standard_normal((30, 16))).astype(np.float32)
    gnd = []
    for i in range(30):
        same = np.nonzero(db_labels == q_labels[i])[0]
        rng.shuffle(same)
        kinds = rng.integers(0, 3, len(same))
        gnd.append(dict(bbx=[0.0, 0.0, 10.0, 10.0], easy=[int(v) for v in same[kinds == 0]],
                        hard=[int(v) for v in same[kinds == 1]], junk=[int(v) for v in same[kinds == 2]]))
    gnd[3]["easy"] = []
    gnd[3]["hard"] = []
    root = dict(imlist=["db%03d" % i for i in range(200)], qimlist=["q%02d" % i for i in range(30)], gnd=gnd)
    with open(os.path.join(HERE, "gnd_rtest.pkl"), "wb") as f:
        pickle.dump(root, f, protocol=4)
    np.save(os.path.join(HERE, "rtest_q.npy"), q)
    np.save(os.path.join(HERE, "rtest_db.npy"), db)
    with open(os.path.join(HERE, "rtest_metrics.json"), "w") as f:
        json.dump(revisited_metrics(q, db, gnd), f, indent=1)


def main():
    rng = np.random.default_rng(11)
    centres = unit(rng.standard_normal((40, 24)))
    labels = np.repeat(np.arange(40), 10)
    x = unit(centres[labels] + 0.35 * rng.standard_normal((400, 24))).astype(np.float32)
    pairs = []
    while len(pairs) < 150:
        c = rng.integers(0, 40)
        a, b = rng.choice(np.nonzero(labels == c)[0], 2, replace=False)
        pairs.append((a, b))
    pairs = np.array(pairs, dtype=np.int64)
    q = unit(centres[rng.integers(0, 40, 25)] + 0.35 * rng.standard_normal((25, 24))).astype(np.float32)
    save = lambda name, a: np.save(os.path.join(HERE, name + ".npy"), np.ascontiguousarray(a))
    save("X", x)
    save("pairs", pairs)
    save("Q", q)
    m, p = lw(x, pairs[:, 0], pairs[:, 1])
    save("lw_mean", m)
    save("lw_projection", p)
    save("lw16_Q", apply(m, p, q, 16).astype(np.float32))
    m, p = pcaw(x)
    save("pcaw_mean", m)
    save("pcaw_projection", p)
    save("pcaw8_Q", apply(m, p, q, 8).astype(np.float32))
    save("qe_k5_a3", neighbour_sum(q, x, 5, 3.0, False).astype(np.float32))
    xa = neighbour_sum(x, x, 4, 3.0, True).astype(np.float32)
    save("dba_k4_a3", xa)
    save("dba_qe", neighbour_sum(q, xa, 5, 3.0, False).astype(np.float32))
    eq = np.load(os.path.join(HERE, "..", "..", "eval", "q.npy"))
    edb = np.load(os.path.join(HERE, "..", "..", "eval", "db.npy"))
    save("eval_qe_k3_a1", neighbour_sum(eq, edb, 3, 1.0, False).astype(np.float32))
    save("eval_dba_k3_a1", neighbour_sum(edb, edb, 3, 1.0, True).astype(np.float32))
    revisited_fixture(np.random.default_rng(12))
    print("wrote", HERE)


if __name__ == "__main__":
    main()
