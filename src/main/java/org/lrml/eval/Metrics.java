package org.lrml.eval;

/**
 * Retrieval metrics of one query, computed from where its positives landed in the ranking.
 *
 * <p>Input convention for every method: {@code ranks[0..count)} are the 0-based ranks of the positives
 * found in the ranking, in increasing order, counted after junk items were removed from the ranking (see
 * {@link #positiveRanks}); {@code npos} is the query's total number of positives. When the whole database
 * is ranked, count == npos; a truncated ranking has count &lt; npos, and the missing positives count as
 * never retrieved. Queries with npos = 0 have no AP; callers skip them.
 */
public final class Metrics {
    private Metrics() {
    }

    /**
     * Walks a ranking (database indices, best first) and writes the 0-based ranks of the positives into
     * ranks, with junk items removed from the ranking first: an item's rank is the number of non-junk items
     * ranked before it.
     *
     * @return the number of positives found
     */
    public static int positiveRanks(RankedList ranking, byte[] relevance, int[] ranks) {
        int found = 0;
        int rank = 0;
        for (int r = 0; r < ranking.size(); r++) {
            byte rel = relevance[ranking.item(r)];
            if (rel == Relevance.JUNK) {
                continue;
            }
            if (rel == Relevance.POSITIVE) {
                ranks[found++] = rank;
            }
            rank++;
        }
        return found;
    }

    /**
     * Standard non-interpolated AP: (1/npos) sum over positives of precision at the positive's rank,
     * i.e. sum_i (i + 1) / (r_i + 1) / npos.
     */
    public static double averagePrecision(int[] ranks, int count, int npos) {
        requirePositives(npos);
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += (i + 1) / (double) (ranks[i] + 1);
        }
        return sum / npos;
    }

    /**
     * Oxford/Paris benchmark AP: for the i-th positive (0-based) at rank r, the trapezoid between
     * precision p0 = i / r (1 when r = 0) before it and p1 = (i + 1) / (r + 1) at it, of width 1/npos:
     * AP = sum_i (p0 + p1) / (2 npos).
     */
    public static double oxfordAveragePrecision(int[] ranks, int count, int npos) {
        requirePositives(npos);
        double sum = 0;
        for (int i = 0; i < count; i++) {
            int r = ranks[i];
            double p0 = r == 0 ? 1.0 : i / (double) r;
            double p1 = (i + 1) / (double) (r + 1);
            sum += (p0 + p1) / 2;
        }
        return sum / npos;
    }

    public static double averagePrecision(ApForm form, int[] ranks, int count, int npos) {
        return form == ApForm.OXFORD ? oxfordAveragePrecision(ranks, count, npos)
                : averagePrecision(ranks, count, npos);
    }

    /** Recall@K as used in metric learning: whether at least one positive is among the first k. */
    public static boolean hitAt(int[] ranks, int count, int k) {
        return count > 0 && ranks[0] < k;
    }

    /**
     * mAP@R (Musgrave et al., "A Metric Learning Reality Check"): with R = npos, the mean over the first
     * R ranks of precision at that rank where the item is a positive, 0 where not:
     * (1/R) sum_{i : r_i &lt; R} (i + 1) / (r_i + 1).
     */
    public static double mapAtR(int[] ranks, int count, int npos) {
        requirePositives(npos);
        double sum = 0;
        for (int i = 0; i < count && ranks[i] < npos; i++) {
            sum += (i + 1) / (double) (ranks[i] + 1);
        }
        return sum / npos;
    }

    /** Precision@K: the share of positives among the first k (junk removed). */
    public static double precisionAt(int[] ranks, int count, int k) {
        int hits = 0;
        while (hits < count && ranks[hits] < k) {
            hits++;
        }
        return hits / (double) k;
    }

    /**
     * Precision at k as the revisited Oxford/Paris evaluation code (revisitop's compute_map) computes it: with the
     * positives' 1-based ranks p_i (junk removed), k' = min(max_i p_i, k) and mP@k = #{i : p_i &lt;= k'} / k'. So a
     * query whose positives all sit above rank k is scored at the rank of its last positive, not at k.
     */
    public static double revisitedPrecisionAt(int[] ranks, int count, int k) {
        if (count == 0) {
            return 0;
        }
        int last = ranks[count - 1] + 1;
        int kq = Math.min(last, k);
        int hits = 0;
        while (hits < count && ranks[hits] + 1 <= kq) {
            hits++;
        }
        return hits / (double) kq;
    }

    private static void requirePositives(int npos) {
        if (npos <= 0) {
            throw new IllegalArgumentException("average precision of a query without positives is undefined"
                    + " (npos = " + npos + "); such queries are skipped");
        }
    }
}
