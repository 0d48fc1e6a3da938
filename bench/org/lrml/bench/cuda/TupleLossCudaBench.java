package org.lrml.bench.cuda;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backend;
import org.lrml.backend.Storage;
import org.lrml.loss.CompositeLosses;
import org.lrml.backend.LossSpec;
import org.lrml.loss.Tuples;
import org.lrml.backend.DType;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;
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
 * kernels/tupleloss.cu: the fused LRML loss forward + backward at M = 4096 tuples of K = 5 over N = 16384 unit
 * rows of D = 64 (as the CPU's LossBench) and D = 2048, defaults and delta 0.1 / mu 0.5; the call returns the loss
 * (the download of the per-tuple losses synchronises) with dX written. {@code composite} is the twin built from
 * ordinary ops, on CUDA too, for the fusion's win.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class TupleLossCudaBench {
    static final int N = 16384;
    static final int M = 4096;
    static final int K = 5;
    @Param({"64", "2048"})
    public int d;
    @Param({"defaults", "delta0.1-mu0.5"})
    public String params;
    private Backend cuda;
    private Storage x;
    private Storage dx;
    private Tensor xt;
    private Tuples tuples;
    private LossSpec spec;

    @Setup(Level.Trial)
    public void setup() {
        cuda = CudaBenchState.cuda();
        Rng rng = new Rng(3);
        float[] v = new float[N * d];
        for (int i = 0; i < N; i++) {
            double norm = 0;
            for (int j = 0; j < d; j++) {
                v[i * d + j] = (float) rng.nextGaussian();
                norm += (double) v[i * d + j] * v[i * d + j];
            }
            for (int j = 0; j < d; j++) {
                v[i * d + j] = (float) (v[i * d + j] / Math.sqrt(norm));
            }
        }
        try (MemoryScope.Untracked u = MemoryScope.untracked()) {
            x = cuda.upload(v);
            dx = cuda.allocate(DType.F32, (long) N * d);
            xt = Tensor.of(cuda, v, N, d).requiresGrad(true);
        }
        int[] table = new int[M * (2 + K)];
        for (int t = 0; t < M; t++) {
            System.arraycopy(rng.sample(N, 2 + K), 0, table, t * (2 + K), 2 + K);
        }
        tuples = Tuples.of(table, M, K);
        spec = params.equals("defaults") ? LossSpec.lrml() : LossSpec.lrml().withDelta(0.1).withMu(0.5);
        CudaBenchState.perCall("LRML fwd+bwd, M " + M + ", K " + K + ", D " + d + ", N " + N,
                4.0 * M * (2 + K) * d * 2 + 4.0 * N * d * 2, 2.0 * M * (K + 1) * d * 3);
    }

    @Benchmark
    public double fused() {
        return cuda.tupleLoss().lossAndGrad(spec, x, N, d, tuples.table(), M, K, dx);
    }

    @Benchmark
    public double composite() {
        return compositeStep();
    }

    private double compositeStep() {
        try (MemoryScope scope = MemoryScope.open()) {
            xt.setGrad(null);
            Tensor loss = CompositeLosses.apply(xt, tuples, spec);
            loss.backward();
            return loss.item();
        }
    }
}
