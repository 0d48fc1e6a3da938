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
 * kernels/softmax.cu: row softmax of a 4096 x 1000 matrix, and softmax over the middle axis of the same data
 * viewed as (4, 1000, 1024) (the channel axis of an NCHW map).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SoftmaxCudaBench {
    private Backend cuda;
    private Storage x;
    private Storage y;

    @Setup(Level.Trial)
    public void setup() {
        cuda = CudaBenchState.cuda();
        x = CudaBenchState.normal(cuda, 1, 4096 * 1000);
        y = cuda.allocate(DType.F32, 4096L * 1000);
        CudaBenchState.perCall("softmax 4096 x 1000 (either form)", 8.0 * 4096 * 1000, 0);
    }

    @Benchmark
    public void softmax() {
        cuda.softmax().softmax(x, 4096, 1000, false, y); cuda.synchronize();
    }

    @Benchmark
    public void softmaxMiddleAxis() {
        cuda.softmax().softmaxAxis(x, 4, 1000, 1024, false, y); cuda.synchronize();
    }
}
