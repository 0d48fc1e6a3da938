package org.lrml.bench.cuda;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backend;
import org.lrml.backend.RankResult;
import org.lrml.backend.RankSpec;
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
 * kernels/topk.cu: top-k per row over 10^8 float32 scores per call (400 MB read once), as 1000 rows of 10^5 or
 * 100 rows of 10^6 columns (the latter cut into segments and merged), k = 5 and 100, and the bottom-k of the same
 * rows. The call returns the result on the host (the download synchronises).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class TopKCudaBench {
    static final long TOTAL = 100_000_000L;
    @Param({"100000", "1000000"})
    public int cols;
    @Param({"5", "100"})
    public int k;
    private Backend cuda;
    private Storage scores;
    private RankSpec spec;
    private RankSpec bottom;

    @Setup(Level.Trial)
    public void setup() {
        cuda = CudaBenchState.cuda();
        int rows = (int) (TOTAL / cols);
        // 10^7 random scores drawn on the host, repeated on the device: rows still differ (the pattern's length
        // is not a multiple of any row's), and setup stays short.
        int pattern = 10_000_019;
        Storage draw = CudaBenchState.normal(cuda, 3, pattern);
        scores = cuda.allocate(DType.F32, TOTAL);
        for (long at = 0; at < TOTAL; at += pattern) {
            cuda.copy(draw, 0, scores, at, Math.min(pattern, TOTAL - at));
        }
        spec = RankSpec.of(rows, cols, k, true);
        bottom = RankSpec.of(rows, cols, k, false);
        CudaBenchState.perCall("top-" + k + " of " + rows + " rows x " + cols, 4.0 * TOTAL + 8.0 * rows * k, 0);
    }

    @Benchmark
    public RankResult topK() {
        return cuda.ranking().rank(spec, scores);
    }

    @Benchmark
    public RankResult bottomK() {
        return cuda.ranking().rank(bottom, scores);
    }
}
