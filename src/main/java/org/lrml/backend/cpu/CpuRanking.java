package org.lrml.backend.cpu;

import org.lrml.backend.GemmSpec;
import org.lrml.backend.LabelRule;
import org.lrml.backend.RankResult;
import org.lrml.backend.RankSpec;
import org.lrml.backend.Storage;
import org.lrml.backend.family.Ranking;

/**
 * Top-k and bottom-k per row (spec section 6): the executable specification of the ranking kernels.
 *
 * <p>Per row, every column j that is eligible under the spec's masks and whose score is not NaN is a
 * candidate (key, global column) with key = score for top-k and key = -score for bottom-k (negation is exact,
 * so the bottom order is the top order of the negated scores, ties included). A bounded heap
 * ({@link CpuTopKHeap}) keeps the best k under "higher key, then lower global column", so a row of m
 * columns costs O(m log k) and no row is ever sorted whole. The kept candidates are then sorted best first,
 * keys turned back into scores, and the slots beyond the eligible count get index -1 and value NaN.
 *
 * <p>Selection involves no arithmetic on scores, and the order is total, so any split of the work (rows
 * across threads, long rows into column segments, similarity blocks) gives exactly the same values and
 * indices as one sequential scan. CUDA kernels must reproduce this bit for bit.
 */
final class CpuRanking implements Ranking {
    /** Elements of S that one similarity block may hold (16 MiB of float32). */
    static final int BLOCK_ELEMENTS = 1 << 22;
    /** Columns per segment when a few long rows are cut up so that all threads can work on them. */
    static final int SEGMENT = 1 << 16;
    /** Up to this many rows, rows of at least two segments are scanned segment by segment in parallel. */
    static final int SEGMENTED_MAX_ROWS = 64;
    /** Segments per row at most, so the per-segment candidate lists stay small for any row length. */
    static final int MAX_SEGMENTS = 64;

    /** The family as the CPU backend hands it out; the typed static entry points below do the work. */
    static final CpuRanking INSTANCE = new CpuRanking();

    private CpuRanking() {
    }

    @Override
    public RankResult rank(RankSpec spec, Storage scores) {
        return rank(spec, CpuStorage.of(scores));
    }

    static RankResult rank(RankSpec spec, CpuStorage scores) {
        long need = (long) spec.rows() * spec.cols();
        if (scores.length() != need) {
            throw new IllegalArgumentException("rank: " + spec + " needs a score block of " + need
                    + " elements, got " + scores);
        }
        Heaps heaps = new Heaps(spec);
        if (segmentable(spec)) {
            scanSegmented(spec, heaps, scores);
        } else {
            scanBlock(spec, heaps, scores, spec.cols(), 0, spec.rows(), 0, spec.cols());
        }
        return heaps.finish();
    }

    /** Few long rows, and the per-segment candidate lists (at most 4M entries) are cheap to hold. */
    private static boolean segmentable(RankSpec spec) {
        if (spec.rows() > SEGMENTED_MAX_ROWS || spec.cols() < 2 * SEGMENT) {
            return false;
        }
        long entries = (long) spec.rows() * segments(spec.cols()) * Math.min(spec.k(), segmentLength(spec.cols()));
        return entries <= (1 << 22);
    }

    private static int segmentLength(int cols) {
        return Math.max(SEGMENT, (int) ((cols + (long) MAX_SEGMENTS - 1) / MAX_SEGMENTS));
    }

    private static int segments(int cols) {
        int segLen = segmentLength(cols);
        return (cols + segLen - 1) / segLen;
    }

    static RankResult similarityRank(RankSpec spec, CpuStorage q, CpuStorage g, int d) {
        return similarityRank(spec, q, g, d, BLOCK_ELEMENTS);
    }

