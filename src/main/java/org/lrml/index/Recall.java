package org.lrml.index;

import java.util.HashSet;
import java.util.Set;

import org.lrml.backend.RankResult;

/** Recall@K of approximate neighbours against exact ones: the share of the exact top K found in the approximate top K. */
public final class Recall {
    private Recall() {
    }

    /**
     * truth: exact rows (queries x truth.k(), best first); found: approximate rows (queries x foundK, -1 for empty
     * slots); K at most both widths.
     */
    public static double at(RankResult truth, long[] found, int foundK, int kk) {
        if (kk > truth.k() || kk > foundK) {
            throw new IllegalArgumentException("recall@" + kk + " needs " + kk + " exact and found results per query");
        }
        long hit = 0;
        long total = 0;
        for (int q = 0; q < truth.rows(); q++) {
            Set<Long> exact = new HashSet<>();
            for (int s = 0; s < kk; s++) {
                if (truth.index(q, s) >= 0) {
                    exact.add(truth.index(q, s));
                }
            }
            for (int s = 0; s < kk; s++) {
                if (exact.contains(found[q * foundK + s])) {
                    hit++;
                }
            }
            total += exact.size();
        }
        return total == 0 ? Double.NaN : hit / (double) total;
    }
}
