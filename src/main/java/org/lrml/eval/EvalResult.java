package org.lrml.eval;

/**
 * The outcome of one evaluation (one protocol, one setup): fractions in [0, 1].
 *
 * @param protocol       e.g. "fashion-mnist seen", "roxford5k"
 * @param setup          e.g. "medium" for the revisited benchmarks, "" otherwise
 * @param apForm         which AP formula {@link #map} uses
 * @param map            mean AP over the evaluated queries
 * @param recall         Recall@K for K in {@link #RECALL_KS} (1, 2, 4, 8), same order
 * @param mapAtR         mean mAP@R
 * @param queries        queries evaluated (those with at least one positive)
 * @param skippedQueries queries without positives, left out of every mean
 * @param database       database size
 * @param dim            descriptor dimension
 * @param seconds        wall time of ranking and scoring (descriptor extraction not included)
 * @param perQueryAp     AP of every query in input order, NaN for skipped ones (for galleries and tests)
 * @param precision      mean precision at K for K in {@link #PRECISION_KS} (1, 5, 10) as the revisited
 *                       protocols' revisitop code computes it ({@link Metrics#revisitedPrecisionAt}); NaN when not
 *                       computed
 */
public record EvalResult(String protocol, String setup, ApForm apForm, double map, double[] recall, double mapAtR,
                         int queries, int skippedQueries, int database, int dim, double seconds,
                         double[] perQueryAp, double[] precision) {

    public static final int[] RECALL_KS = {1, 2, 4, 8};
    public static final int[] PRECISION_KS = {1, 5, 10};

    /** Without precision values (NaN). */
    public EvalResult(String protocol, String setup, ApForm apForm, double map, double[] recall, double mapAtR,
                      int queries, int skippedQueries, int database, int dim, double seconds, double[] perQueryAp) {
        this(protocol, setup, apForm, map, recall, mapAtR, queries, skippedQueries, database, dim, seconds, perQueryAp,
                new double[]{Double.NaN, Double.NaN, Double.NaN});
    }

    public EvalResult {
        if (recall.length != RECALL_KS.length) {
            throw new IllegalArgumentException("eval result: " + recall.length + " recall values, expected "
                    + RECALL_KS.length);
        }
        recall = recall.clone();
        if (precision == null || precision.length != PRECISION_KS.length) {
            throw new IllegalArgumentException("eval result: precision needs " + PRECISION_KS.length + " values (mP@1, @5,"
                    + " @10)");
        }
        precision = precision.clone();
    }

    /** mP@k for k in 1, 5, 10 (revisitop's form). */
    public double precisionAt(int k) {
        for (int i = 0; i < PRECISION_KS.length; i++) {
            if (PRECISION_KS[i] == k) {
                return precision[i];
            }
        }
        throw new IllegalArgumentException("mP@" + k + " is not computed (available: 1, 5, 10)");
    }

    @Override
    public double[] precision() {
        return precision.clone();
    }

    /** Whether mP@k belongs in reports: the revisited protocols (a setup name such as "medium") with values. */
    public boolean reportsPrecision() {
        return !setup.isEmpty() && !Double.isNaN(precision[0]);
    }

    /** Recall@k for k in 1, 2, 4, 8. */
    public double recallAt(int k) {
        for (int i = 0; i < RECALL_KS.length; i++) {
            if (RECALL_KS[i] == k) {
                return recall[i];
            }
        }
        throw new IllegalArgumentException("recall@" + k + " is not computed (available: 1, 2, 4, 8)");
    }

    @Override
    public double[] recall() {
        return recall.clone();
    }

    /** "roxford5k medium" or just the protocol. */
    public String title() {
        return setup.isEmpty() ? protocol : protocol + " " + setup;
    }

    /** One line for logs: percentages as papers print them. */
    public String summary() {
        String mp = reportsPrecision() ? String.format(java.util.Locale.ROOT, "  mP@1 %.2f  mP@5 %.2f  mP@10 %.2f",
                100 * precision[0], 100 * precision[1], 100 * precision[2]) : "";
        return String.format(java.util.Locale.ROOT,
                "%s: mAP %.2f  R@1 %.2f  R@2 %.2f  R@4 %.2f  R@8 %.2f  mAP@R %.2f%s  (%d queries%s, %d database,"
                        + " %.1f s)",
                title(), 100 * map, 100 * recall[0], 100 * recall[1], 100 * recall[2], 100 * recall[3], 100 * mapAtR,
                mp, queries, skippedQueries > 0 ? ", " + skippedQueries + " without positives skipped" : "", database,
                seconds);
    }
}
