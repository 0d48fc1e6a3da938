package org.lrml.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;

import org.junit.jupiter.api.Test;
import org.lrml.backend.Backends;
import org.lrml.backend.cpu.CpuParallel;
import org.lrml.backend.DType;
import org.lrml.backend.LossKind;
import org.lrml.backend.LossSpec;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;
import org.lrml.util.Tolerance;

/**
 * The fused tuple losses: against a straight-loop reference of spec sections 3 and 5, against their
 * composite twins (1e-10 relative in double, loss and dX), float32 against float64, and bit-for-bit
 * repeatability.
 */
class TupleLossTest {

    /** Random unit rows (scaled by {@code scale}: the loss uses rows as given). */
    static double[] rows(Rng rng, int n, int d, double scale) {
        double[] x = new double[n * d];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int j = 0; j < d; j++) {
                x[i * d + j] = rng.nextGaussian();
                norm += x[i * d + j] * x[i * d + j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < d; j++) {
                x[i * d + j] *= scale / norm;
            }
        }
        return x;
    }

    /** M tuples of random rows; members may repeat when {@code repeats}, else each tuple has distinct rows. */
    static Tuples tuples(Rng rng, int n, int m, int k, boolean repeats) {
        int[] table = new int[m * (2 + k)];
        for (int t = 0; t < m; t++) {
            if (repeats || n < 2 + k) {
                for (int c = 0; c < 2 + k; c++) {
                    table[t * (2 + k) + c] = rng.nextInt(n);
                }
            } else {
                System.arraycopy(rng.sample(n, 2 + k), 0, table, t * (2 + k), 2 + k);
            }
        }
        return Tuples.of(table, m, k);
    }

    // ------------------------------------------------------------------ straight-loop reference

    /** The spec's formulas, one tuple at a time, written directly (no shared code with the kernel). */
    static double reference(LossSpec spec, double[] x, int d, Tuples tuples) {
        double total = 0;
        for (int t = 0; t < tuples.m(); t++) {
            int q = tuples.query(t);
            double dp = distance(dot(x, d, q, tuples.positive(t)));
            int k = tuples.k();
            Integer[] negs = new Integer[k];
            double[] s = new double[k];
            for (int i = 0; i < k; i++) {
                negs[i] = i;
                s[i] = dot(x, d, q, tuples.negative(t, i));
            }
            final int tt = t;
            Arrays.sort(negs, Comparator.<Integer>comparingDouble(i -> -s[i])
                    .thenComparingInt(i -> tuples.negative(tt, i)));
            double loss;
            switch (spec.kind()) {
                case LRML -> {
                    double[] dist = new double[k];
                    double[] w = new double[k];
                    double sumW = 0;
                    for (int r = 0; r < k; r++) {
                        dist[r] = distance(s[negs[r]]);
                        double ar = spec.alpha() + r * spec.delta();
                        w[r] = dist[r] < ar ? Math.exp(spec.temperature() * (ar - dist[r])) : 0;
                        sumW += w[r];
                    }
                    double lneg = 0;
                    for (int r = 0; r < k; r++) {
                        double ar = spec.alpha() + r * spec.delta();
                        lneg += (sumW > 0 ? w[r] / sumW : 0) * Math.max(0, ar - dist[r]);
                    }
                    double lorder = 0;
                    for (int r = 0; r + 1 < k; r++) {
                        lorder += Math.max(0, dist[r] - dist[r + 1] + spec.orderEps());
                    }
                    loss = Math.max(0, dp - (spec.alpha() - spec.margin())) + spec.lambda() * lneg + spec.mu() * lorder;
                }
                case CONTRASTIVE -> {
                    loss = 0.5 * dp * dp;
                    for (int i = 0; i < k; i++) {
                        double h = Math.max(0, spec.margin() - distance(s[i]));
                        loss += 0.5 * h * h;
                    }
                }
                case TRIPLET -> {
                    double sum = 0;
                    for (int i = 0; i < k; i++) {
                        sum += Math.max(0, dp - distance(s[i]) + spec.margin());
                    }
                    loss = sum / k;
                }
                default -> throw new IllegalStateException();
            }
            total += loss;
        }
        return total / tuples.m();
    }

    static double dot(double[] x, int d, int a, int b) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            s += x[a * d + j] * x[b * d + j];
        }
        return s;
    }

    static double distance(double s) {
        return Math.sqrt(Math.max(2 - 2 * s, 1e-12));
    }

    static LossSpec randomSpec(Rng rng, LossKind kind) {
        return switch (kind) {
            case LRML -> new LossSpec(LossKind.LRML, 0.8 + 0.7 * rng.nextDouble(), 0.6 * rng.nextDouble(),
                    new double[]{0, 1, 10, 30}[rng.nextInt(4)], 0.5 + 1.5 * rng.nextDouble(),
                    new double[]{0, 0.05, 0.2}[rng.nextInt(3)], new double[]{0, 0.3, 1}[rng.nextInt(3)],
                    0.2 * rng.nextDouble());
            case CONTRASTIVE -> LossSpec.contrastive(0.3 + 0.9 * rng.nextDouble());
            case TRIPLET -> LossSpec.triplet(0.4 * rng.nextDouble());
        };
    }

    @Test
    void lossMatchesTheStraightLoopReference() {
        Rng rng = new Rng(1);
        LossSpec[] specs = {LossSpec.lrml(), LossSpec.lrml().withDelta(0.1), LossSpec.lrml().withMu(0.5).withOrderEps(0.3),
                LossSpec.lrml().withDelta(0.15).withMu(1).withTemperature(3).withLambda(2), LossSpec.contrastive(0.7),
                LossSpec.contrastive(1.3), LossSpec.triplet(0.1), LossSpec.triplet(0.5)};
        for (LossSpec spec : specs) {
            double sum = 0;
            for (int trial = 0; trial < 5; trial++) {
                int n = 7 + trial;
                int d = 3 + trial;
                double[] x = rows(rng, n, d, 1.0);
                Tuples t = tuples(rng, n, 1 + trial, 1 + trial, false);
                double fused = TupleLoss.compute(Tensor.of(Backends.cpu(), x, n, d), t, spec, false).loss();
                double ref = reference(spec, x, d, t);
                sum += ref;
                assertTrue(Tolerance.F64.accepts(ref, fused), spec + " trial " + trial + ": reference " + ref + ", fused " + fused);
            }
            assertTrue(sum > 0, "all-zero losses would prove little: " + spec);
        }
    }

    @Test
    void aHandWorkedTuple() {
        // D = 2, q = (1, 0), p at 60 degrees (s = 0.5, d = 1), negatives at 45 and 90 degrees.
        double c = Math.sqrt(0.5);
        double[] x = {1, 0, 0.5, Math.sqrt(0.75), c, c, 0, 1};
        Tuples t = Tuples.of(new int[]{0, 1, 2, 3}, 1, 2);
        double d45 = Math.sqrt(2 - 2 * c);
        double d90 = Math.sqrt(2);
        // L_pos = [1 - 0.8]_+ = 0.2; only the 45-degree negative violates (d45 = 0.765 < 1.2), so wn = 1.
        double expected = 0.2 + (1.2 - d45);
        assertEquals(expected, TupleLoss.compute(Tensor.of(Backends.cpu(), x, 4, 2), t, LossSpec.lrml(), false).loss(), 1e-15);
        // mu = 1, eps_o = 0.05: the pair (d45, d90) has d45 - d90 + 0.05 < 0, no order term; delta 0.7 makes
        // alpha_2 = 1.9 > d90, so both violate and wn = softmax(T (alpha_r - d_r)).
        LossSpec spec = LossSpec.lrml().withDelta(0.7).withMu(1);
        double w1 = Math.exp(10 * (1.2 - d45));
        double w2 = Math.exp(10 * (1.9 - d90));
        double expected2 = 0.2 + (w1 * (1.2 - d45) + w2 * (1.9 - d90)) / (w1 + w2);
        assertEquals(expected2, TupleLoss.compute(Tensor.of(Backends.cpu(), x, 4, 2), t, spec, false).loss(), 1e-14);
    }

    // ------------------------------------------------------------------ fused against composite

    @Test
    void fusedEqualsCompositeInDouble() {
        Rng rng = new Rng(2);
        Tolerance tol = Tolerance.F64;
        for (int trial = 0; trial < 60; trial++) {
            LossKind kind = LossKind.values()[trial % 3];
            LossSpec spec = randomSpec(rng, kind);
            int n = 3 + rng.nextInt(40);
            int d = 1 + rng.nextInt(17);
            int m = 1 + rng.nextInt(30);
            int k = 1 + rng.nextInt(7);
            double scale = trial % 4 == 3 ? 0.9 : 1.0;
            Tensor x = Tensor.of(Backends.cpu(), rows(rng, n, d, scale), n, d);
            Tuples t = tuples(rng, n, m, k, trial % 5 == 4);
            String what = "trial " + trial + " " + spec + " N=" + n + " D=" + d + " M=" + m + " K=" + k;

            TupleLoss.Result fused = TupleLoss.compute(x, t, spec, true);
            Tensor xc = x.copy().requiresGrad(true);
            Tensor composite = CompositeLosses.apply(xc, t, spec);
            composite.backward();

            assertTrue(tol.accepts(composite.item(), fused.loss()), what + ": composite loss " + composite.item()
                    + ", fused " + fused.loss());
            String msg = tol.compare("dX " + what, x.shape(), xc.grad().toDoubleArray(), fused.grad().toDoubleArray(), true);
            assertTrue(msg == null, msg);
        }
    }

    @Test
    void compositeAndFusedAgreeAtDefaultsOnALargerBatch() {
        Rng rng = new Rng(3);
        int n = 301;
        int d = 33;
        Tensor x = Tensor.of(Backends.cpu(), rows(rng, n, d, 1.0), n, d);
        Tuples t = tuples(rng, n, 257, 5, false);
        for (LossKind kind : LossKind.values()) {
            LossSpec spec = LossSpec.defaults(kind);
            TupleLoss.Result fused = TupleLoss.compute(x, t, spec, true);
            Tensor xc = x.copy().requiresGrad(true);
            CompositeLosses.apply(xc, t, spec).backward();
            Tolerance.F64.check("dX " + spec, x.shape(), xc.grad().toDoubleArray(), fused.grad().toDoubleArray());
        }
    }

    @Test
    void compositeInFloat32HasNoNaNWhereNothingViolates() {
        // Two tuples: the first has no violating negative (its wn row sums to 0), the second has one.
        double[] x = {1, 0, 0.8, 0.6, -1, 0, 0, -1, 0.6, 0.8};
        Tuples t = Tuples.of(new int[]{0, 1, 2, 3, 1, 4, 0, 3}, 2, 2);
        Tensor x32 = Tensor.of(Backends.cpu(), x, 5, 2).to(DType.F32).requiresGrad(true);
        Tensor composite = CompositeLosses.apply(x32, t, LossSpec.lrml());
        composite.backward();
        TupleLoss.Result fused = TupleLoss.compute(Tensor.of(Backends.cpu(), x, 5, 2), t, LossSpec.lrml(), true);
        assertTrue(Tolerance.F32.accepts(fused.loss(), composite.item()), "float32 composite loss " + composite.item()
                + " versus the fused " + fused.loss());
        Tolerance.F32.check("float32 composite dX", new int[]{5, 2}, fused.grad().toDoubleArray(),
                x32.grad().toDoubleArray());
    }

    // ------------------------------------------------------------------ dtypes, autograd, validation

    @Test
    void float32InputIsComputedInDoubleAndRoundedOnce() {
        Rng rng = new Rng(4);
        int n = 57;
        int d = 19;
        double[] xd = rows(rng, n, d, 1.0);
        float[] xf = new float[xd.length];
        double[] widened = new double[xd.length];
        for (int i = 0; i < xd.length; i++) {
            xf[i] = (float) xd[i];
            widened[i] = xf[i];
        }
        Tuples t = tuples(rng, n, 41, 5, false);
        for (LossKind kind : LossKind.values()) {
            LossSpec spec = LossSpec.defaults(kind).withMargin(kind == LossKind.LRML ? 0.4 : 0.5);
            TupleLoss.Result f32 = TupleLoss.compute(Tensor.of(Backends.cpu(), xf, n, d), t, spec, true);
            TupleLoss.Result f64 = TupleLoss.compute(Tensor.of(Backends.cpu(), widened, n, d), t, spec, true);
            assertEquals(f64.loss(), f32.loss(), 0.0, spec + ": same double math on the same values");
            assertEquals(DType.F32, f32.grad().dtype());
            double[] g64 = f64.grad().toDoubleArray();
            float[] rounded = new float[g64.length];
            for (int i = 0; i < g64.length; i++) {
                rounded[i] = (float) g64[i];
            }
            assertArrayEquals(rounded, f32.grad().toFloatArray(), spec + ": dX rounded once from the double sum");
        }
    }

    @Test
    void gradientFlowsThroughWhatMadeX() {
        Rng rng = new Rng(5);
        int n = 12;
        int d = 5;
        Tensor z = Tensor.of(Backends.cpu(), rows(rng, n, d, 0.5), n, d).requiresGrad(true);
        Tuples t = tuples(rng, n, 9, 3, false);
        Tensor x = z.mul(2.0);
        TupleLoss.apply(x, t, LossSpec.lrml()).mul(3.0).backward();
        double[] dx = TupleLoss.compute(x.detach(), t, LossSpec.lrml(), true).grad().toDoubleArray();
        double[] dz = z.grad().toDoubleArray();
        for (int i = 0; i < dz.length; i++) {
            assertEquals(6 * dx[i], dz[i], 0.0, "element " + i);
        }
    }

    @Test
    void rowsNoTupleTouchesGetZeroAndOthersDoNot() {
        Rng rng = new Rng(6);
        int n = 20;
        int d = 4;
        double[] x = rows(rng, n, d, 1.0);
        // Rows 0..9 only, each in some tuple; margin 2.5 exceeds every distance, so every negative is active.
        int[] table = new int[6 * 5];
        for (int i = 0; i < table.length; i++) {
            table[i] = i % 10;
        }
        Tuples t = Tuples.of(table, 6, 3);
        double[] g = TupleLoss.compute(Tensor.of(Backends.cpu(), x, n, d), t, LossSpec.contrastive(2.5), true)
                .grad().toDoubleArray();
        for (int r = 0; r < n; r++) {
            double norm = 0;
            for (int j = 0; j < d; j++) {
                norm += Math.abs(g[r * d + j]);
            }
            assertEquals(r >= 10, norm == 0, "row " + r + " gradient norm " + norm);
        }
    }

    @Test
    void malformedTuplesAreClearErrors() {
        Tensor x = Tensor.of(Backends.cpu(), new double[12], 4, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TupleLoss.compute(x, Tuples.of(new int[]{0, 1, 2, 3, 1, 2, 9, 0}, 2, 2), LossSpec.lrml(), true));
        assertTrue(e.getMessage().contains("tuple row 1") && e.getMessage().contains("holds 9")
                && e.getMessage().contains("n_1"), e.getMessage());
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class,
                () -> TupleLoss.compute(x, Tuples.of(new int[]{0, -1, 2}, 1, 1), LossSpec.lrml(), true));
        assertTrue(neg.getMessage().contains("column 1 (p) holds -1"), neg.getMessage());
        IllegalArgumentException k0 = assertThrows(IllegalArgumentException.class, () -> Tuples.of(new int[]{0, 1}, 1, 0));
        assertTrue(k0.getMessage().contains("K must be at least 1"), k0.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> TupleLoss.compute(x, Tuples.of(new int[0], 0, 2), LossSpec.lrml(), true));
        assertTrue(empty.getMessage().contains("no tuples"), empty.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> TupleLoss.compute(Tensor.of(Backends.cpu(), new double[12], 12), Tuples.of(new int[]{0, 1, 2}, 1, 1),
                        LossSpec.lrml(), true));
        assertTrue(shape.getMessage().contains("N x D"), shape.getMessage());
        // The backend validates too: it is the seam every caller (and the CUDA port) goes through.
        IllegalArgumentException seam = assertThrows(IllegalArgumentException.class,
                () -> Backends.cpu().tupleLoss().lossAndGrad(LossSpec.lrml(), x.storage(), 4, 3, new int[]{0, 1, 4}, 1, 1, null));
        assertTrue(seam.getMessage().contains("tuple row 0, column 2 (n_1) holds 4"), seam.getMessage());
    }

    // ------------------------------------------------------------------ repeatability

    @Test
    void bitForBitAcrossRunsAndThreadCounts() {
        String first = DeterminismProbe.digest();
        assertEquals(first, DeterminismProbe.digest(), "a second run in the same JVM");
        // Inside a worker every parallel loop runs inline: the one-thread result.
        String[] inline = new String[1];
        CpuParallel.forChunks(2, c -> {
            if (c == 0) {
                inline[0] = DeterminismProbe.digest();
            }
        });
        assertEquals(first, inline[0], "one thread vs " + CpuParallel.THREADS);
        for (int threads : new int[]{1, 3, 8}) {
            assertEquals(first, DeterminismProbe.inFreshJvm(threads), "a JVM with -Dlrml.cpu.threads=" + threads);
        }
    }

    @Test
    void probeDigestChangesWhenTheInputChanges() {
        assertFalse(DeterminismProbe.digest(1).equals(DeterminismProbe.digest(2)), "the digest must see the data");
    }
}
