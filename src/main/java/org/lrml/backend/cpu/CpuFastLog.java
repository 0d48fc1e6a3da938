package org.lrml.backend.cpu;

/**
 * {@code (float) Math.log(x)} for float32 x, bit for bit, faster: the backward of GeM's pow takes the logarithm of
 * every activation of the last feature map in each training step.
 *
 * <p>As {@link CpuFastPow}: ln x = e ln 2 + ln c + ln(1 + r) from a 128-entry table (x = 2^e m, c the centre of m's
 * table interval, r = m/c - 1 exact) and a degree-5 polynomial, in double, with an absolute error below
 * (|e| + 2) 2^-50. Math.log is within 1 ulp (below |ln x| 2^-52). When the interval of half-width
 * (|e| + 2 + |ln x|) 2^-50 around our value rounds to one float, Math.log's double rounds to it too; otherwise
 * (rarely: near a midpoint of two floats, or for x within a few float ulps of 1 where ln x is tiny) and for every x
 * that is not a positive normal finite float, Math.log computes the element.
 */
final class CpuFastLog {
    private static final int BITS = 7;
    private static final int SIZE = 1 << BITS;
    /** 1/c rounded to 20 significant bits (m * INV_C[k] is exact), as in {@link CpuFastPow}. */
    private static final double[] INV_C = new double[SIZE];
    /** -ln(INV_C[k]). */
    private static final double[] LN_C = new double[SIZE];
    private static final double LN2 = Math.log(2.0);

    static {
        for (int k = 0; k < SIZE; k++) {
            double c = 1.0 + (k + 0.5) / SIZE;
            INV_C[k] = Math.rint(0x1p20 / c) * 0x1p-20;
            LN_C[k] = -Math.log(INV_C[k]);
        }
    }

    private CpuFastLog() {
    }

    /** Exactly {@code (float) Math.log(x)}. */
    static float log(float x) {
        int bits = Float.floatToRawIntBits(x);
        int biased = bits >>> 23;
        if (biased < 1 || biased > 254) {
            return (float) Math.log(x);
        }
        int e = biased - 127;
        int k = (bits >>> (23 - BITS)) & (SIZE - 1);
        double m = Float.intBitsToFloat((bits & 0x007fffff) | 0x3f800000);
        double r = m * INV_C[k] - 1.0;
        double lnr = r * (1.0 + r * (-0.5 + r * (1.0 / 3 + r * (-0.25 + r * 0.2))));
        double result = (e * LN2 + LN_C[k]) + lnr;
        double bound = (Math.abs(e) + 2 + Math.abs(result)) * 0x1p-50;
        float lo = (float) (result - bound);
        float hi = (float) (result + bound);
        return lo == hi ? lo : (float) Math.log(x);
    }

    /** y[i] = log(x[i]) for from &lt;= i &lt; to. */
    static void log(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] = log(x[i]);
        }
    }
}
