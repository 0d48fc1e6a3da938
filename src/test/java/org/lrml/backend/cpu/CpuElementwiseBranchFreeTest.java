package org.lrml.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.lrml.backend.UnaryOp;

/**
 * The branch-free float32 loops of RELU and GREATER (the CNN's hottest elementwise ops) give exactly the
 * specification's values ({@link CpuElementwise#unaryOf} rounded to float) on every special value.
 */
class CpuElementwiseBranchFreeTest {
    private static final float[] SPECIAL = {Float.NaN, Float.intBitsToFloat(0xffc00000), -0f, 0f, Float.MIN_VALUE,
            -Float.MIN_VALUE, Float.MIN_NORMAL, 1f, -1f, 0.5f, Float.MAX_VALUE, -Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3.25f, -7.5f};

    private static void check(UnaryOp op, double p0) {
        CpuStorage x = new CpuStorage(CpuBackend.INSTANCE, SPECIAL.clone());
        CpuStorage y = new CpuStorage(CpuBackend.INSTANCE, new float[SPECIAL.length]);
        CpuElementwise.unary(op, x, y, p0, 0);
        for (int i = 0; i < SPECIAL.length; i++) {
            float expected = (float) CpuElementwise.unaryOf(op, SPECIAL[i], p0, 0);
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(y.f()[i]),
                    op + "(" + SPECIAL[i] + ", p0=" + p0 + "): expected " + expected + ", got " + y.f()[i]);
        }
    }

    @Test
    void reluAndGreaterMatchTheSpecificationOnSpecialValues() {
        check(UnaryOp.RELU, 0);
        for (float t : SPECIAL) {
            check(UnaryOp.GREATER, t);
        }
    }
}
