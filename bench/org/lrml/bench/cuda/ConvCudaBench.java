package org.lrml.bench.cuda;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backend;
import org.lrml.backend.ConvGeometry;
import org.lrml.backend.Storage;
import org.lrml.backend.DType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The three passes of a 3x3 convolution of a batch 64, 32 -> 64 channels, 28 x 28 (the LRML CNN's middle layer), by
 * provider: builtin (kernels/conv.cu im2col/col2im + SGEMM) and cudnn (cuDNN, where this machine has it), one JMH
 * fork per provider.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ConvCudaBench {
    @Param({"builtin", "cudnn"})
    public String provider;
    private Backend cuda;
    private ConvGeometry g;
    private Storage x;
    private Storage w;
    private Storage y;
    private Storage dx;
    private Storage dw;

    @Setup(Level.Trial)
    public void setup() {
        cuda = CudaBenchState.cudaWith("conv", provider);
        g = new ConvGeometry(64, 32, 28, 28, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        x = CudaBenchState.normal(cuda, 1, 64 * 32 * 28 * 28);
        w = CudaBenchState.normal(cuda, 2, 64 * 32 * 9);
        y = CudaBenchState.normal(cuda, 3, 64 * 64 * 28 * 28);
        dx = cuda.allocate(DType.F32, 64L * 32 * 28 * 28);
        dw = cuda.allocate(DType.F32, 64L * 32 * 9);
        CudaBenchState.perCall("conv2d " + g + " (" + provider + ")", 4.0 * (64 * 32 * 784 + 64 * 64 * 784),
                g.flops());
    }

    @Benchmark
    public void forward() {
        cuda.conv().forward(g, x, w, y); cuda.synchronize();
    }

    @Benchmark
    public void backwardData() {
        cuda.conv().backwardData(g, y, w, dx); cuda.synchronize();
    }

    @Benchmark
    public void backwardFilter() {
        cuda.conv().backwardFilter(g, x, y, dw); cuda.synchronize();
    }
}
