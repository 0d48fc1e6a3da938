package org.lrml.eval;

import java.util.Arrays;

/**
 * Per-query metrics of one setup, filled concurrently (each query writes only its own slots) and
 * averaged in query order at the end, so the means do not depend on which thread scored which query.
 */
final class QueryScores {
    private final String protocol;
    private final String setup;
    private final ApForm form;
    private final double[] ap;
    private final double[] mapAtR;
    /** 0-based rank of the first positive after junk removal; MAX_VALUE when none was found or skipped. */
    private final int[] firstHit;
    /** Per query, revisitop's precision at each of {@link EvalResult#PRECISION_KS}. */
    private final double[][] precision;

    QueryScores(String protocol, String setup, ApForm form, int queries) {
        this.protocol = protocol;
        this.setup = setup;
        this.form = form;
        this.ap = new double[queries];
        this.mapAtR = new double[queries];
        this.firstHit = new int[queries];
        this.precision = new double[queries][EvalResult.PRECISION_KS.length];
        Arrays.fill(ap, Double.NaN);
        Arrays.fill(this.mapAtR, Double.NaN);
        Arrays.fill(firstHit, Integer.MAX_VALUE);
    }

    /** Scores one query from its positives' ranks (see {@link Metrics}); npos = 0 leaves it skipped. */
    void record(int query, int[] ranks, int count, int npos) {
        if (npos == 0) {
            return;
        }
        ap[query] = Metrics.averagePrecision(form, ranks, count, npos);
        mapAtR[query] = Metrics.mapAtR(ranks, count, npos);
        firstHit[query] = count > 0 ? ranks[0] : Integer.MAX_VALUE;
        for (int i = 0; i < EvalResult.PRECISION_KS.length; i++) {
            precision[query][i] = Metrics.revisitedPrecisionAt(ranks, count, EvalResult.PRECISION_KS[i]);
        }
    }

    EvalResult result(int database, int dim, double seconds) {
        int evaluated = 0;
        double apSum = 0;
        double rSum = 0;
        double[] recall = new double[EvalResult.RECALL_KS.length];
        double[] mp = new double[EvalResult.PRECISION_KS.length];
        for (int q = 0; q < ap.length; q++) {
            if (Double.isNaN(ap[q])) {
                continue;
            }
            evaluated++;
            apSum += ap[q];
            rSum += mapAtR[q];
            for (int i = 0; i < recall.length; i++) {
                if (firstHit[q] < EvalResult.RECALL_KS[i]) {
                    recall[i]++;
                }
            }
            for (int i = 0; i < mp.length; i++) {
                mp[i] += precision[q][i];
            }
        }
        for (int i = 0; i < mp.length; i++) {
            mp[i] = evaluated == 0 ? Double.NaN : mp[i] / evaluated;
        }
        double mean = evaluated == 0 ? Double.NaN : apSum / evaluated;
        for (int i = 0; i < recall.length; i++) {
            recall[i] = evaluated == 0 ? Double.NaN : recall[i] / evaluated;
        }
        return new EvalResult(protocol, setup, form, mean, recall, evaluated == 0 ? Double.NaN : rSum / evaluated,
                evaluated, ap.length - evaluated, database, dim, seconds, ap.clone(), mp);
    }
}