    /**
     * S = Q G^T in blocks of at most {@code budget} elements (column blocks of G, and row blocks of Q when
     * even a narrow column block of all rows would exceed the budget), each ranked into the same per-row
     * heaps. Each block comes from {@link CpuGemm#gemm} on sub-ranges of Q and G, whose contract makes every
     * element independent of the blocking, so the result equals {@link #rank} of the full product.
     */
    static RankResult similarityRank(RankSpec spec, CpuStorage q, CpuStorage g, int d, int budget) {
        int rows = spec.rows();
        int cols = spec.cols();
        if (d < 0 || budget < 1) {
            throw new IllegalArgumentException("similarityRank: bad descriptor length " + d + " or block budget " + budget);
        }
        if (q.dtype() != g.dtype()) {
            throw new IllegalArgumentException("similarityRank: Q is " + q + " but G is " + g
                    + "; convert one with tensor.to(dtype)");
        }
        if (q.length() != (long) rows * d || g.length() != (long) cols * d) {
            throw new IllegalArgumentException("similarityRank: " + spec + " with D = " + d + " needs Q of "
                    + (long) rows * d + " and G of " + (long) cols * d + " elements, got " + q + " and " + g);
        }
        Heaps heaps = new Heaps(spec);
        if (rows == 0 || cols == 0) {
            return heaps.finish();
        }
        int minCols = Math.min(256, budget);
        int cb = (int) Math.min(cols, Math.max(minCols, budget / rows));
        int rb = Math.min(rows, Math.max(1, budget / cb));
        int blockLength = rb * cb;
        CpuStorage block = q.isF32() ? new CpuStorage(CpuBackend.INSTANCE, new float[blockLength])
                : new CpuStorage(CpuBackend.INSTANCE, new double[blockLength]);
        for (int r0 = 0; r0 < rows; r0 += rb) {
            int nr = Math.min(rb, rows - r0);
            for (int c0 = 0; c0 < cols; c0 += cb) {
                int nc = Math.min(cb, cols - c0);
                GemmSpec s = new GemmSpec(1, false, true, nr, nc, d, 1.0, (long) r0 * d, d, 0,
                        (long) c0 * d, d, 0, 0.0, 0, nc, 0);
                CpuGemm.gemm(s, q, g, block);
                scanBlock(spec, heaps, block, nc, r0, nr, c0, nc);
            }
        }
        return heaps.finish();
    }

    /** The per-row heaps of one ranking: they live in the result arrays (keys until finish turns them into values). */
    private static final class Heaps {
        final RankSpec spec;
        final int k;
        final double[] keys;
        final long[] cols;
        final int[] sizes;
        /** +1 for top-k, -1 for bottom-k: key = sign * score and score = sign * key, both exact. */
        final double sign;

        Heaps(RankSpec spec) {
            this.spec = spec;
            this.k = spec.k();
            long total = (long) spec.rows() * k;
            if (total > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("rank: " + spec + " would return " + total
                        + " entries, more than one array holds; rank fewer rows at a time");
            }
            this.keys = new double[(int) total];
            this.cols = new long[(int) total];
            this.sizes = new int[spec.rows()];
            this.sign = spec.largest() ? 1.0 : -1.0;
        }

        RankResult finish() {
            int rows = spec.rows();
            CpuParallel.forRange(rows, Math.max(1, (1 << 14) / k), (from, to) -> {
                for (int r = from; r < to; r++) {
                    int base = r * k;
                    int size = sizes[r];
                    CpuTopKHeap.sortBestFirst(keys, cols, base, size);
                    for (int s = 0; s < size; s++) {
                        keys[base + s] = sign * keys[base + s];
                    }
                    for (int s = size; s < k; s++) {
                        keys[base + s] = Double.NaN;
                        cols[base + s] = -1;
                    }
                }
            });
            return new RankResult(rows, k, keys, cols);
        }
    }

    /**
     * Offers block element (i, j) = data[i * ld + j], which is S[r0 + i][c0 + j] of the spec's coordinates,
     * for i < nr and j < nc, to the heaps of rows r0..r0+nr-1. Parallel over rows (each heap has one writer).
     */
    private static void scanBlock(RankSpec spec, Heaps heaps, CpuStorage data, int ld, int r0, int nr, int c0, int nc) {
        int grain = Math.max(1, (1 << 15) / Math.max(nc, 1));
        CpuParallel.forRange(nr, grain, (from, to) -> {
            for (int i = from; i < to; i++) {
                int r = r0 + i;
                heaps.sizes[r] = scanRow(spec, data, (long) i * ld, r, c0, nc, heaps.sign,
                        heaps.keys, heaps.cols, r * heaps.k, heaps.sizes[r], heaps.k);
            }
        });
    }

