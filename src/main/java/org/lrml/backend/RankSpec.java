package org.lrml.backend;

import java.util.Arrays;

/**
 * One top-k or bottom-k selection over each row of a score block S (rows x cols), spec section 6.
 *
 * <p>Column j of the block is global column {@code j + colOffset}; row r is global row {@code r + rowOffset}.
 * Results are ordered best first (descending for top, ascending for bottom), ties broken by lower global
 * column index, NaN never selected; slots beyond the eligible count hold index -1 and value NaN.
 *
 * @param rowLabels  label of each row of the block (length rows), or null
 * @param colLabels  label of each column of the block (length cols), or null
 * @param rule       label rule; ANY when labels are null
 * @param excludeSelf skip the column whose global index equals the row's global index
 */
public record RankSpec(int rows, int cols, int k, boolean largest,
                       int[] rowLabels, int[] colLabels, LabelRule rule,
                       boolean excludeSelf, long rowOffset, long colOffset) {

    public RankSpec {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("rank: negative size " + rows + " x " + cols);
        }
        if (k < 1) {
            throw new IllegalArgumentException("rank: k must be at least 1, got " + k);
        }
        if (rule == null) {
            rule = LabelRule.ANY;
        }
        if (rule != LabelRule.ANY) {
            if (rowLabels == null || colLabels == null) {
                throw new IllegalArgumentException("rank: rule " + rule + " needs both row and column labels");
            }
        }
        if (rowLabels != null && rowLabels.length != rows) {
            throw new IllegalArgumentException("rank: " + rowLabels.length + " row labels for " + rows + " rows");
        }
        if (colLabels != null && colLabels.length != cols) {
            throw new IllegalArgumentException("rank: " + colLabels.length + " column labels for " + cols + " columns");
        }
    }

    /** Plain top-k (or bottom-k) of a whole matrix, no masks. */
    public static RankSpec of(int rows, int cols, int k, boolean largest) {
        return new RankSpec(rows, cols, k, largest, null, null, LabelRule.ANY, false, 0, 0);
    }

    /** Whether column j (block-local) may be selected for row r (block-local), masks only (not NaN). */
    public boolean eligible(int r, int j) {
        if (excludeSelf && r + rowOffset == j + colOffset) {
            return false;
        }
        return switch (rule) {
            case ANY -> true;
            case SAME -> rowLabels[r] == colLabels[j];
            case DIFFERENT -> rowLabels[r] != colLabels[j];
        };
    }

    @Override
    public String toString() {
        return (largest ? "top" : "bottom") + "-" + k + " of " + rows + " x " + cols + " rule=" + rule
                + (excludeSelf ? " excludeSelf" : "") + " offsets=(" + rowOffset + ", " + colOffset + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RankSpec s && rows == s.rows && cols == s.cols && k == s.k && largest == s.largest
                && Arrays.equals(rowLabels, s.rowLabels) && Arrays.equals(colLabels, s.colLabels) && rule == s.rule
                && excludeSelf == s.excludeSelf && rowOffset == s.rowOffset && colOffset == s.colOffset;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new long[]{rows, cols, k, largest ? 1 : 0, rule.ordinal(), rowOffset, colOffset});
    }
}
