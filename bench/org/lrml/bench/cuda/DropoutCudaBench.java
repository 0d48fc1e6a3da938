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

/** kernels/dropout.cu: a dropout mask of 16 Mi elements (one SplitMix64 pair per element). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class DropoutCudaBench {
    private Backend cuda;
    private Storage mask;
    private long seed;

    @Setup(Level.Trial)
    public void setup() {
        cuda = CudaBenchState.cuda();
        mask = cuda.allocate(DType.F32, 1 << 24);
        CudaBenchState.perCall("dropout mask of 2^24", 4.0 * (1 << 24), 0);
    }

    @Benchmark
    public void mask() {
        cuda.dropout().mask(seed++, 0.5, mask); cuda.synchronize();
    }
}
