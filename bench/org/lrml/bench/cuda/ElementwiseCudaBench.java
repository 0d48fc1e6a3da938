package org.lrml.bench.cuda;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backend;
import org.lrml.backend.BinaryOp;
import org.lrml.backend.Storage;
import org.lrml.backend.UnaryOp;
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

/** kernels/elementwise.cu: a broadcasting binary op (memory bound: 12 bytes per element) and exp (8 bytes per element). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ElementwiseCudaBench {
    @Param({"1048576", "16777216"})
    public int n;
    private Backend cuda;
    private Storage a;
    private Storage b;
    private Storage out;
    private int[] shape;

    @Setup(Level.Trial)
    public void setup() {
        cuda = CudaBenchState.cuda();
        a = CudaBenchState.normal(cuda, 1, n);
        b = CudaBenchState.normal(cuda, 2, n);
        out = cuda.allocate(DType.F32, n);
        shape = new int[]{n};
        CudaBenchState.perCall("binary ADD of " + n + " floats (exp moves 2/3 of it)", 12.0 * n, n);
    }

    @Benchmark
    public void add() {
        cuda.elementwise().binary(BinaryOp.ADD, a, shape, b, shape, out, shape); cuda.synchronize();
    }

    @Benchmark
    public void exp() {
        cuda.elementwise().unary(UnaryOp.EXP, a, out, 0, 0); cuda.synchronize();
    }
}
