package org.lrml.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Evaluation of descriptor matrices: rank the database for every query ({@link Ranker}) and score each
 * ranking against one or more ground truths ({@link Relevance}) at once, keeping per-query numbers only.
 * Descriptors are row-major float arrays (queries n x d, database m x d); similarity is the dot product,
 * which is the cosine for the unit-length descriptors the network emits.
 */
public final class DescriptorEval {
    private DescriptorEval() {
    }

    /** One ground truth to score against, with the names that label its result. */
    public record Setup(String protocol, String name, ApForm apForm, Relevance relevance) {
    }

    /**
     * Label-based evaluation with standard AP: a database item is relevant when its label equals the
     * query's; with excludeSelf, queries and database must be the same set and each query's own item is
     * removed from its ranking (leave-one-out).
     */
    public static EvalResult evaluate(float[] queries, float[] database, int[] queryLabels, int[] dbLabels, int d,
                                      boolean excludeSelf) {
        return evaluate("descriptors", queries, database, queryLabels, dbLabels, d, excludeSelf);
    }

    public static EvalResult evaluate(String protocol, float[] queries, float[] database, int[] queryLabels,
                                      int[] dbLabels, int d, boolean excludeSelf) {
        return evaluate(protocol, queries, database, queryLabels, dbLabels, d, excludeSelf, () -> {
        });
    }

    /** As above; queryDone runs once per scored query, from worker threads (e.g. a progress bar's step). */
    public static EvalResult evaluate(String protocol, float[] queries, float[] database, int[] queryLabels,
                                      int[] dbLabels, int d, boolean excludeSelf, Runnable queryDone) {
        if (excludeSelf && queries.length != database.length) {
            throw new IllegalArgumentException("exclude-self (leave-one-out) needs the queries to be the database, but"
                    + " there are " + queries.length / Math.max(d, 1) + " queries and "
                    + database.length / Math.max(d, 1) + " database items");
        }
        Setup s = new Setup(protocol, "", ApForm.STANDARD, new LabelRelevance(queryLabels, dbLabels, excludeSelf));
        return evaluate(queries, queryLabels.length, database, dbLabels.length, d, List.of(s), queryDone).get(0);
    }

    /** Ranks once, scores every setup; all setups must have n queries and m database items. */
    public static List<EvalResult> evaluate(float[] queries, int n, float[] database, int m, int d,
                                            List<Setup> setups) {
        return evaluate(queries, n, database, m, d, setups, () -> {
        });
    }

    /** As above, with queryDone run once per ranked query (from worker threads). */
    public static List<EvalResult> evaluate(float[] queries, int n, float[] database, int m, int d,
                                            List<Setup> setups, Runnable queryDone) {
        if (setups.isEmpty()) {
            throw new IllegalArgumentException("evaluate: no setup to score");
        }
        for (Setup s : setups) {
            if (s.relevance().queries() != n || s.relevance().database() != m) {
                throw new IllegalArgumentException(s.protocol() + " " + s.name() + ": the ground truth covers "
                        + s.relevance().queries() + " queries x " + s.relevance().database()
                        + " database items, the descriptors " + n + " x " + m);
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException(setups.get(0).protocol() + ": no queries to evaluate");
        }
        long start = System.nanoTime();
        List<QueryScores> scores = new ArrayList<>();
        for (Setup s : setups) {
            scores.add(new QueryScores(s.protocol(), s.name(), s.apForm(), n));
        }
        try (Ranker ranker = new Ranker(database, m, d)) {
            ranker.rank(queries, n, () -> {
                byte[] rel = new byte[m];
                int[] ranks = new int[m];
                return (query, ranking) -> {
                    for (int i = 0; i < setups.size(); i++) {
                        int npos = setups.get(i).relevance().fill(query, rel);
                        int found = Metrics.positiveRanks(ranking, rel, ranks);
                        scores.get(i).record(query, ranks, found, npos);
                    }
                    queryDone.run();
                };
            });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<EvalResult> out = new ArrayList<>();
        for (QueryScores s : scores) {
            out.add(s.result(m, d, seconds));
        }
        return out;
    }
}
