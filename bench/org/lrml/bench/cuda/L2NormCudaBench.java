package org.lrml.bench.cuda;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backend;
import org.lrml.bench.fixture.L2NormPass;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * L2 normalisation of rows on CUDA ({@link L2NormPass}: the L2Normalize op, built from the elementwise and reduce
 * kernels), forward alone and forward + backward, 2^22 values: 65536 rows of D = 64 or 2048 rows of D = 2048.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class L2NormCudaBench {
    @Param({"64", "2048"})
    public int d;
    private Backend cuda;
    private L2NormPass pass;

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        cuda = CudaBenchState.cuda();
        pass = new L2NormPass(cuda, 5, (1 << 22) / d, d);
        boolean fwd = params.getBenchmark().endsWith(".forward");
        CudaBenchState.perCall("l2 normalisation " + (fwd ? "forward" : "forward + backward") + ", " + ((1 << 22) / d)
                + " x " + d, fwd ? pass.forwardBytes() : pass.forwardBackwardBytes(), 0);
    }

    @Benchmark
    public void forward() {
        pass.forward(); cuda.synchronize();
    }

    @Benchmark
    public void forwardBackward() {
        pass.forwardBackward(); cuda.synchronize();
    }
}
