package org.lrml.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.lrml.backend.BinaryOp;
import org.lrml.backend.UnaryOp;

/**
 * The one-pass gradient of ReLU and clamp equals the two passes it replaces (the mask by {@link CpuElementwise#unary},
 * then the product by {@link CpuElementwise#binary}) bit for bit, in float32 and float64, over every pair of special
 * values of x and dy (NaNs, signed zeros, infinities, the bounds themselves).
 */
class CpuMaskedProductTest {
    private static final double[] SPECIAL = {Double.NaN, -0.0, 0.0, Double.MIN_VALUE, -Double.MIN_VALUE, 1e-6,
            (float) 1e-6, 0.5, -0.5, 1, -1, 3, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e30, -7.25};

    private static CpuStorage storage(double[] v, boolean f32) {
        if (!f32) {
            return new CpuStorage(CpuBackend.INSTANCE, v.clone());
        }
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return new CpuStorage(CpuBackend.INSTANCE, f);
    }

    @Test
    void onePassEqualsMaskThenProduct() {
        int n = SPECIAL.length * SPECIAL.length;
        double[] xs = new double[n];
        double[] dys = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = SPECIAL[i / SPECIAL.length];
            dys[i] = SPECIAL[i % SPECIAL.length];
        }
        int[] shape = {n};
        double[][] params = {{0, 0}, {1e-6, Double.POSITIVE_INFINITY}, {-1, 1}, {(float) 1e-6, 3}};
        for (boolean f32 : new boolean[]{true, false}) {
            for (UnaryOp mask : new UnaryOp[]{UnaryOp.GREATER, UnaryOp.IN_RANGE}) {
                for (double[] p : params) {
                    CpuStorage x = storage(xs, f32);
                    CpuStorage dy = storage(dys, f32);
                    CpuStorage m = storage(new double[n], f32);
                    CpuStorage expected = storage(new double[n], f32);
                    CpuElementwise.unary(mask, x, m, p[0], p[1]);
                    CpuElementwise.binary(BinaryOp.MUL, dy, shape, m, shape, expected, shape);
                    CpuStorage actual = storage(new double[n], f32);
                    CpuElementwise.maskedProduct(mask, x, p[0], p[1], dy, actual);
                    for (int i = 0; i < n; i++) {
                        long e = f32 ? Float.floatToRawIntBits(expected.f()[i]) : Double.doubleToRawLongBits(expected.d()[i]);
                        long a = f32 ? Float.floatToRawIntBits(actual.f()[i]) : Double.doubleToRawLongBits(actual.d()[i]);
                        int at = i;
                        assertEquals(e, a, () -> mask + " " + (f32 ? "f32" : "f64") + " x=" + xs[at] + " dy=" + dys[at]);
                    }
                }
            }
        }
    }
}
