package org.lrml.backend.cuda.vendor;

import java.util.ArrayList;
import java.util.List;

import org.lrml.backend.ConvGeometry;
import org.lrml.backend.GemmSpec;

/**
 * The GEMM and convolution cases every vendor provider is checked with: against the stand-in libraries here, and
 * against the real cuBLAS / cuDNN in the native tests. Odd sizes that cross tiles, all four transposes, batches with
 * a shared operand, alpha and beta, padded and unaligned leading dimensions with offsets, k = 0, batch outputs
 * that overlap; convolutions with stride, padding, dilation and groups.
 */
public final class VendorCases {
    private VendorCases() {
    }

    public record GemmCase(String name, GemmSpec spec) {
        /** Elements each operand needs (with a little slack after the last one). */
        public long lengthA() {
            return spec.aOffset() + (long) (spec.batch() - 1) * spec.strideA()
                    + (long) Math.max(1, spec.transA() ? spec.k() : spec.m()) * spec.lda() + 3;
        }

        public long lengthB() {
            return spec.bOffset() + (long) (spec.batch() - 1) * spec.strideB()
                    + (long) Math.max(1, spec.transB() ? spec.n() : spec.k()) * spec.ldb() + 3;
        }

        public long lengthC() {
            return spec.cOffset() + (long) (spec.batch() - 1) * spec.strideC() + (long) spec.m() * spec.ldc() + 3;
        }
    }

    public static List<GemmCase> gemms() {
        List<GemmCase> out = new ArrayList<>();
        int[][] sizes = {{131, 67, 259}, {128, 128, 64}, {1, 300, 17}, {257, 1, 33}, {5, 7, 1}};
        for (int[] mnk : sizes) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                out.add(new GemmCase("plain", GemmSpec.of(ta, tb, mnk[0], mnk[1], mnk[2])));
            }
        }
        out.add(new GemmCase("batched, shared B", GemmSpec.batched(5, false, true, 33, 65, 47, false, true)));
        out.add(new GemmCase("batched, shared A", GemmSpec.batched(4, true, false, 70, 20, 9, true, false)));
        out.add(new GemmCase("alpha beta", GemmSpec.of(false, false, 37, 141, 29).withAlphaBeta(-0.5, 1.25)));
        out.add(new GemmCase("ld + offsets, aligned", new GemmSpec(3, false, false, 45, 66, 36, 0.75, 8, 40, 45 * 40, 4,
                68, 36 * 68, 0.5, 12, 72, 45 * 72)));
        out.add(new GemmCase("ld + offsets, unaligned", new GemmSpec(2, true, true, 45, 66, 37, 1.0, 3, 47, 37 * 47, 1,
                39, 66 * 39, 0.0, 5, 67, 45 * 67)));
        out.add(new GemmCase("k = 0 scales C", new GemmSpec(1, false, false, 17, 19, 0, 1.0, 0, 1, 0, 0, 19, 0, 2.0, 0,
                19, 0)));
        out.add(new GemmCase("batch into one C (accumulates in order)", new GemmSpec(3, false, true, 9, 11, 13, 1.0, 0,
                13, 9 * 13, 0, 13, 11 * 13, 1.0, 0, 11, 0)));
        return out;
    }

    /** Geometries with stride, padding, dilation and groups (the native conv tests' set). */
    public static List<ConvGeometry> convs() {
        return List.of(
                new ConvGeometry(2, 3, 13, 11, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new ConvGeometry(3, 4, 17, 15, 6, 3, 2, 2, 1, 0, 1, 1, 1, 2),
                new ConvGeometry(2, 6, 12, 12, 6, 3, 3, 1, 2, 2, 2, 2, 2, 3),
                new ConvGeometry(1, 8, 9, 10, 4, 1, 1, 1, 1, 0, 0, 1, 1, 1),
                new ConvGeometry(5, 2, 7, 7, 3, 5, 5, 2, 2, 2, 2, 1, 1, 1),
                new ConvGeometry(2, 4, 6, 20, 4, 2, 3, 3, 2, 1, 0, 1, 2, 4));
    }

    /** A geometry with 5 groups: the stand-in cuDNN offers no deterministic algorithm for it (the fallback case). */
    public static ConvGeometry fallbackGeometry() {
        return new ConvGeometry(2, 10, 9, 8, 5, 3, 3, 1, 1, 1, 1, 1, 1, 5);
    }
}
