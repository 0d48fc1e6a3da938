#!/usr/bin/python3
"""PyTorch's side of bench/org/lrml/bench/ResNetLayers.java: ResNet-50's convolutions one geometry at a time
(forward, no grad), median of 7 after 3 warm-ups; the threads as the first argument (default 1).

    /usr/bin/python3 bench/peer/resnet_layers.py [threads] [batch] [size]
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import peer_env  # noqa: E402

peer_env.prepare()
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

LAYERS = [(3, 64, 7, 2, 224, 1),
          (64, 64, 1, 1, 56, 1), (64, 64, 3, 1, 56, 3), (64, 256, 1, 1, 56, 4), (256, 64, 1, 1, 56, 2),
          (256, 128, 1, 1, 56, 1), (128, 128, 3, 2, 56, 1), (128, 512, 1, 1, 28, 4), (256, 512, 1, 2, 56, 1),
          (512, 128, 1, 1, 28, 3), (128, 128, 3, 1, 28, 3),
          (512, 256, 1, 1, 28, 1), (256, 256, 3, 2, 28, 1), (256, 1024, 1, 1, 14, 6), (512, 1024, 1, 2, 28, 1),
          (1024, 256, 1, 1, 14, 5), (256, 256, 3, 1, 14, 5),
          (1024, 512, 1, 1, 14, 1), (512, 512, 3, 2, 14, 1), (512, 2048, 1, 1, 7, 3), (1024, 2048, 1, 2, 14, 1),
          (2048, 512, 1, 1, 7, 2), (512, 512, 3, 1, 7, 2)]


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    batch = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 224
    torch.set_num_threads(threads)
    total = flops_total = 0.0
    with torch.no_grad():
        for cin, cout, k, s, side224, times in LAYERS:
            side = side224 * size // 224
            x = torch.randn(batch, cin, side, side)
            w = torch.randn(cout, cin, k, k) * 0.1
            pad = k // 2
            out = (side + 2 * pad - k) // s + 1
            flops = 2.0 * batch * cout * out * out * cin * k * k
            for _ in range(3):
                F.conv2d(x, w, None, s, pad)
            ms = []
            for _ in range(7):
                t0 = time.perf_counter()
                F.conv2d(x, w, None, s, pad)
                ms.append((time.perf_counter() - t0) * 1e3)
            med = sorted(ms)[3]
            total += med * times
            flops_total += flops * times
            print("%4d -> %4d k%d s%d %3dx%-3d x%d  %8.2f ms  %6.1f GFLOP/s" % (cin, cout, k, s, side, side, times, med,
                                                                              flops / med / 1e6))
    print("total conv (weighted): %.1f ms, %.1f GFLOP/s" % (total, flops_total / total / 1e6))


if __name__ == "__main__":
    main()
