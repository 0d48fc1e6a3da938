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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * kernels/layout.cu: a transpose (strided copy), a row gather and a scatter-add with repeated rows, and the same
 * gather and scatter along the last axis (inner 1: the axis kernels' least favourable case).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class LayoutCudaBench {
    @Param({"2048"})
    public int rows;
    @Param({"512"})
    public int cols;
    private Backend cuda;
    private Storage x;
    private Storage y;
    private int[] picks;

    @Setup(Level.Trial)
    public void setup() {
        cuda = CudaBenchState.cuda();
        x = CudaBenchState.normal(cuda, 1, rows * cols);
        y = cuda.allocate(DType.F32, (long) rows * cols);
        picks = new org.lrml.util.Rng(3).permutation(rows);
        for (int i = 0; i < picks.length; i += 2) {
            picks[i] = picks[i] % 64;
        }
        CudaBenchState.perCall("transpose / gather of " + rows + " x " + cols, 8.0 * rows * cols, 0);
    }

    @Benchmark
    public void transpose() {
        cuda.layout().copyStrided(x, 0, new int[]{1, cols}, y, 0, new int[]{rows, 1}, new int[]{cols, rows}); cuda.synchronize();
    }

    @Benchmark
    public void gatherRows() {
        cuda.layout().gatherRows(x, cols, picks, y); cuda.synchronize();
    }

    @Benchmark
    public void scatterAddRows() {
        cuda.layout().scatterAddRows(x, cols, picks, y); cuda.synchronize();
    }

    @Benchmark
    public void gatherLastAxis() {
        cuda.layout().gatherAxis(x, cols, rows, 1, picks, y); cuda.synchronize();
    }

    @Benchmark
    public void scatterAddLastAxis() {
        cuda.layout().scatterAddAxis(x, cols, rows, 1, picks, y); cuda.synchronize();
    }
}
