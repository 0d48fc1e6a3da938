package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Backend;
import org.lrml.backend.Storage;
import org.lrml.loss.CompositeLosses;
import org.lrml.backend.LossSpec;
import org.lrml.loss.TupleLoss;
import org.lrml.loss.Tuples;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;
import org.lrml.util.Tolerance;

/**
 * kernels/tupleloss.cu against the CPU's CpuTupleLoss: LRML with every parameter exercised, contrastive and
 * triplet; loss and dX within the tolerance rule (the loss, in double, also within the float64 rule: the dots are
 * the CPU's bit for bit and only exp may differ in its last place); bit-for-bit repeatability; the fused op
 * against its composite twin, both on CUDA; loss-only calls; sizes crossing block boundaries, K = 1, rows repeated
 * within and across tuples, rows no tuple names.
 */
@Tag("gpu")
class TupleLossKernelsTest {
    private static Backend cuda;

    @BeforeEach
    void open() {
        cuda = CudaAvailable.assumeCuda();
    }

    static List<LossSpec> settings() {
        List<LossSpec> s = new ArrayList<>();
        s.add(LossSpec.lrml());
        s.add(LossSpec.lrml().withDelta(0.1).withMu(0.5).withOrderEps(0.2));
        s.add(LossSpec.lrml().withTemperature(0).withLambda(2).withMargin(0.3));
        s.add(LossSpec.lrml().withTemperature(60).withAlpha(1.5).withDelta(0.05).withMu(0.25));
        s.add(LossSpec.contrastive(0.7));
        s.add(LossSpec.contrastive(1.3));
        s.add(LossSpec.triplet(0.1));
        s.add(LossSpec.triplet(0.6));
        return s;
    }

    /**
     * Rows around a few centres, so distances spread over [0, 2] (violating and non-violating negatives alike);
     * every seventh row is scaled off unit length (the loss uses rows as given).
     */
    static float[] descriptors(Rng rng, int n, int d) {
        int centres = 4;
        double[][] c = new double[centres][d];
        for (double[] row : c) {
            for (int j = 0; j < d; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            double[] v = new double[d];
            double norm = 0;
            int ci = rng.nextInt(centres);
            for (int j = 0; j < d; j++) {
                v[j] = c[ci][j] + 0.8 * rng.nextGaussian();
                norm += v[j] * v[j];
            }
            double scale = (i % 7 == 3 ? 1.3 : 1.0) / Math.sqrt(norm);
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (v[j] * scale);
            }
        }
        return x;
    }

    /** Random tuples over rows [0, used) of n (rows above `used` are named by none); members may repeat. */
    static Tuples tuples(Rng rng, int used, int m, int k) {
        int[] t = new int[m * (2 + k)];
        for (int i = 0; i < t.length; i++) {
            t[i] = rng.nextInt(used);
        }
        return Tuples.of(t, m, k);
    }

    /**
     * As {@link #tuples}, but no member equals its tuple's query: a member equal to the query has s = |x_q|^2 and
     * d near 0, where 1/d magnifies the float32 rounding of the composite twin's s (the fused op's s is double),
     * so the two would differ by design there.
     */
    static Tuples tuplesApartFromQuery(Rng rng, int used, int m, int k) {
        int w = 2 + k;
        int[] t = new int[m * w];
        for (int i = 0; i < t.length; i++) {
            int q = t[i - i % w];
            do {
                t[i] = rng.nextInt(used);
            } while (i % w != 0 && t[i] == q);
        }
        return Tuples.of(t, m, k);
    }

    private record Out(double loss, float[] dx) {
    }

    private static Out run(Backend b, LossSpec spec, float[] x, int n, int d, Tuples t) {
        Storage dx = b.allocate(DType.F32, (long) n * d);
        double loss = b.tupleLoss().lossAndGrad(spec, b.upload(x), n, d, t.table(), t.m(), t.k(), dx);
        return new Out(loss, Compare.floats(b, dx));
    }

