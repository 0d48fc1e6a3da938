#!/usr/bin/python3
"""PyTorch peer of bench/org/lrml/bench/NnOpsBench.java: the same calls, sizes and dtypes (float32, CPU).

Run with Debian's python3-torch:  /usr/bin/python3 bench/peer/torch_nn_ops.py --threads 2
Prints the median milliseconds per call of each benchmark over --repeats timed calls after a warm-up.
"""
import argparse
import statistics
import time

import torch
import torch.nn.functional as F

PARAM_SIZES = [s for i in range(32) for s in (262144, 131 + 7 * i)]


def median_ms(fn, repeats, warmup=5):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=30)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    logits = torch.randn(1024, 1000) * 3.0
    out = torch.empty_like(logits)
    x = torch.ones(1 << 22)
    params = [torch.randn(s) * 0.1 for s in PARAM_SIZES]
    for p in params:
        p.grad = torch.randn(p.shape) * 0.01

    adam = torch.optim.Adam(params, lr=1e-9, weight_decay=1e-6, foreach=False)
    adam_foreach = torch.optim.Adam(params, lr=1e-9, weight_decay=1e-6, foreach=True)
    sgd = torch.optim.SGD(params, lr=1e-9, momentum=0.9, nesterov=True, weight_decay=1e-6, foreach=False)
    sgd_foreach = torch.optim.SGD(params, lr=1e-9, momentum=0.9, nesterov=True, weight_decay=1e-6, foreach=True)
    with torch.no_grad():
        rows = [
            ("softmax", lambda: torch.softmax(logits, -1, out=out)),
            ("logSoftmax", lambda: torch.log_softmax(logits, -1, out=out)),
            ("dropoutMask (bernoulli_ mask, p 0.3)", lambda: torch.empty(1 << 22).bernoulli_(0.7).div_(0.7)),
            ("dropout (F.dropout on 4M ones)", lambda: F.dropout(x, 0.3, True)),
            ("adamStep (single-tensor)", adam.step),
            ("adamStep (foreach)", adam_foreach.step),
            ("sgdMomentumStep nesterov (single-tensor)", sgd.step),
            ("sgdMomentumStep nesterov (foreach)", sgd_foreach.step),
        ]
        print(f"torch {torch.__version__}, {args.threads} threads, median of {args.repeats} calls")
        for name, fn in rows:
            print(f"{name:44s} {median_ms(fn, args.repeats):9.3f} ms")


if __name__ == "__main__":
    main()
