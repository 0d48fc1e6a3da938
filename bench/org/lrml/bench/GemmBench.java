package org.lrml.bench;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.GemmSpec;
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
 * Square float32 SGEMM C = A B on the CPU backend (the packed Vector API kernel). FLOPs per call = 2 n^3,
 * printed at setup: GFLOP/s = 2 n^3 / (score in ms) / 1e6.
 * <pre>bench/run GemmBench -p n=1024</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(1)
public class GemmBench {
    @Param({"256", "512", "1024", "2048"})
    int n;

    private Backend cpu;
    private GemmSpec spec;
    private Tensor a;
    private Tensor b;
    private Tensor c;

    @Setup
    public void setup() {
        cpu = Backends.cpu();
        Rng rng = new Rng(42);
        a = Tensor.uniform(cpu, DType.F32, rng, -1, 1, n, n);
        b = Tensor.uniform(cpu, DType.F32, rng, -1, 1, n, n);
        c = Tensor.zeros(cpu, DType.F32, n, n);
        spec = GemmSpec.of(false, false, n, n, n);
        BenchInfo.flops("GemmBench n=" + n, spec.flops(), cpu.describe());
    }

    @Benchmark
    public void sgemm() {
        cpu.gemm().gemm(spec, a.storage(), b.storage(), c.storage());
    }
}
