package org.lrml.bench.cuda;

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

/**
 * The fixed cost of the CUDA path from Java: one launch of a one-element kernel plus a synchronize (the floor
 * of every small op), Backend.synchronize alone on an idle stream, and a launch without waiting (what queuing
 * one kernel costs the host thread; the sync after each batch of calls is amortised by JMH's iteration).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LaunchCostCudaBench {
    private Backend cuda;
    private Storage one;

    @Setup(Level.Trial)
    public void setup() {
        cuda = CudaBenchState.cuda();
        one = cuda.allocate(DType.F32, 1);
        CudaBenchState.perCall("one fill_f32 launch of 1 element", 4, 0);
    }

    @Benchmark
    public void launchAndSynchronize() {
        cuda.fill(one, 1.0);
        cuda.synchronize();
    }

    @Benchmark
    public void synchronizeIdle() {
        cuda.synchronize();
    }

    @Benchmark
    public void launchOnly() {
        cuda.fill(one, 2.0);
    }
}
