package org.lrml.mining;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.lrml.autograd.NoGrad;
import org.lrml.backend.LabelRule;
import org.lrml.backend.RankResult;
import org.lrml.loss.Tuples;
import org.lrml.ops.IndexSelect;
import org.lrml.ops.Kernels;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * Tuple mining (spec section 2): given descriptors of Q queries and of a pool of P training images (computed
 * by the current network in inference mode), their global training indices, the labels of the whole training
 * set and a seeded stream, builds tuples (q, p, n_1..n_K) of global training indices.
 *
 * <ul>
 *   <li>Negatives, {@link NegativeMode#HARDEST}: the K most similar pool images whose label differs from the
 *       query's, at most one per label (when the pool has fewer than K labels other than the query's, the
 *       remaining slots take the next most similar other-label images, so labels repeat only then). The walk goes down the query's top-k' list (k' = K x
 *       {@code candidatesPerNegative}, different-label mask), skipping labels already used; if the list ends
 *       before K negatives are found while more columns exist, it asks again with k' x 4, until the pool is
 *       exhausted. Asking again from the start is exact: a longer list begins with the shorter one.</li>
 *   <li>Negatives, {@link NegativeMode#BOTTOM}: the K least similar pool images whose label differs from the
 *       query's (the bottom-K list; labels may repeat, as in the abstract's "bottom five").</li>
 *   <li>Positive, {@link PositiveMode#RANDOM}: an image of the query's label drawn uniformly from the whole
 *       training set, never the query itself.</li>
 *   <li>Positive, {@link PositiveMode#HARDEST}: the least similar pool image of the query's label whose global
 *       index differs from the query's.</li>
 * </ul>
 * A query is skipped (no tuple) when it has fewer than K eligible negatives (counted in
 * {@link Mined#skippedFewNegatives}: fewer than K pool images of other labels), or, having
 * enough negatives, no positive (counted in {@link Mined#skippedNoPositive}: its label has no other image in
 * the training set, or, in HARDEST mode, in the pool). Tuples come in query order; the stream is used once per
 * non-skipped query in RANDOM mode, in that order, so a seed fixes the result.
 */
public final class TupleMiner {
    private TupleMiner() {
    }

    /** How negatives are chosen. */
    public enum NegativeMode { HARDEST, BOTTOM }

    /** How the positive is chosen. */
    public enum PositiveMode { RANDOM, HARDEST }

    /**
     * @param negatives             K, negatives per tuple (>= 1)
     * @param candidatesPerNegative HARDEST walks first ask for K times this many candidates (>= 1)
     */
    public record Config(int negatives, NegativeMode negativeMode, PositiveMode positiveMode, int candidatesPerNegative) {
        public Config {
            if (negatives < 1 || candidatesPerNegative < 1 || negativeMode == null || positiveMode == null) {
                throw new IllegalArgumentException("tuple miner: need K >= 1, candidatesPerNegative >= 1 and both modes, got "
                        + negatives + ", " + candidatesPerNegative + ", " + negativeMode + ", " + positiveMode);
            }
        }

        /** K = 5, hardest negatives, random positives, 4 candidates per negative. */
        public static Config defaults() {
            return new Config(5, NegativeMode.HARDEST, PositiveMode.RANDOM, 4);
        }
    }

    /**
     * @param tuples              M x (2+K) global training indices
     * @param queryRows           for each tuple, the row of its query in the query descriptors
     * @param skippedFewNegatives queries with fewer than K eligible negatives
     * @param skippedNoPositive   queries with enough negatives but no positive
     */
    public record Mined(Tuples tuples, int[] queryRows, int skippedFewNegatives, int skippedNoPositive) {
    }

    /**
     * @param queries    Q x D query descriptors
     * @param queryIndex global training index of each query (length Q)
     * @param pool       P x D pool descriptors (same backend and dtype)
     * @param poolIndex  global training index of each pool image (length P)
     * @param labels     label of every training image, by global index
     */
    public static Mined mine(Config cfg, Tensor queries, int[] queryIndex, Tensor pool, int[] poolIndex, int[] labels,
                             Rng rng) {
        Kernels.sameBackend("tuple miner", queries, pool);
        if (queries.rank() != 2 || pool.rank() != 2 || queries.size(1) != pool.size(1)) {
            throw new IllegalArgumentException("tuple miner: queries (Q x D) and pool (P x D) must be matrices with the"
                    + " same D, got " + Shape.str(queries.shape()) + " and " + Shape.str(pool.shape()));
        }
        int[] qLabels = labelsOf("query", queryIndex, queries.size(0), labels);
        int[] pLabels = labelsOf("pool", poolIndex, pool.size(0), labels);
        int k = cfg.negatives();
        try (NoGrad ng = NoGrad.enter()) {
            int[][] negatives = negatives(cfg, queries, pool, qLabels, pLabels);
            int[][] hardestPositive = cfg.positiveMode() == PositiveMode.HARDEST
                    ? walk(queries, pool, qLabels, pLabels, LabelRule.SAME, false, uniform(qLabels.length, 1), 2,
                    (row, col, got, count) -> poolIndex[col] != queryIndex[row])
                    : null;
            Map<Integer, int[]> byLabel = cfg.positiveMode() == PositiveMode.RANDOM ? groupByLabel(labels) : null;

            List<int[]> rows = new ArrayList<>();
            List<Integer> queryRows = new ArrayList<>();
            int fewNegatives = 0;
            int noPositive = 0;
            for (int i = 0; i < queries.size(0); i++) {
                if (negatives[i].length < k) {
                    fewNegatives++;
                    continue;
                }
                int positive;
                if (hardestPositive != null) {
                    positive = hardestPositive[i].length == 0 ? -1 : poolIndex[hardestPositive[i][0]];
                } else {
                    positive = randomOther(byLabel.get(qLabels[i]), queryIndex[i], rng);
                }
                if (positive < 0) {
                    noPositive++;
                    continue;
                }
                int[] row = new int[2 + k];
                row[0] = queryIndex[i];
                row[1] = positive;
                for (int j = 0; j < k; j++) {
                    row[2 + j] = poolIndex[negatives[i][j]];
                }
                rows.add(row);
                queryRows.add(i);
            }
            int[] table = new int[rows.size() * (2 + k)];
            for (int t = 0; t < rows.size(); t++) {
                System.arraycopy(rows.get(t), 0, table, t * (2 + k), 2 + k);
            }
            return new Mined(Tuples.of(table, rows.size(), k), queryRows.stream().mapToInt(Integer::intValue).toArray(),
                    fewNegatives, noPositive);
        }
    }

    /**
     * The negatives of {@link #mine} alone, for a caller whose positives follow another rule (SfM-120k's given
     * pairs): for each query row, up to K pool columns (rows of {@code pool}) in the configured mode, best first;
     * a row with fewer than K had no more eligible pool images.
     *
     * @param qLabels label (class or cluster) of each query row
     * @param pLabels label of each pool row
     */
    public static int[][] negatives(Config cfg, Tensor queries, Tensor pool, int[] qLabels, int[] pLabels) {
        int k = cfg.negatives();
        try (NoGrad ng = NoGrad.enter()) {
            return cfg.negativeMode() == NegativeMode.HARDEST
                    ? hardestNegatives(queries, pool, qLabels, pLabels, k, cfg.candidatesPerNegative())
                    : walk(queries, pool, qLabels, pLabels, LabelRule.DIFFERENT, false, uniform(qLabels.length, k), k,
                    (row, col, got, count) -> true);
        }
    }

    /** Decides whether the walk of query row {@code row} takes pool column {@code col}, given its picks so far. */
    @FunctionalInterface
    private interface Accept {
        boolean test(int row, int col, int[] picked, int count);
    }

    /**
     * For each query, up to {@code want} pool columns taken in ranking order (top or bottom under the label
     * rule) that the acceptor takes; rows whose list ran out while more columns exist are asked again with four
     * times as many candidates. Rows that end with fewer than want columns had no more eligible columns.
     */
    private static int[][] walk(Tensor queries, Tensor pool, int[] qLabels, int[] pLabels, LabelRule rule,
                                boolean largest, int[] want, int firstK, Accept accept) {
        int nq = queries.size(0);
        int cols = pool.size(0);
        int[][] picked = new int[nq][];
        List<Integer> first = new ArrayList<>();
        for (int i = 0; i < nq; i++) {
            if (want[i] > 0) {
                first.add(i);
            } else {
                picked[i] = new int[0];
            }
        }
        int[] pending = first.stream().mapToInt(Integer::intValue).toArray();
        int kk = Math.max(1, Math.min(firstK, cols));
        while (true) {
            if (pending.length == 0) {
                break;
            }
            Tensor q = pending.length == nq ? queries : IndexSelect.apply(queries, pending);
            int[] rowLabels = new int[pending.length];
            for (int i = 0; i < pending.length; i++) {
                rowLabels[i] = qLabels[pending[i]];
            }
            Ranking ranking = largest ? Ranking.top(kk) : Ranking.bottom(kk);
            RankResult rr = ranking.labels(rowLabels, pLabels, rule).similarity(q, pool);
            List<Integer> again = new ArrayList<>();
            for (int i = 0; i < pending.length; i++) {
                int row = pending[i];
                int[] got = new int[want[row]];
                int count = 0;
                boolean exhausted = kk >= cols;
                for (int s = 0; s < kk && count < want[row]; s++) {
                    long col = rr.index(i, s);
                    if (col < 0) {
                        exhausted = true;
                        break;
                    }
                    if (accept.test(row, (int) col, got, count)) {
                        got[count++] = (int) col;
                    }
                }
                if (count < want[row] && !exhausted) {
                    again.add(row);
                } else {
                    picked[row] = count == want[row] ? got : Arrays.copyOf(got, count);
                }
            }
            pending = again.stream().mapToInt(Integer::intValue).toArray();
            kk = (int) Math.min(cols, kk * 4L);
        }
        return picked;
    }

    /**
     * HARDEST negatives: the walk takes at most one image per label, as many as the pool has other labels
     * (up to K). When the pool holds fewer than K labels other than the query's (e.g. the "unseen" protocol
     * trains on 5 labels, so only 4 differ from a query's), the remaining slots take the most similar
     * other-label images not taken yet, so labels repeat only when they must.
     */
    private static int[][] hardestNegatives(Tensor queries, Tensor pool, int[] qLabels, int[] pLabels, int k,
                                            int candidatesPerNegative) {
        java.util.Set<Integer> poolLabels = new java.util.HashSet<>();
        for (int l : pLabels) {
            poolLabels.add(l);
        }
        int[] distinct = new int[qLabels.length];
        for (int i = 0; i < qLabels.length; i++) {
            distinct[i] = Math.min(k, poolLabels.size() - (poolLabels.contains(qLabels[i]) ? 1 : 0));
        }
        int[][] picked = walk(queries, pool, qLabels, pLabels, LabelRule.DIFFERENT, true, distinct,
                (int) Math.min(Integer.MAX_VALUE, (long) k * candidatesPerNegative),
                (row, col, got, count) -> !usesLabel(got, count, pLabels[col], pLabels));
        int[] more = new int[qLabels.length];
        boolean any = false;
        for (int i = 0; i < qLabels.length; i++) {
            more[i] = picked[i].length == distinct[i] ? k - picked[i].length : 0;
            any |= more[i] > 0;
        }
        if (!any) {
            return picked;
        }
        int[][] extra = walk(queries, pool, qLabels, pLabels, LabelRule.DIFFERENT, true, more, k,
                (row, col, got, count) -> !contains(picked[row], col));
        for (int i = 0; i < qLabels.length; i++) {
            if (extra[i].length > 0) {
                int[] all = Arrays.copyOf(picked[i], picked[i].length + extra[i].length);
                System.arraycopy(extra[i], 0, all, picked[i].length, extra[i].length);
                picked[i] = all;
            }
        }
        return picked;
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    private static int[] uniform(int n, int value) {
        int[] a = new int[n];
        Arrays.fill(a, value);
        return a;
    }

    private static boolean usesLabel(int[] picked, int count, int label, int[] pLabels) {
        for (int i = 0; i < count; i++) {
            if (pLabels[picked[i]] == label) {
                return true;
            }
        }
        return false;
    }

    /** A uniform draw from the sorted members of a label other than self, or -1 when self is the only one. */
    private static int randomOther(int[] members, int self, Rng rng) {
        int pos = Arrays.binarySearch(members, self);
        int others = members.length - (pos >= 0 ? 1 : 0);
        if (others == 0) {
            return -1;
        }
        int r = rng.nextInt(others);
        return pos >= 0 && r >= pos ? members[r + 1] : members[r];
    }

    private static Map<Integer, int[]> groupByLabel(int[] labels) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int l : labels) {
            counts.merge(l, 1, Integer::sum);
        }
        Map<Integer, int[]> members = new HashMap<>();
        Map<Integer, Integer> fill = new HashMap<>();
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i];
            int[] arr = members.computeIfAbsent(l, key -> new int[counts.get(key)]);
            int at = fill.merge(l, 1, Integer::sum) - 1;
            arr[at] = i;
        }
        return members;
    }

    private static int[] labelsOf(String what, int[] index, int rows, int[] labels) {
        if (index.length != rows) {
            throw new IllegalArgumentException("tuple miner: " + index.length + " " + what + " indices for " + rows
                    + " " + what + " descriptors");
        }
        int[] out = new int[rows];
        for (int i = 0; i < rows; i++) {
            if (index[i] < 0 || index[i] >= labels.length) {
                throw new IllegalArgumentException("tuple miner: " + what + " row " + i + " has global index " + index[i]
                        + ", outside the " + labels.length + " labelled training images");
            }
            out[i] = labels[index[i]];
        }
        return out;
    }
}
