package org.lrml.bench.cuda;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backend;
import org.lrml.backend.PoolGeometry;
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
 * kernels/pool.cu: 2x2 max and average pooling of a batch 64 x 64 channels x 28 x 28 (X elements), forward and
 * backward. Bytes per call: forward and average backward move 5X/4 floats, max backward 9X/4 (it reads x too).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class PoolCudaBench {
    private Backend cuda;
    private PoolGeometry g;
    private Storage x;
    private Storage y;
    private Storage dx;

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        cuda = CudaBenchState.cuda();
        g = new PoolGeometry(64, 64, 28, 28, 2, 2, 2, 2, 0, 0, true);
        x = CudaBenchState.normal(cuda, 1, 64 * 64 * 28 * 28);
        y = CudaBenchState.normal(cuda, 2, 64 * 64 * 14 * 14);
        dx = cuda.allocate(DType.F32, 64L * 64 * 28 * 28);
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        double floats = 64.0 * 64 * (method.equals("maxBackward") ? 2 * 784 + 196 : 784 + 196);
        CudaBenchState.perCall(method + " 2x2 of 64x64x28x28", 4 * floats, 0);
    }

    @Benchmark
    public void maxForward() {
        cuda.pool().maxForward(g, x, y); cuda.synchronize();
    }

    @Benchmark
    public void maxBackward() {
        cuda.pool().maxBackward(g, x, y, dx); cuda.synchronize();
    }

    @Benchmark
    public void avgForward() {
        cuda.pool().avgForward(g, x, y); cuda.synchronize();
    }

    @Benchmark
    public void avgBackward() {
        cuda.pool().avgBackward(g, y, dx); cuda.synchronize();
    }
}
