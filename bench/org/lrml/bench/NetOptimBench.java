package org.lrml.bench;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backends;
import org.lrml.bench.fixture.NetOptim;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One optimiser step over the Fashion-MNIST network's parameters ({@link NetOptim}: org.lrml.optim.Adam and Sgd with
 * Nesterov momentum, one backend call each), CPU, float32. Prints the bytes per step (28 per parameter for Adam, 20
 * for SGD with momentum). NnOpsBench times the same kernels over 8.4 M parameters.
 * <pre>bench/run NetOptimBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NetOptimBench {
    private NetOptim optim;

    @Setup
    public void setup(BenchmarkParams params) {
        optim = NetOptim.seeded(Backends.cpu(), 9);
        String method = BenchInfo.method(params);
        BenchInfo.bytes("NetOptimBench." + method + " over " + optim.parameters() + " parameters",
                method.equals("adam") ? optim.adamBytes() : optim.sgdBytes(), Backends.cpu().describe());
    }

    @Benchmark
    public void adam() {
        optim.adamStep();
    }

    @Benchmark
    public void sgd() {
        optim.sgdStep();
    }
}
