package org.lrml.index;

import java.io.IOException;

import org.apache.lucene.index.VectorSimilarityFunction;
import org.lrml.eval.DescriptorRows;

/**
 * One pass over the descriptors before indexing: every value must be finite (Lucene would index a NaN and rank
 * it arbitrarily), and DOT_PRODUCT is chosen only when every row has unit length, which that similarity assumes.
 */
final class UnitCheck {
    /** |norm^2 - 1| allowed for a unit vector: float32 normalisation of 4096 values stays far inside it. */
    static final double UNIT_TOLERANCE = 1e-3;

    private UnitCheck() {
    }

    static VectorSimilarityFunction chooseSimilarity(DescriptorRows rows) throws IOException {
        int d = rows.dim();
        int block = Math.max(1, (1 << 22) / d);
        float[] x = new float[block * d];
        boolean unit = true;
        for (long first = 0; first < rows.size(); first += block) {
            int count = (int) Math.min(block, rows.size() - first);
            rows.read(first, count, x, 0);
            for (int i = 0; i < count; i++) {
                double sq = 0;
                for (int j = 0; j < d; j++) {
                    float v = x[i * d + j];
                    if (v - v != 0) {
                        throw new IllegalArgumentException(rows.describe() + ": descriptor " + (first + i) + " has " + v
                                + " at dimension " + j + "; descriptors must be finite");
                    }
                    sq += (double) v * v;
                }
                unit &= Math.abs(sq - 1) <= UNIT_TOLERANCE;
            }
        }
        return unit ? VectorSimilarityFunction.DOT_PRODUCT : VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
    }
}
