package org.lrml.bench;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.ConvGeometry;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The three convolutions of the benchmark CNN (batch 64, 3x3, padding 1) on the CPU backend, float32:
 * conv1 1->32 at 28x28, conv2 32->64 at 14x14, conv3 64->128 at 7x7. Forward, backward data and backward
 * filter each cost the printed FLOPs per call.
 * <pre>bench/run ConvBench -p layer=conv2</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(1)
public class ConvBench {
    @Param({"conv1", "conv2", "conv3"})
    String layer;

    private Backend cpu;
    private ConvGeometry g;
    private Tensor x;
    private Tensor w;
    private Tensor y;
    private Tensor dy;
    private Tensor dx;
    private Tensor dw;

    @Setup
    public void setup() {
        cpu = Backends.cpu();
        g = switch (layer) {
            case "conv1" -> new ConvGeometry(64, 1, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1);
            case "conv2" -> new ConvGeometry(64, 32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1);
            case "conv3" -> new ConvGeometry(64, 64, 7, 7, 128, 3, 3, 1, 1, 1, 1, 1, 1, 1);
            default -> throw new IllegalArgumentException("layer must be conv1, conv2 or conv3, got " + layer);
        };
        Rng rng = new Rng(7);
        x = Tensor.randn(cpu, DType.F32, rng, 1, g.xShape());
        w = Tensor.randn(cpu, DType.F32, rng, 0.1, g.wShape());
        dy = Tensor.randn(cpu, DType.F32, rng, 1, g.yShape());
        y = Tensor.zeros(cpu, DType.F32, g.yShape());
        dx = Tensor.zeros(cpu, DType.F32, g.xShape());
        dw = Tensor.zeros(cpu, DType.F32, g.wShape());
        BenchInfo.flops("ConvBench " + layer + " " + g, g.flops(), cpu.describe());
    }

    @Benchmark
    public void forward() {
        cpu.conv().forward(g, x.storage(), w.storage(), y.storage());
    }

    @Benchmark
    public void backwardData() {
        cpu.conv().backwardData(g, dy.storage(), w.storage(), dx.storage());
    }

    @Benchmark
    public void backwardFilter() {
        cpu.conv().backwardFilter(g, x.storage(), dy.storage(), dw.storage());
    }
}
