package org.lrml.backend.cpu;

/**
 * The filter in front of a full top-k heap: the first column of a row segment whose score can still enter
 * the heap. Once a row's heap holds k candidates, only a score whose key is at least the worst kept key can
 * enter (a tie may win on its column), so {@link CpuRanking#scanRow} skips everything else with this search
 * and runs the heap and mask code only for the few survivors.
 *
 * <p>Why a separate search: when the skip test, the masks and the heap updates shared one loop, that loop's
 * compiled code depended on which call shape had trained the JIT. Short similarity blocks, whose fresh heaps
 * fill often, made C2 inline the heap's sift-up into the loop, and the bigger loop then ran the skip path of
 * 10^5-wide rows 2-3x slower than when those rows had trained it first. The search below has no calls and no
 * rarely taken branch inside its loop, so its code is the same whatever ran before it.
 *
 * <p>Exactness: the search compares float32 scores with a float32 threshold. Keys of a float32 ranking are
 * sign * score of float32 scores, so the worst key is exactly a float32 value (or its negation) and the float
 * comparison equals the double comparison of the plain loop; NaN never compares true, as the plain loop skips
 * it. Which columns survive therefore does not change, only how fast the others are skipped.
 */
final class CpuTopKFilter {
    private static final boolean VECTOR = probeVector();

    private CpuTopKFilter() {
    }

    private static boolean probeVector() {
        if (!CpuGemmFast.vectorActive()) {
            return false;
        }
        try {
            return CpuTopKFilterVector.L > 0;
        } catch (LinkageError e) {
            return false;
        }
    }

    /** The first j in [from, to) with f[off + j] &gt;= t, or to when there is none. */
    static int nextAtLeast(float[] f, int off, int from, int to, float t) {
        return VECTOR ? CpuTopKFilterVector.nextAtLeast(f, off, from, to, t) : nextAtLeastScalar(f, off, from, to, t);
    }

    /** The first j in [from, to) with f[off + j] &lt;= t, or to when there is none. */
    static int nextAtMost(float[] f, int off, int from, int to, float t) {
        return VECTOR ? CpuTopKFilterVector.nextAtMost(f, off, from, to, t) : nextAtMostScalar(f, off, from, to, t);
    }

    static int nextAtLeastScalar(float[] f, int off, int from, int to, float t) {
        int j = from;
        while (j < to && !(f[off + j] >= t)) {
            j++;
        }
        return j;
    }

    static int nextAtMostScalar(float[] f, int off, int from, int to, float t) {
        int j = from;
        while (j < to && !(f[off + j] <= t)) {
            j++;
        }
        return j;
    }

    /** The first j in [from, to) with d[off + j] &gt;= t, or to (float64 rankings: scalar). */
    static int nextAtLeast(double[] d, int off, int from, int to, double t) {
        int j = from;
        while (j < to && !(d[off + j] >= t)) {
            j++;
        }
        return j;
    }

    /** The first j in [from, to) with d[off + j] &lt;= t, or to (float64 rankings: scalar). */
    static int nextAtMost(double[] d, int off, int from, int to, double t) {
        int j = from;
        while (j < to && !(d[off + j] <= t)) {
            j++;
        }
        return j;
    }
}