    @Test
    void lossAndGradientMatchTheCpu() {
        int[][] cases = {{37, 3, 41, 5}, {50, 64, 64, 1}, {23, 129, 30, 7}, {300, 16, 257, 5}, {12, 5, 9, 2}};
        Rng rng = new Rng(1);
        for (int[] c : cases) {
            int n = c[0];
            int d = c[1];
            int m = c[2];
            int k = c[3];
            float[] x = descriptors(rng, n, d);
            Tuples t = tuples(rng, n - 2, m, k);
            for (LossSpec spec : settings()) {
                String what = spec + " N=" + n + " D=" + d + " M=" + m + " K=" + k;
                Out cpu = run(Compare.cpu(), spec, x, n, d, t);
                Out gpu = run(cuda, spec, x, n, d, t);
                assertTrue(cpu.loss != 0, what + ": the case has no active hinge, so it proves nothing");
                assertTrue(Tolerance.F32.accepts(cpu.loss, gpu.loss), what + ": loss " + cpu.loss + " versus " + gpu.loss);
                assertTrue(Tolerance.F64.accepts(cpu.loss, gpu.loss), what + ": loss " + cpu.loss + " versus " + gpu.loss
                        + " differs beyond the float64 rule, though only exp may differ");
                Compare.close(what + " dX", new int[]{n, d}, Compare.widen(cpu.dx), Compare.widen(gpu.dx));
                for (int i = (n - 2) * d; i < n * d; i++) {
                    assertEquals(0, Float.floatToRawIntBits(gpu.dx[i]), what + ": rows no tuple names must be +0");
                }
            }
        }
    }

    @Test
    void twoRunsAreBitForBitTheSame() {
        Rng rng = new Rng(2);
        int n = 200;
        int d = 33;
        float[] x = descriptors(rng, n, d);
        // Few rows, many tuples: every row collects many contributions, whose order must not vary.
        Tuples t = tuples(rng, 40, 513, 5);
        for (LossSpec spec : settings()) {
            Out a = run(cuda, spec, x, n, d, t);
            Out b = run(cuda, spec, x, n, d, t);
            assertEquals(Double.doubleToRawLongBits(a.loss), Double.doubleToRawLongBits(b.loss), spec + ": loss");
            Compare.identical(spec + ": dX", a.dx, b.dx);
        }
    }

    @Test
    void fusedOpEqualsItsCompositeTwinOnCuda() {
        Rng rng = new Rng(3);
        int n = 31;
        int d = 10;
        float[] x = descriptors(rng, n, d);
        Tuples t = tuplesApartFromQuery(rng, n, 19, 4);
        for (LossSpec spec : settings()) {
            Tensor xf = Tensor.of(cuda, x, n, d).requiresGrad(true);
            Tensor fused = TupleLoss.apply(xf, t, spec);
            fused.backward();
            Tensor xc = Tensor.of(cuda, x, n, d).requiresGrad(true);
            Tensor composite = CompositeLosses.apply(xc, t, spec);
            composite.backward();
            assertTrue(Tolerance.F32.accepts(composite.item(), fused.item()),
                    spec + ": fused " + fused.item() + " versus composite " + composite.item());
            Compare.close(spec + ": fused versus composite dX", new int[]{n, d}, xc.grad().toDoubleArray(),
                    xf.grad().toDoubleArray());
        }
    }

    @Test
    void lossWithoutGradientEqualsTheLossWithIt() {
        Rng rng = new Rng(4);
        int n = 40;
        int d = 7;
        float[] x = descriptors(rng, n, d);
        Tuples t = tuples(rng, n, 33, 5);
        for (LossSpec spec : settings()) {
            Storage xs = cuda.upload(x);
            double without = cuda.tupleLoss().lossAndGrad(spec, xs, n, d, t.table(), t.m(), t.k(), null);
            double with = run(cuda, spec, x, n, d, t).loss;
            assertEquals(Double.doubleToRawLongBits(with), Double.doubleToRawLongBits(without), spec.toString());
        }
    }

    @Test
    void anIndexOutsideXIsNamed() {
        Storage x = cuda.upload(new float[12]);
        int[] table = {0, 1, 2, 3, 1, 2, 0, 4};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cuda.tupleLoss().lossAndGrad(LossSpec.lrml(), x, 4, 3, table, 2, 2, null));
        assertTrue(e.getMessage().contains("tuple row 1, column 3 (n_2) holds 4, outside the 4 rows of X"), e.getMessage());
    }
}
