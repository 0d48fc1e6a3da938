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

/** kernels/batchnorm.cu: statistics and input gradient of a batch 64 x 64 channels x 28 x 28. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class BatchnormCudaBench {
    private Backend cuda;
    private Storage x;
    private Storage dy;
    private Storage mean;
    private Storage var;
    private Storage gamma;
    private Storage dx;

    @Setup(Level.Trial)
    public void setup() {
        cuda = CudaBenchState.cuda();
        x = CudaBenchState.normal(cuda, 1, 64 * 64 * 784);
        dy = CudaBenchState.normal(cuda, 2, 64 * 64 * 784);
        mean = CudaBenchState.normal(cuda, 3, 64);
        var = CudaBenchState.uniform(cuda, 4, 64, 0.5, 2);
        gamma = CudaBenchState.uniform(cuda, 5, 64, 0.5, 2);
        dx = cuda.allocate(DType.F32, 64L * 64 * 784);
        CudaBenchState.perCall("batch norm of 64x64x784", 8.0 * 64 * 64 * 784, 0);
    }

    @Benchmark
    public void stats() {
        cuda.batchnorm().stats(x, 64, 64, 784, mean, var); cuda.synchronize();
    }

    @Benchmark
    public void backwardInput() {
        cuda.batchnorm().backwardInput(dy, x, mean, var, gamma, mean, var, 64, 64, 784, dx); cuda.synchronize();
    }
}
