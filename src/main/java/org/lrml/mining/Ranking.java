package org.lrml.mining;

import org.lrml.backend.Backend;
import org.lrml.backend.LabelRule;
import org.lrml.backend.RankResult;
import org.lrml.backend.RankSpec;
import org.lrml.ops.Kernels;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * Top-k and bottom-k per row (spec section 6) at the tensor level, a small builder over
 * {@link org.lrml.backend.family.Ranking#rank} and {@link org.lrml.backend.family.Similarity#rank}:
 * <pre>{@code
 * RankResult r = Ranking.top(5).labels(queryLabels, poolLabels, LabelRule.DIFFERENT).of(scores);
 * RankResult nn = Ranking.top(10).excludeSelf().similarity(descriptors, descriptors);
 * }</pre>
 * Results are ordered best first (descending for top, ascending for bottom); ties go to the lower column
 * index; NaN is never selected; a row with fewer than k eligible columns gets index -1 and value NaN in its
 * empty slots. The ranking is not differentiable (it returns indices); take gradients through the
 * similarities the indices select.
 */
public final class Ranking {
    private final int k;
    private final boolean largest;
    private int[] rowLabels;
    private int[] colLabels;
    private LabelRule rule = LabelRule.ANY;
    private boolean excludeSelf;
    private long rowOffset;
    private long colOffset;

    private Ranking(int k, boolean largest) {
        if (k < 1) {
            throw new IllegalArgumentException("ranking: k must be at least 1, got " + k);
        }
        this.k = k;
        this.largest = largest;
    }

    /** The k largest scores of each row. */
    public static Ranking top(int k) {
        return new Ranking(k, true);
    }

    /** The k smallest scores of each row. */
    public static Ranking bottom(int k) {
        return new Ranking(k, false);
    }

    /** Only columns whose label relates to the row's label by the rule (SAME or DIFFERENT; ANY clears it). */
    public Ranking labels(int[] rows, int[] cols, LabelRule labelRule) {
        this.rowLabels = rows;
        this.colLabels = cols;
        this.rule = labelRule;
        return this;
    }

    /** Skip the column whose global index equals the row's global index (a query finding itself). */
    public Ranking excludeSelf() {
        this.excludeSelf = true;
        return this;
    }

    /**
     * Global index of row 0 and column 0 of the scores (when ranking one block of a larger matrix); results
     * report global column indices.
     */
    public Ranking offsets(long firstRow, long firstCol) {
        this.rowOffset = firstRow;
        this.colOffset = firstCol;
        return this;
    }

    /**
     * The spec for a rows x cols block. Offsets must keep every global index in [0, Long.MAX_VALUE]: a negative
     * one could read as the empty slot's -1, and one past the end would wrap around to negative numbers.
     */
    public RankSpec spec(int rows, int cols) {
        requireIndexRange("row", rowOffset, rows);
        requireIndexRange("column", colOffset, cols);
        return new RankSpec(rows, cols, k, largest, rule == LabelRule.ANY ? null : rowLabels,
                rule == LabelRule.ANY ? null : colLabels, rule, excludeSelf, rowOffset, colOffset);
    }

    private static void requireIndexRange(String what, long offset, int count) {
        if (offset < 0 || (count > 0 && offset > Long.MAX_VALUE - (count - 1))) {
            throw new IllegalArgumentException("ranking: the " + what + " offset " + offset + " puts the global "
                    + what + " indices of " + count + " " + what + "s outside [0, " + Long.MAX_VALUE + "]");
        }
    }

    /** Ranks each row of a score matrix S (rows x cols, float32 or float64). */
    public RankResult of(Tensor scores) {
        Backend b = Kernels.sameBackend("ranking", scores);
        if (scores.rank() != 2) {
            throw new IllegalArgumentException("ranking: scores must be a matrix (rows x cols), got shape "
                    + Shape.str(scores.shape()));
        }
        return b.ranking().rank(spec(scores.size(0), scores.size(1)), scores.storage());
    }

    /**
     * Ranks each row of S = Q G^T (Q: n x D queries, G: m x D database) without holding S whole: the
     * backend computes S block by block; the result equals {@code of(Similarity.apply(q, g))} exactly.
     */
    public RankResult similarity(Tensor q, Tensor g) {
        Backend b = Kernels.sameBackend("ranking", q, g);
        if (q.rank() != 2 || g.rank() != 2 || q.size(1) != g.size(1)) {
            throw new IllegalArgumentException("ranking: Q (n x D) and G (m x D) must be matrices with the same D, got "
                    + Shape.str(q.shape()) + " and " + Shape.str(g.shape()));
        }
        return b.similarity().rank(spec(q.size(0), g.size(0)), q.storage(), g.storage(), q.size(1));
    }
}
