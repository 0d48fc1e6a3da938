package org.lrml.bench.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backend;
import org.lrml.backend.Storage;
import org.lrml.backend.DType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * kernels/optim.cu: one Adam step, and one SGD step with Nesterov momentum, over 20 tensors of 1 Ki to 4 Mi elements
 * (about 8.5 M parameters) in one launch. Bytes per parameter: Adam reads p, g, m, v and writes p, m, v (28); SGD reads
 * p, g, v and writes p, v (20).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class OptimCudaBench {
    private Backend cuda;
    private List<Storage> p;
    private List<Storage> g;
    private List<Storage> m;
    private List<Storage> v;
    private double[] lr;
    private double[] wd;
    private long t;

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        cuda = CudaBenchState.cuda();
        p = new ArrayList<>();
        g = new ArrayList<>();
        m = new ArrayList<>();
        v = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < 20; i++) {
            int n = 1024 << (i % 13);
            total += n;
            p.add(CudaBenchState.normal(cuda, i, n));
            g.add(CudaBenchState.normal(cuda, 100 + i, n));
            m.add(CudaBenchState.normal(cuda, 200 + i, n));
            v.add(CudaBenchState.uniform(cuda, 300 + i, n, 0.1, 1));
        }
        lr = new double[20];
        wd = new double[20];
        java.util.Arrays.fill(lr, 1e-3);
        java.util.Arrays.fill(wd, 1e-4);
        boolean adam = params.getBenchmark().endsWith(".adam");
        CudaBenchState.perCall((adam ? "adam" : "sgd") + " step over " + total + " parameters", (adam ? 28.0 : 20.0) * total,
                0);
    }

    @Benchmark
    public void adam() {
        cuda.optim().adam(p, g, m, v, lr, wd, 0.9, 0.999, 1e-8, true, ++t); cuda.synchronize();
    }

    @Benchmark
    public void sgd() {
        cuda.optim().sgd(p, g, m, lr, wd, 0.9, 0.0, true, false); cuda.synchronize();
    }
}
