package org.lrml.bench.cuda;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backend;
import org.lrml.backend.ReduceOp;
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

/** kernels/reduce.cu: sum over the last axis (block per output) and over the first axis (thread per output). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ReduceCudaBench {
    @Param({"4096"})
    public int rows;
    @Param({"1024"})
    public int cols;
    private Backend cuda;
    private Storage x;
    private Storage byRow;
    private Storage byCol;
    private int[] shape;

    @Setup(Level.Trial)
    public void setup() {
        cuda = CudaBenchState.cuda();
        x = CudaBenchState.normal(cuda, 1, rows * cols);
        byRow = cuda.allocate(DType.F32, rows);
        byCol = cuda.allocate(DType.F32, cols);
        shape = new int[]{rows, cols};
        CudaBenchState.perCall("sum of a " + rows + " x " + cols + " matrix", 4.0 * rows * cols, (double) rows * cols);
    }

    @Benchmark
    public void sumLastAxis() {
        cuda.reduce().reduce(ReduceOp.SUM, x, shape, new boolean[]{false, true}, byRow); cuda.synchronize();
    }

    @Benchmark
    public void sumFirstAxis() {
        cuda.reduce().reduce(ReduceOp.SUM, x, shape, new boolean[]{true, false}, byCol); cuda.synchronize();
    }
}
