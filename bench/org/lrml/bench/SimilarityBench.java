package org.lrml.bench;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backends;
import org.lrml.backend.RankResult;
import org.lrml.mining.Ranking;
import org.lrml.mining.Similarity;
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
 * Pairwise similarity S = Q G^T on the CPU, float32, Q 2000 x D queries against G 10000 x D (the mining
 * defaults of spec section 2): the full product, and the blocked top-10 ranking that never holds S whole.
 *
 * <p>Work per call: 2 * 2000 * 10000 * D FLOP = 2.56 GFLOP at D = 64 and 81.9 GFLOP at D = 2048 (GFLOP/s =
 * that / the score in seconds). S itself is 2000 x 10000 float32 = 80 MB written by {@code full}; the blocked
 * ranking writes 16 MB blocks and 2000 x 10 results. One warm-up iteration: at D = 2048 a call takes tens of
 * seconds on a 2-core machine with the row-axpy GEMM.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 4)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class SimilarityBench {
    @Param({"64", "2048"})
    int d;

    Tensor q;
    Tensor g;

    @Setup
    public void setup() {
        Rng rng = new Rng(1);
        q = Tensor.randn(Backends.cpu(), DType.F32, rng, 1.0, 2000, d);
        g = Tensor.randn(Backends.cpu(), DType.F32, rng, 1.0, 10000, d);
        BenchInfo.flops("SimilarityBench 2000 x 10000 x " + d, 2.0 * 2000 * 10000 * d, Backends.cpu().describe());
    }

    @Benchmark
    public Tensor full() {
        return Similarity.apply(q, g);
    }

    @Benchmark
    public RankResult blockedTop10() {
        return Ranking.top(10).similarity(q, g);
    }
}
