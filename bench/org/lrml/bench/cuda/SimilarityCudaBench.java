package org.lrml.bench.cuda;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backend;
import org.lrml.backend.GemmSpec;
import org.lrml.backend.RankResult;
import org.lrml.backend.RankSpec;
import org.lrml.backend.Storage;
import org.lrml.backend.cuda.CudaBackend;
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
 * kernels/similarity.cu on the mining shape: Q 2000 x D against a pool G 10000 x D, D = 64 and 2048 (2 * 2000 *
 * 10000 * D FLOP per call). {@code similarity} writes S (80 MB) with similarity_f32; {@code sgemmNT} is the same
 * product by the built-in SGEMM; {@code fusedTop10} ranks without writing S (similarity_topk_f32 + topk_merge_f32;
 * the result download synchronises); {@code blockedTop100} is the path for k > 32 (S blocks + topk_select_f32), and
 * {@code blockedTop10} the same path forced at k = 10, against {@code fusedTop10}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SimilarityCudaBench {
    static final int ROWS = 2000;
    static final int COLS = 10000;
    @Param({"64", "2048"})
    public int d;
    private CudaBackend cuda;
    private Storage q;
    private Storage g;
    private Storage s;
    private GemmSpec nt;

    @Setup(Level.Trial)
    public void setup() {
        Backend b = CudaBenchState.cuda();
        cuda = (CudaBackend) b;
        q = CudaBenchState.normal(cuda, 1, ROWS * d);
        g = CudaBenchState.normal(cuda, 2, COLS * d);
        s = cuda.allocate(DType.F32, (long) ROWS * COLS);
        nt = GemmSpec.of(false, true, ROWS, COLS, d);
        CudaBenchState.perCall("similarity " + ROWS + " x " + COLS + " x " + d + " (S written; the fused ranking reads"
                + " only Q and G)", 4.0 * (ROWS + COLS) * d + 4.0 * ROWS * COLS, 2.0 * ROWS * COLS * d);
    }

    @Benchmark
    public void similarity() {
        cuda.similarity().product(q, g, ROWS, COLS, d, s); cuda.synchronize();
    }

    @Benchmark
    public void sgemmNT() {
        cuda.gemm().gemm(nt, q, g, s); cuda.synchronize();
    }

    @Benchmark
    public RankResult fusedTop10() {
        return cuda.similarity().rank(RankSpec.of(ROWS, COLS, 10, true), q, g, d);
    }

    /** The blocked path at the fused path's k: whether fusing pays, per D. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dlrml.cuda.similarityRank=blocked"})
    public RankResult blockedTop10() {
        return cuda.similarity().rank(RankSpec.of(ROWS, COLS, 10, true), q, g, d);
    }

    @Benchmark
    public RankResult blockedTop100() {
        return cuda.similarity().rank(RankSpec.of(ROWS, COLS, 100, true), q, g, d);
    }
}
