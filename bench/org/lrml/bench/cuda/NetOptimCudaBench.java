package org.lrml.bench.cuda;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backend;
import org.lrml.bench.fixture.NetOptim;
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
 * One optimiser step over the Fashion-MNIST network's parameters on CUDA ({@link NetOptim}: org.lrml.optim.Adam and
 * Sgd with Nesterov momentum, one launch each): 101,377 parameters, so the launch, not the bandwidth, sets the time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class NetOptimCudaBench {
    private Backend cuda;
    private NetOptim optim;

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        cuda = CudaBenchState.cuda();
        optim = NetOptim.seeded(cuda, 9);
        boolean adam = params.getBenchmark().endsWith(".adam");
        CudaBenchState.perCall((adam ? "adam" : "sgd") + " step over " + optim.parameters() + " parameters",
                adam ? optim.adamBytes() : optim.sgdBytes(), 0);
    }

    @Benchmark
    public void adam() {
        optim.adamStep(); cuda.synchronize();
    }

    @Benchmark
    public void sgd() {
        optim.sgdStep(); cuda.synchronize();
    }
}
