package org.lrml.bench;

import java.util.Locale;

import org.lrml.autograd.NoGrad;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.ops.Conv2d;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * ResNet-50's convolutions one geometry at a time (forward, inference): where a landmark trunk spends its time.
 * Prints per geometry the median time, GFLOP/s and how many times ResNet-50 runs it, and the weighted total.
 * <pre>
 * java -cp "$(bench/classpath.sh)" --add-modules jdk.incubator.vector -Dlrml.cpu.threads=1 org.lrml.bench.ResNetLayers [batch] [size]
 * </pre>
 * bench/peer/resnet_layers.py prints the same table for PyTorch.
 */
public final class ResNetLayers {
    /** in, out, kernel, stride, input side at 224, times in ResNet-50. */
    public static final int[][] LAYERS = {
            {3, 64, 7, 2, 224, 1},
            {64, 64, 1, 1, 56, 1}, {64, 64, 3, 1, 56, 3}, {64, 256, 1, 1, 56, 4}, {256, 64, 1, 1, 56, 2},
            {256, 128, 1, 1, 56, 1}, {128, 128, 3, 2, 56, 1}, {128, 512, 1, 1, 28, 4}, {256, 512, 1, 2, 56, 1},
            {512, 128, 1, 1, 28, 3}, {128, 128, 3, 1, 28, 3},
            {512, 256, 1, 1, 28, 1}, {256, 256, 3, 2, 28, 1}, {256, 1024, 1, 1, 14, 6}, {512, 1024, 1, 2, 28, 1},
            {1024, 256, 1, 1, 14, 5}, {256, 256, 3, 1, 14, 5},
            {1024, 512, 1, 1, 14, 1}, {512, 512, 3, 2, 14, 1}, {512, 2048, 1, 1, 7, 3}, {1024, 2048, 1, 2, 14, 1},
            {2048, 512, 1, 1, 7, 2}, {512, 512, 3, 1, 7, 2}};

    private ResNetLayers() {
    }

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 224;
        // Every geometry twice first: the Vector API kernels need a few seconds of C2 compilation, which a per-layer
        // warm-up of a few calls would otherwise charge to the first layers.
        for (int round = 0; round < 2; round++) {
            measure(batch, size, false);
        }
        measure(batch, size, true);
    }

    private static void measure(int batch, int size, boolean print) {
        double total = 0;
        double flopsTotal = 0;
        Rng rng = new Rng(1);
        for (int[] l : LAYERS) {
            int side = l[4] * size / 224;
            Tensor x = Tensor.randn(Backends.cpu(), DType.F32, rng, 1.0, batch, l[0], side, side);
            Tensor w = Tensor.randn(Backends.cpu(), DType.F32, rng, 0.1, l[1], l[0], l[2], l[2]);
            int pad = l[2] / 2;
            int out = (side + 2 * pad - l[2]) / l[3] + 1;
            double flops = 2.0 * batch * l[1] * out * out * l[0] * l[2] * l[2];
            double[] ms = new double[7];
            try (NoGrad ng = NoGrad.enter()) {
                for (int i = 0; i < 3; i++) {
                    try (MemoryScope s = MemoryScope.open()) {
                        Conv2d.apply(x, w, null, l[3], pad, 1, 1);
                    }
                }
                for (int i = 0; i < ms.length; i++) {
                    long t0 = System.nanoTime();
                    try (MemoryScope s = MemoryScope.open()) {
                        Conv2d.apply(x, w, null, l[3], pad, 1, 1);
                    }
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            java.util.Arrays.sort(ms);
            double med = ms[ms.length / 2];
            total += med * l[5];
            flopsTotal += flops * l[5];
            if (!print) {
                continue;
            }
            System.out.printf(Locale.ROOT, "%4d -> %4d k%d s%d %3dx%-3d x%d  %8.2f ms  %6.1f GFLOP/s%n", l[0], l[1], l[2],
                    l[3], side, side, l[5], med, flops / med / 1e6);
        }
        if (print) {
            System.out.printf(Locale.ROOT, "total conv (weighted): %.1f ms, %.1f GFLOP/s%n", total,
                    flopsTotal / total / 1e6);
        }
    }
}
