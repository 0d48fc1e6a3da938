package org.lrml.bench.cuda;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backend;
import org.lrml.backend.GemmSpec;
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
 * Square SGEMM by provider: builtin (kernels/gemm.cu, default version v2; v1 with -jvmArgsAppend
 * -Dlrml.cuda.kernel.sgemm_f32=1) and cublas (cuBLAS, where this machine has it), in one run: JMH forks a JVM per
 * parameter value and each forces its provider. Restrict with -p provider=builtin.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class GemmCudaBench {
    @Param({"512", "2048", "4096"})
    public int n;
    @Param({"builtin", "cublas"})
    public String provider;
    private Backend cuda;
    private Storage a;
    private Storage b;
    private Storage c;
    private GemmSpec spec;

    @Setup(Level.Trial)
    public void setup() {
        cuda = CudaBenchState.cudaWith("gemm", provider);
        a = CudaBenchState.normal(cuda, 1, n * n);
        b = CudaBenchState.normal(cuda, 2, n * n);
        c = cuda.allocate(DType.F32, (long) n * n);
        spec = GemmSpec.of(false, false, n, n, n);
        CudaBenchState.perCall("sgemm " + n + "^3 (" + ("builtin".equals(provider)
                ? org.lrml.backend.cuda.kernels.GemmKernels.SGEMM.entry() : provider) + ")", 12.0 * n * n, spec.flops());
    }

    @Benchmark
    public void sgemm() {
        cuda.gemm().gemm(spec, a, b, c); cuda.synchronize();
    }
}
