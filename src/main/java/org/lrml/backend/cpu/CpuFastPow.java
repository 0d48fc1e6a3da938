package org.lrml.backend.cpu;

/**
 * {@code (float) Math.pow(x, p)} for float32 x, bit for bit, in a fraction of Math.pow's time: GeM raises every
 * activation of the last feature map to a learned, non-integer p, forward and backward, and Math.pow per element
 * was the largest single cost of a CPU training step.
 *
 * <p>How the result stays exactly Math.pow's: x^p = 2^(p log2 x) is computed in double from small tables and short
 * polynomials, with a relative error below 2^-42 (the analysis is in the comments of {@link #pow}). Math.pow itself
 * is within 1 ulp of the exact value (2^-52 relative). So both lie within r (1 +- 2^-36) of our double r, and when
 * r (1 - 2^-36) and r (1 + 2^-36) round to the same float, Math.pow's double rounds to that float too (rounding is
 * monotone). Otherwise -- about one element in 2^12, where the exact value lies close to the midpoint of two floats
 * -- and for every input outside the easy range (x not a positive normal finite float, a result outside the normal
 * float range, p not finite), the element is computed by Math.pow. The float result is therefore the same as the
 * plain path's in every case; tests compare the two over millions of inputs.
 */
final class CpuFastPow {
    /** Mantissa bits that index the logarithm table. */
    private static final int LOG_BITS = 7;
    private static final int LOG_SIZE = 1 << LOG_BITS;
    /**
     * 1/c for c = the centre of each table interval of [1, 2), rounded to 20 significant bits so that m * (1/c)
     * of a 24-bit mantissa m is exact in double; then r = m/c - 1 is exact and |r| &lt; 2^-8.
     */
    private static final double[] INV_C = new double[LOG_SIZE];
    /** -log2(INV_C[k]), so that log2(m) = LOG2_C[k] + log2(1 + r). */
    private static final double[] LOG2_C = new double[LOG_SIZE];
    /** Fractional bits of y that index the power table. */
    private static final int EXP_BITS = 6;
    private static final int EXP_SIZE = 1 << EXP_BITS;
    /** 2^(j / 64). */
    private static final double[] EXP2_J = new double[EXP_SIZE];
    private static final double LN2 = Math.log(2.0);
    private static final double INV_LN2 = 1.0 / LN2;
    /** The half-width of the interval, relative, that must round to one float (see the class comment). */
    private static final double EPS = 0x1p-36;
    /** 1.5 * 2^52: a double in [2^52, 2^53) has no fraction bits, so adding this rounds to an integer. */
    private static final double SHIFTER = 0x1.8p52;

    static {
        for (int k = 0; k < LOG_SIZE; k++) {
            double c = 1.0 + (k + 0.5) / LOG_SIZE;
            double inv = 1.0 / c;
            // Keep 20 significant bits: inv is in (0.5, 1], so scale by 2^20 and round.
            INV_C[k] = Math.rint(inv * 0x1p20) * 0x1p-20;
            LOG2_C[k] = -Math.log(INV_C[k]) * INV_LN2;
        }
        for (int j = 0; j < EXP_SIZE; j++) {
            EXP2_J[j] = Math.pow(2.0, j / (double) EXP_SIZE);
        }
    }

    private CpuFastPow() {
    }

    /** Exactly {@code (float) Math.pow(x, p)}. */
    static float pow(float x, double p) {
        int bits = Float.floatToRawIntBits(x);
        int biased = bits >>> 23;
        // Positive normal finite floats only (sign bit clear, exponent field 1..254), and |p| <= 32 (NaN fails too):
        // the error bound below assumes it, and no learned GeM exponent goes beyond.
        if (biased < 1 || biased > 254 || !(Math.abs(p) <= 32.0)) {
            return (float) Math.pow(x, p);
        }
        int k = (bits >>> (23 - LOG_BITS)) & (LOG_SIZE - 1);
        double m = Float.intBitsToFloat((bits & 0x007fffff) | 0x3f800000); // the mantissa in [1, 2), exact
        double r = m * INV_C[k] - 1.0;                                    // exact, |r| < 2^-8
        // log(1 + r) to degree 5: the first omitted term is below 2^-56 / 6.
        double lnr = r * (1.0 + r * (-0.5 + r * (1.0 / 3 + r * (-0.25 + r * 0.2))));
        // log2 x, |log2 x| <= 128, with a few double roundings: error a few times 2^-53 * 128 at most.
        double log2x = (biased - 127) + (LOG2_C[k] + lnr * INV_LN2);
        double y = p * log2x;
        // Outside the normal float range: Math.pow (overflow, underflow and subnormals stay its business).
        if (!(y > -126.0 && y < 127.9)) {
            return (float) Math.pow(x, p);
        }
        // y = t/64 + g with t = y * 64 rounded to an integer (adding 1.5 * 2^52 rounds it, and the low bits of the
        // sum are t in two's complement) and |g| <= 1/128; y - t/64 is exact (both are multiples of ulp(y)).
        double shifted = y * EXP_SIZE + SHIFTER;
        int t = (int) Double.doubleToRawLongBits(shifted);
        double g = y - (shifted - SHIFTER) * (1.0 / EXP_SIZE);
        double u = g * LN2;
        // e^u to degree 5, |u| < 0.0055: the first omitted term is below 2^-58.
        double expu = 1.0 + u * (1.0 + u * (0.5 + u * (1.0 / 6 + u * (1.0 / 24 + u * (1.0 / 120)))));
        double scale = Double.longBitsToDouble((long) ((t >> EXP_BITS) + 1023) << 52);
        double result = EXP2_J[t & (EXP_SIZE - 1)] * expu * scale;
        // The error of y (at most |p| times that of log2 x plus 2^-53 |y|, below 2^-40 for |p| <= 32) becomes a
        // relative error of ln2 times it in the result; the tables and polynomials add a few ulps: far inside EPS.
        float lo = (float) (result * (1.0 - EPS));
        float hi = (float) (result * (1.0 + EPS));
        return lo == hi ? lo : (float) Math.pow(x, p);
    }

    /** z[o + i] = pow(x[xo + i], p) for i &lt; len. */
    static void pow(float[] x, int xo, double p, float[] z, int o, int len) {
        for (int i = 0; i < len; i++) {
            z[o + i] = pow(x[xo + i], p);
        }
    }
}
