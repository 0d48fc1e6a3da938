package org.lrml.backend.cuda.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.GemmSpec;
import org.lrml.backend.Storage;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.GemmProvider;
import org.lrml.util.Rng;
import org.lrml.util.Tolerance;

/**
 * The row-major to column-major mapping, proven in-process: every GEMM case runs through CublasGemm onto a
 * column-major reference with cuBLAS's argument checks and must equal the CPU backend; and the provider picks the
 * right entry point (one sgemm, one strided-batched call, a loop for overlapping outputs, the built-in kernel for
 * k = 0, nothing for an empty output).
 */
class CublasGemmTest {

    private static float[] normal(long seed, long n) {
        Rng r = new Rng(seed);
        float[] f = new float[Math.toIntExact(n)];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) r.nextGaussian();
        }
        return f;
    }

    /** The built-in provider's stand-in: records that it was asked. */
    private static final class Builtin implements GemmProvider {
        final List<GemmSpec> asked = new ArrayList<>();

        @Override
        public void gemm(GemmSpec spec, Buf a, Buf b, Buf c) {
            asked.add(spec);
        }
    }

    @Test
    void everyCaseEqualsTheCpuThroughTheColumnMajorCall() {
        Backend cpu = Backends.cpu();
        for (VendorCases.GemmCase c : VendorCases.gemms()) {
            if (c.spec().k() == 0) {
                continue; // goes to the built-in kernel, below
            }
            JavaFakeCublas blas = new JavaFakeCublas();
            CublasGemm gemm = new CublasGemm(blas, new Builtin(), "test");
            float[] a = normal(1, c.lengthA());
            float[] b = normal(2, c.lengthB());
            float[] cv = normal(3, c.lengthC());
            Storage cs = cpu.upload(cv);
            cpu.gemm().gemm(c.spec(), cpu.upload(a), cpu.upload(b), cs);
            float[] expected = new float[cv.length];
            cpu.download(cs, expected);
            Buf out = blas.upload(cv);
            gemm.gemm(c.spec(), blas.upload(a), blas.upload(b), out);
            Tolerance.F32.check(c.name() + " " + c.spec(), null, widen(expected), widen(blas.download(out)));
        }
    }

    @Test
    void theEntryPointFollowsTheBatch() {
        JavaFakeCublas blas = new JavaFakeCublas();
        Builtin builtin = new Builtin();
        CublasGemm gemm = new CublasGemm(blas, builtin, "test");
        GemmSpec one = GemmSpec.of(true, false, 3, 4, 5);
        gemm.gemm(one, blas.upload(new float[15]), blas.upload(new float[20]), blas.upload(new float[12]));
        // Ours is A^T (3x5) B (5x4); cuBLAS computes C^T = B^T A with its m = 4, n = 3.
        assertEquals(List.of("sgemm NT 4x3x5"), blas.calls);

        blas.calls.clear();
        GemmSpec batch = GemmSpec.batched(6, false, true, 3, 4, 5, false, true);
        gemm.gemm(batch, blas.upload(new float[90]), blas.upload(new float[20]), blas.upload(new float[72]));
        assertEquals(List.of("sgemmStridedBatched TN 4x3x5 batch 6"), blas.calls);

        blas.calls.clear();
        GemmSpec overlap = new GemmSpec(3, false, false, 3, 4, 5, 1.0, 0, 5, 15, 0, 4, 20, 1.0, 0, 4, 0);
        gemm.gemm(overlap, blas.upload(new float[45]), blas.upload(new float[60]), blas.upload(new float[12]));
        assertEquals(3, blas.calls.size(), "outputs that share elements run one after another: " + blas.calls);
        assertTrue(blas.calls.stream().allMatch(s -> s.startsWith("sgemm NN")), blas.calls.toString());

        blas.calls.clear();
        GemmSpec kZero = new GemmSpec(1, false, false, 3, 4, 0, 1.0, 0, 1, 0, 0, 4, 0, 2.0, 0, 4, 0);
        gemm.gemm(kZero, blas.upload(new float[3]), blas.upload(new float[4]), blas.upload(new float[12]));
        assertEquals(List.of(kZero), builtin.asked);
        assertTrue(blas.calls.isEmpty());

        gemm.gemm(GemmSpec.of(false, false, 0, 4, 5), blas.upload(new float[5]), blas.upload(new float[20]),
                blas.upload(new float[4]));
        assertTrue(blas.calls.isEmpty(), "an empty output needs no call");
    }

    @Test
    void operandsAreCheckedBeforeTheLibrarySeesThem() {
        JavaFakeCublas blas = new JavaFakeCublas();
        CublasGemm gemm = new CublasGemm(blas, new Builtin(), "test");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gemm.gemm(
                GemmSpec.of(false, false, 3, 4, 5), blas.upload(new float[14]), blas.upload(new float[20]),
                blas.upload(new float[12])));
        assertTrue(e.getMessage().contains("operands too small"), e.getMessage());
        assertTrue(blas.calls.isEmpty());
        gemm.close();
        assertTrue(blas.closed);
    }

    @Test
    void overlapIsDetectedOnlyWhenOutputsShareElements() {
        assertFalse(ColumnMajorGemm.of(GemmSpec.batched(3, false, false, 4, 5, 6, false, false)).outputsOverlap());
        assertTrue(ColumnMajorGemm.of(new GemmSpec(2, false, false, 4, 5, 6, 1.0, 0, 6, 24, 0, 5, 30, 0.0, 0, 5, 19))
                .outputsOverlap());
        assertFalse(ColumnMajorGemm.of(new GemmSpec(2, false, false, 4, 5, 6, 1.0, 0, 6, 24, 0, 5, 30, 0.0, 0, 5, 20))
                .outputsOverlap());
        assertFalse(ColumnMajorGemm.of(new GemmSpec(1, false, false, 4, 5, 6, 1.0, 0, 6, 0, 0, 5, 0, 0.0, 0, 5, 0))
                .outputsOverlap(), "one matrix never overlaps itself");
    }

    private static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
