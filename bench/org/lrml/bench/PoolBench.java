package org.lrml.bench;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.PoolGeometry;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * 2x2 stride-2 max and average pooling of the benchmark CNN, forward and backward, CPU backend, float32: pool1 on
 * 64 x 32 x 28 x 28 and pool2 on 64 x 64 x 14 x 14 (X elements in, X/4 out). Bytes per call that cannot be avoided:
 * forward reads x and writes y, 5X/4 floats; max backward reads x and dy and writes dx, 9X/4; average backward reads
 * dy and writes dx, 5X/4.
 * <pre>bench/run PoolBench -p layer=pool1</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PoolBench {
    @Param({"pool1", "pool2"})
    String layer;

    private Backend cpu;
    private PoolGeometry g;
    private Tensor x;
    private Tensor y;
    private Tensor dy;
    private Tensor dx;

    @Setup
    public void setup(BenchmarkParams params) {
        cpu = Backends.cpu();
        g = switch (layer) {
            case "pool1" -> new PoolGeometry(64, 32, 28, 28, 2, 2, 2, 2, 0, 0, true);
            case "pool2" -> new PoolGeometry(64, 64, 14, 14, 2, 2, 2, 2, 0, 0, true);
            default -> throw new IllegalArgumentException("layer must be pool1 or pool2, got " + layer);
        };
        Rng rng = new Rng(11);
        x = Tensor.randn(cpu, DType.F32, rng, 1, g.xShape());
        dy = Tensor.randn(cpu, DType.F32, rng, 1, g.yShape());
        y = Tensor.zeros(cpu, DType.F32, g.yShape());
        dx = Tensor.zeros(cpu, DType.F32, g.xShape());
        String method = BenchInfo.method(params);
        double floats = x.numel() * (method.equals("maxBackward") ? 9 / 4.0 : 5 / 4.0);
        BenchInfo.bytes("PoolBench." + method + " " + layer, 4 * floats, cpu.describe());
    }

    @Benchmark
    public void maxForward() {
        cpu.pool().maxForward(g, x.storage(), y.storage());
    }

    @Benchmark
    public void maxBackward() {
        cpu.pool().maxBackward(g, x.storage(), dy.storage(), dx.storage());
    }

    @Benchmark
    public void avgForward() {
        cpu.pool().avgForward(g, x.storage(), y.storage());
    }

    @Benchmark
    public void avgBackward() {
        cpu.pool().avgBackward(g, dy.storage(), dx.storage());
    }
}
