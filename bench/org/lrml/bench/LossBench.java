package org.lrml.bench;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backends;
import org.lrml.loss.CompositeLosses;
import org.lrml.backend.LossSpec;
import org.lrml.loss.TupleLoss;
import org.lrml.loss.Tuples;
import org.lrml.backend.DType;
import org.lrml.tensor.MemoryScope;
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
 * The fused LRML loss against its composite twin, forward + backward, float32: M = 4096 tuples of K = 5
 * negatives over N = 16384 unit descriptors of D = 64 (random rows, so rows are shared by tuples), at the
 * spec's defaults and with delta and mu on.
 *
 * <p>Per call about M (K+1) 6 D = 9.4 MFLOP (dot products, then the gather of dX) and M (K+2) D 4 bytes =
 * 7.3 MB of row reads, plus N D 4 = 4.2 MB of dX written.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class LossBench {
    @Param({"defaults", "delta0.1-mu0.5"})
    String params;

    Tensor x;
    Tuples tuples;
    LossSpec spec;

    @Setup
    public void setup() {
        Rng rng = new Rng(3);
        int n = 16384;
        int d = 64;
        Tensor z = Tensor.randn(Backends.cpu(), DType.F32, rng, 1.0, n, d);
        Tensor norm = z.mul(z).sum(new int[]{1}, true).sqrt();
        x = z.div(norm).detach().requiresGrad(true);
        int m = 4096;
        int k = 5;
        int[] table = new int[m * (2 + k)];
        for (int t = 0; t < m; t++) {
            System.arraycopy(rng.sample(n, 2 + k), 0, table, t * (2 + k), 2 + k);
        }
        tuples = Tuples.of(table, m, k);
        spec = params.equals("defaults") ? LossSpec.lrml() : LossSpec.lrml().withDelta(0.1).withMu(0.5);
        String what = "LossBench M " + m + ", K " + k + ", D " + d + ", N " + n;
        BenchInfo.flops(what, 6.0 * m * (k + 1) * d, Backends.cpu().describe());
        BenchInfo.bytes(what, 4.0 * m * (k + 2) * d + 4.0 * n * d, Backends.cpu().describe());
    }

    @Benchmark
    public double fused() {
        return step(TupleLossKind.FUSED);
    }

    @Benchmark
    public double composite() {
        return step(TupleLossKind.COMPOSITE);
    }

    enum TupleLossKind { FUSED, COMPOSITE }

    /** One training-step's worth: loss, backward into x.grad, intermediates released with the scope. */
    double step(TupleLossKind kind) {
        try (MemoryScope scope = MemoryScope.open()) {
            x.setGrad(null);
            Tensor loss = kind == TupleLossKind.FUSED ? TupleLoss.apply(x, tuples, spec) : CompositeLosses.apply(x, tuples, spec);
            loss.backward();
            return loss.item();
        }
    }
}
