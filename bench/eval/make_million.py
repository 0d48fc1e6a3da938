#!/usr/bin/python3
"""Synthetic descriptors of ROxford5k+R1M's size, for timing 'lrml eval --blocked' and its numpy peer on the same
files: 70 queries, a 4993-image benchmark and 1,000,000 distractors, 2048-d unit vectors, with a revisited-format
ground truth (gnd_roxford5k.pkl: imlist, qimlist, gnd with bbx/easy/hard/junk). Each query's easy and hard
positives are the query plus noise (hard ones noisier); distractors and the other images are random directions.

  /usr/bin/python3 bench/eval/make_million.py OUT_DIR [--distractors 1000000] [--dim 2048] [--float16]

writes OUT_DIR/{q,x}.npy (float32), OUT_DIR/gnd_roxford5k.pkl and OUT_DIR/r1m.npy (float32, or float16 with
--float16 as r1m_f16.npy), the distractors in chunks through a memory map (the float32 file is 8.2 GB).
"""
import argparse
import os
import pickle

import numpy as np


def unit(x):
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--distractors", type=int, default=1_000_000)
    ap.add_argument("--dim", type=int, default=2048)
    ap.add_argument("--images", type=int, default=4993)
    ap.add_argument("--queries", type=int, default=70)
    ap.add_argument("--float16", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(0)
    d = a.dim
    q = unit(rng.standard_normal((a.queries, d), dtype=np.float32))
    x = rng.standard_normal((a.images, d), dtype=np.float32)
    gnd = []
    free = rng.permutation(a.images)
    at = 0
    for i in range(a.queries):
        ne, nh, nj = rng.integers(5, 60, size=3)
        easy, hard, junk = (free[at:at + ne], free[at + ne:at + ne + nh], free[at + ne + nh:at + ne + nh + nj])
        at = (at + ne + nh + nj) % (a.images - 200)
        x[easy] = q[i] * 40 + rng.standard_normal((len(easy), d), dtype=np.float32)
        x[hard] = q[i] * 15 + rng.standard_normal((len(hard), d), dtype=np.float32)
        gnd.append({"bbx": [0.0, 0.0, 100.0, 100.0], "easy": sorted(int(v) for v in easy),
                    "hard": sorted(int(v) for v in hard), "junk": sorted(int(v) for v in junk)})
    np.save(os.path.join(a.out, "q.npy"), q)
    np.save(os.path.join(a.out, "x.npy"), unit(x))
    with open(os.path.join(a.out, "gnd_roxford5k.pkl"), "wb") as f:
        pickle.dump({"imlist": ["img%06d" % i for i in range(a.images)],
                     "qimlist": ["query%03d" % i for i in range(a.queries)], "gnd": gnd}, f, protocol=2)
    dtype = np.float16 if a.float16 else np.float32
    name = "r1m_f16.npy" if a.float16 else "r1m.npy"
    path = os.path.join(a.out, name)
    tmp = path + ".part"
    r1m = np.lib.format.open_memmap(tmp, mode="w+", dtype=dtype, shape=(a.distractors, d))
    chunk = 50_000
    for s in range(0, a.distractors, chunk):
        e = min(a.distractors, s + chunk)
        r1m[s:e] = unit(rng.standard_normal((e - s, d), dtype=np.float32)).astype(dtype)
    r1m.flush()
    del r1m
    os.replace(tmp, path)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