    /**
     * Long rows of few-row problems: each row is cut into at most {@link #MAX_SEGMENTS} segments of at least
     * {@link #SEGMENT} columns, each segment selects its own best k in parallel, and then each row's segment
     * lists are offered to the row's heap in segment order.
     */
    private static void scanSegmented(RankSpec spec, Heaps heaps, CpuStorage scores) {
        int rows = spec.rows();
        int cols = spec.cols();
        int segLen = segmentLength(cols);
        int segs = segments(cols);
        int cap = Math.min(heaps.k, segLen);
        double[] segKeys = new double[rows * segs * cap];
        long[] segCols = new long[rows * segs * cap];
        int[] segSizes = new int[rows * segs];
        CpuParallel.forChunks(rows * segs, item -> {
            int r = item / segs;
            int c0 = (item % segs) * segLen;
            int nc = Math.min(segLen, cols - c0);
            segSizes[item] = scanRow(spec, scores, (long) r * cols + c0, r, c0, nc, heaps.sign,
                    segKeys, segCols, item * cap, 0, cap);
        });
        CpuParallel.forRange(rows, 1, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * heaps.k;
                int size = 0;
                for (int s = 0; s < segs; s++) {
                    int item = r * segs + s;
                    for (int e = 0; e < segSizes[item]; e++) {
                        int at = item * cap + e;
                        size = CpuTopKHeap.offer(heaps.keys, heaps.cols, base, size, heaps.k, segKeys[at], segCols[at]);
                    }
                }
                heaps.sizes[r] = size;
            }
        });
    }

    /**
     * Offers S[r][c0 + j] = data[offset + j] for j < nc (the spec's row r) to one heap; returns its new size.
     * The masks of {@link RankSpec#eligible} are evaluated inline; a score whose key is below the heap's
     * worst when the heap is full is dropped before the mask test (it could never enter). While the heap is
     * full, the columns that can still enter are found by {@link CpuTopKFilter}'s search, so the loop below
     * runs once per survivor, not once per column (why that search is separate: see its class comment).
     */
    static int scanRow(RankSpec spec, CpuStorage data, long offset, int r, int c0, int nc, double sign,
                       double[] keys, long[] cols, int base, int size, int capacity) {
        long colOffset = spec.colOffset();
        // The block-local column that is the row's own database index, or none.
        long self = spec.excludeSelf() ? spec.rowOffset() + r - colOffset : Long.MIN_VALUE;
        LabelRule rule = spec.rule();
        int[] colLabels = spec.colLabels();
        int rowLabel = rule == LabelRule.ANY ? 0 : spec.rowLabels()[r];
        int off = (int) offset;
        boolean top = sign > 0;
        float[] f = data.isF32() ? data.f() : null;
        double[] dd = f == null ? data.d() : null;
        int j = 0;
        while (j < nc) {
            if (size == capacity) {
                // keys[base] is the worst kept key; key = sign * v >= worst is v >= worst (top) or v <= -worst.
                double worst = keys[base];
                if (f != null) {
                    j = top ? CpuTopKFilter.nextAtLeast(f, off, j, nc, (float) worst)
                            : CpuTopKFilter.nextAtMost(f, off, j, nc, (float) -worst);
                } else {
                    j = top ? CpuTopKFilter.nextAtLeast(dd, off, j, nc, worst)
                            : CpuTopKFilter.nextAtMost(dd, off, j, nc, -worst);
                }
                if (j == nc) {
                    break;
                }
            }
            double v = f != null ? f[off + j] : dd[off + j];
            int c = c0 + j;
            j++;
            if (v != v) {
                continue;
            }
            double key = sign * v;
            if (size == capacity && key < keys[base]) {
                continue;
            }
            if (c == self || (rule == LabelRule.SAME && colLabels[c] != rowLabel)
                    || (rule == LabelRule.DIFFERENT && colLabels[c] == rowLabel)) {
                continue;
            }
            size = CpuTopKHeap.offer(keys, cols, base, size, capacity, key, colOffset + c);
        }
        return size;
    }
}
