#!/usr/bin/python3
"""CPU peers for lrml's benchmarks, timed the same way: SGEMM through numpy and PyTorch (Debian's
OpenBLAS), and one training step (forward + backward) of the benchmark CNN in PyTorch.

    /usr/bin/python3 bench/peer_cpu.py [--threads 2] [--reps 30] [--json out.json]

Prints one line per measurement and, with --json, writes {"name": {"unit": ..., "samples": [...]}}:
SGEMM samples are GFLOP/s per call, the CNN step samples milliseconds per step. OpenBLAS reads
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE when it loads; peer_env.py restarts the script without them (and with
glibc keeping freed memory) so that the peer runs at its best.
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_env  # noqa: E402  (first: it may restart the script with the environment the peer needs)

peer_env.prepare()

import numpy as np  # noqa: E402  (after the restart above, so OpenBLAS loads without the pins)
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402


def samples(fn, reps, warmup):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def cnn():
    """Twin of bench/org/lrml/bench/CnnStep.java."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3, padding=1), nn.BatchNorm2d(128), nn.ReLU(), nn.AdaptiveAvgPool2d(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=30, help="timed repetitions of each measurement")
    ap.add_argument("--only", choices=["sgemm", "cnn"], help="run one group only")
    ap.add_argument("--json", help="write the samples here")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    results = {}

    if args.only in (None, "sgemm"):
        for n in (1024, 2048):
            a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
            b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
            ta, tb = torch.from_numpy(a), torch.from_numpy(b)
            reps = max(5, args.reps // (1 if n == 1024 else 3))
            flop = 2.0 * n ** 3
            for name, fn in ((f"sgemm_numpy_{n}", lambda: a @ b), (f"sgemm_torch_{n}", lambda: ta @ tb)):
                results[name] = {"unit": "GFLOP/s", "samples": [flop / t / 1e9 for t in samples(fn, reps, 3)]}

    if args.only in (None, "cnn"):
        net = cnn()
        x = torch.randn(64, 1, 28, 28)

        def step():
            for p in net.parameters():
                p.grad = None
            net(x).sum().backward()

        results["cnn_step_torch"] = {"unit": "ms", "samples": [1e3 * t for t in samples(step, args.reps, 10)]}

    for name, r in results.items():
        print(f"{name:20s} median {statistics.median(r['samples']):9.2f} {r['unit']}  ({len(r['samples'])} samples,"
              f" torch {torch.__version__}, numpy {np.__version__}, {args.threads} threads)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f)


if __name__ == "__main__":
    main()
