#!/usr/bin/python3
"""Synthetic descriptors of the Fashion-MNIST "seen" protocol's size, for timing 'lrml eval' and its
PyTorch peer on the same files: 10000 queries and 60000 database items, 64-d unit vectors, 10 labels.
Each item is its label's random centre plus noise, so the metrics are neither trivial nor perfect.

  /usr/bin/python3 bench/eval/make_seen_descriptors.py OUT_DIR
writes OUT_DIR/{q,db}.npy (float32) and OUT_DIR/{q,db}_labels.npy (int64).
"""
import os
import sys

import numpy as np


def unit(x):
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(0)
    d, classes = 64, 10
    centres = rng.standard_normal((classes, d))
    for name, n in (("q", 10000), ("db", 60000)):
        labels = rng.integers(0, classes, size=n)
        x = centres[labels] + 1.6 * rng.standard_normal((n, d))
        np.save(os.path.join(out, name + ".npy"), unit(x))
        np.save(os.path.join(out, name + "_labels.npy"), labels.astype(np.int64))


if __name__ == "__main__":
    main()
