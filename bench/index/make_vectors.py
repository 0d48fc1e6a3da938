#!/usr/bin/python3
"""Random unit vectors for bench/index/run.sh: DIR/x.npy (database, n x d) and DIR/q.npy (queries), float32, seeded.
Random directions are the hard case for a graph index (no clusters to follow), so recall here is a floor.

  /usr/bin/python3 bench/index/make_vectors.py DIR [--n 100000] [--queries 1000] [--dim 256]
"""
import argparse
import os

import numpy as np


def unit(rng, n, d):
    x = rng.standard_normal((n, d), dtype=np.float32)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--dim", type=int, default=256)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    np.save(os.path.join(a.dir, "x.npy"), unit(np.random.default_rng(0), a.n, a.dim))
    np.save(os.path.join(a.dir, "q.npy"), unit(np.random.default_rng(1), a.queries, a.dim))


if __name__ == "__main__":
    main()
