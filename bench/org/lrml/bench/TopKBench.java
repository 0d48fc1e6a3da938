package org.lrml.bench;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backends;
import org.lrml.backend.RankResult;
import org.lrml.mining.Ranking;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Top-k per row on the CPU (bounded heaps, O(m log k)) against a full sort of the same rows (O(m log m), see
 * {@link FullSortTopK}), float32 scores, 4 million scores per call: rows of 10^4, 10^5 and 10^6 columns
 * (400, 40 and 4 rows), k = 5 and 100; and the bottom-k of the same rows (the same heaps, reversed order). Setup
 * checks that the top-k and the full sort give identical indices.
 *
 * <p>Bytes per call: 16 MB of scores read once (GB/s = 0.016 / the score in seconds); results are
 * rows x k x 16 bytes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class TopKBench {
    static final int TOTAL = 4_000_000;

    @Param({"10000", "100000", "1000000"})
    int cols;

    @Param({"5", "100"})
    int k;

    Tensor scores;
    Ranking ranking;
    Ranking bottom;
    int rows;

    @Setup
    public void setup() {
        BenchInfo.bytes("TopKBench scores read", 4.0 * TOTAL, Backends.cpu().describe());
        rows = TOTAL / cols;
        scores = Tensor.randn(Backends.cpu(), DType.F32, new Rng(2), 1.0, rows, cols);
        ranking = Ranking.top(k);
        bottom = Ranking.bottom(k);
        long[] heap = ranking.of(scores).indices();
        long[] sorted = FullSortTopK.top(scores.toFloatArray(), rows, cols, k).indices();
        if (!java.util.Arrays.equals(heap, sorted)) {
            throw new IllegalStateException("top-k and full sort disagree: the comparison would be meaningless");
        }
    }

    @Benchmark
    public RankResult heapTopK() {
        return ranking.of(scores);
    }

    @Benchmark
    public RankResult heapBottomK() {
        return bottom.of(scores);
    }

    @Benchmark
    public RankResult fullSort() {
        return FullSortTopK.top(scores.toFloatArray(), rows, cols, k);
    }
}
