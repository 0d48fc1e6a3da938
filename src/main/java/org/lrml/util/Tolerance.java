package org.lrml.util;

import java.util.Arrays;

/**
 * The one tolerance rule of the project: actual matches expected when
 * |actual - expected| &lt;= atol + rtol * |expected| for every element, with NaN matching only NaN and
 * infinities matching only themselves. Comparisons against an all-zero expectation are refused, since
 * they prove nothing. A failure message points: what, shape, first bad index, both values, the number of
 * bad elements, and the max abs and rel errors.
 */
public record Tolerance(double atol, double rtol) {

    /** float32 results against a float32 or float64 reference. */
    public static final Tolerance F32 = new Tolerance(1e-5, 1e-4);
    /** float64 results against a float64 reference computed in another order. */
    public static final Tolerance F64 = new Tolerance(1e-12, 1e-10);

    public boolean accepts(double expected, double actual) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            return Double.isNaN(expected) && Double.isNaN(actual);
        }
        if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
            return expected == actual;
        }
        return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
    }

    /** Null when all match, else the failure message. */
    public String compare(String what, int[] shape, double[] expected, double[] actual) {
        return compare(what, shape, expected, actual, false);
    }

    /** As {@link #compare(String, int[], double[], double[])}, optionally allowing an all-zero expectation. */
    public String compare(String what, int[] shape, double[] expected, double[] actual, boolean allowZeros) {
        if (expected.length != actual.length) {
            return what + ": expected " + expected.length + " values, got " + actual.length;
        }
        if (!allowZeros && expected.length > 0) {
            boolean allZero = true;
            for (double e : expected) {
                if (e != 0) {
                    allZero = false;
                    break;
                }
            }
            if (allZero) {
                return what + ": the expected values are all zero, so the comparison would prove nothing"
                        + " (use non-zero inputs)";
            }
        }
        int firstBad = -1;
        int bad = 0;
        double maxAbs = 0;
        double maxRel = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (!accepts(e, a)) {
                bad++;
                if (firstBad < 0) {
                    firstBad = i;
                }
            }
            if (Double.isFinite(e) && Double.isFinite(a)) {
                double abs = Math.abs(a - e);
                maxAbs = Math.max(maxAbs, abs);
                maxRel = Math.max(maxRel, abs / Math.max(Math.abs(e), 1e-30));
            }
        }
        if (bad == 0) {
            return null;
        }
        return String.format("%s %s: %d of %d elements differ (atol %.1e, rtol %.1e); first at %s: expected %s,"
                        + " got %s; max abs err %.3e, max rel err %.3e",
                what, shape == null ? "" : Arrays.toString(shape), bad, expected.length, atol, rtol,
                index(firstBad, shape), expected[firstBad], actual[firstBad], maxAbs, maxRel);
    }

    /** Throws AssertionError with the message when the comparison fails. */
    public void check(String what, int[] shape, double[] expected, double[] actual) {
        String msg = compare(what, shape, expected, actual);
        if (msg != null) {
            throw new AssertionError(msg);
        }
    }

    /** "[1, 2, 0] (flat 14)" for a flat index within a shape. */
    public static String index(int flat, int[] shape) {
        if (shape == null || shape.length == 0) {
            return "flat " + flat;
        }
        int[] idx = new int[shape.length];
        int rem = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            int s = Math.max(shape[d], 1);
            idx[d] = rem % s;
            rem /= s;
        }
        return Arrays.toString(idx) + " (flat " + flat + ")";
    }
}
