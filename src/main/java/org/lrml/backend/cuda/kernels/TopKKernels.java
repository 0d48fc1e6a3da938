package org.lrml.backend.cuda.kernels;

import org.lrml.backend.LabelRule;
import org.lrml.backend.RankResult;
import org.lrml.backend.RankSpec;
import org.lrml.backend.Storage;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.CudaContext;
import org.lrml.backend.cuda.CudaStorage;
import org.lrml.backend.cuda.KernelArgs;
import org.lrml.backend.cuda.KernelRef;
import org.lrml.backend.family.Ranking;

/**
 * Launcher of kernels/topk.cu: top-k / bottom-k per row (Ranking#rank), identical to the CPU's CpuRanking in values
 * and indices. Default versions: topk_select_f32_v1, topk_merge_f32_v1.
 *
 * <p>Plan of one ranking: rows are split into column segments when there are too few rows to occupy the GPU
 * (each segment selects its own best, then topk_merge_f32 selects across a row's segments); k beyond
 * {@link #MAX_WIDTH} runs as passes of at most MAX_WIDTH slots, each pass selecting the best keys below the
 * last key of the pass before. Labels go to the device once per ranking; results come back as float values and
 * int block-local columns, turned into the RankResult's doubles and global columns.
 */
public final class TopKKernels implements Ranking {
    public static final String STEM = "topk";
    public static final KernelRef SELECT = KernelRef.of(STEM, "topk_select_f32", 1, 1);
    public static final KernelRef MERGE = KernelRef.of(STEM, "topk_merge_f32", 1, 1);
    /** Slots one pass selects (TK_MAX_WIDTH in topk.cu). */
    public static final int MAX_WIDTH = 1024;
    private static final int THREADS = 256;
    /** A segment is never shorter than this many columns (and 8 x the pass width), so merging stays cheap. */
    private static final int MIN_SEGMENT = 8192;
    /** Resident 256-thread blocks per SM (TK_MIN_BLOCKS in topk.cu: 24 KiB of shared memory each). */
    private static final int BLOCKS_PER_SM = 6;

    private final CudaContext ctx;

    public TopKKernels(CudaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public RankResult rank(RankSpec spec, Storage scores) {
        RankResult result = rank(spec, CudaStorage.buf(scores));
        CudaStorage.keepReachable(scores);
        return result;
    }

    /** Ranking#rank: the scores block is spec.rows() x spec.cols(), row-major. */
    public RankResult rank(RankSpec spec, Buf scores) {
        long need = (long) spec.rows() * spec.cols();
        if (scores.length() != need) {
            throw new IllegalArgumentException("rank: " + spec + " needs a score block of " + need + " elements, got "
                    + scores);
        }
        if (spec.rows() == 0 || spec.cols() == 0) {
            return empty(spec);
        }
        try (Job job = new Job(spec)) {
            job.selectRows(scores, 0, 0, spec.rows(), spec.cols());
            return job.result();
        }
    }

    /** The result of a ranking with no rows or no columns: every slot empty (-1, NaN). */
    public static RankResult empty(RankSpec spec) {
        long total = (long) spec.rows() * spec.k();
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("rank: " + spec + " would return " + total
                    + " entries, more than one array holds; rank fewer rows at a time");
        }
        double[] values = new double[(int) total];
        long[] indices = new long[(int) total];
        java.util.Arrays.fill(values, Double.NaN);
        java.util.Arrays.fill(indices, -1);
        return new RankResult(spec.rows(), spec.k(), values, indices);
    }

    /**
     * The device side of one ranking: labels, the value / column outputs and, for k beyond one pass, the keys the
     * next pass is bounded by. Rows are ranked by {@link #selectRows} (from scores) or {@link #mergeLists} (from
     * candidate keys), then {@link #result} downloads them.
     */
    public final class Job implements AutoCloseable {
        private final RankSpec spec;
        private final int rows;
        private final int k;
        private final CudaContext.Scratch labels;
        private final CudaContext.Scratch values;
        private final CudaContext.Scratch indices;
        /** rows x k keys, only when k needs several passes. */
        private final CudaContext.Scratch keys;

        public Job(RankSpec spec) {
            this.spec = spec;
            this.rows = spec.rows();
            this.k = spec.k();
            long total = (long) rows * k;
            if (total > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("rank: " + spec + " would return " + total
                        + " entries, more than one array holds; rank fewer rows at a time");
            }
            CudaContext.Scratch l = null;
            CudaContext.Scratch v = null;
            CudaContext.Scratch i = null;
            CudaContext.Scratch kk = null;
            try {
                if (spec.rule() != LabelRule.ANY) {
                    int[] both = new int[rows + spec.cols()];
                    System.arraycopy(spec.rowLabels(), 0, both, 0, rows);
                    System.arraycopy(spec.colLabels(), 0, both, rows, spec.cols());
                    l = ctx.upload(both, "rank: " + both.length + " row and column labels");
                }
                v = ctx.scratch(4 * total, "rank: " + total + " result values");
                i = ctx.scratch(4 * total, "rank: " + total + " result columns");
                if (k > MAX_WIDTH) {
                    kk = ctx.scratch(8 * total, "rank: " + total + " keys bounding the passes of k = " + k);
                }
            } catch (RuntimeException e) {
                closeAll(l, v, i, kk);
                throw e;
            }
            labels = l;
            values = v;
            indices = i;
            keys = kk;
        }

        int rule() {
            return switch (spec.rule()) {
                case ANY -> 0;
                case SAME -> 1;
                case DIFFERENT -> 2;
            };
        }

        /** Spec row r's self column is r + selfShift (block-local columns). */
        long selfShift() {
            return spec.rowOffset() - spec.colOffset();
        }

        long rowLabelsAt(int r0) {
            return labels == null ? 0 : labels.intAddress(r0);
        }

        long colLabelsAt() {
            return labels == null ? 0 : labels.intAddress(rows);
        }

        /**
         * Ranks spec rows r0 .. r0 + nr - 1, whose scores are {@code scores[offset + (r - r0) * ld + j]}, j &lt; cols.
         */
        public void selectRows(Buf scores, long offset, int r0, int nr, long ld) {
            int cols = spec.cols();
            if (nr == 0) {
                return;
            }
            if (offset < 0 || offset + (nr - 1) * ld + cols > scores.length()) {
                throw new IllegalArgumentException("rank: rows " + r0 + ".." + (r0 + nr - 1) + " at offset " + offset
                        + " with row stride " + ld + " reach past " + scores);
            }
            int sms = Math.max(1, ctx.info().multiprocessors());
            for (int first = 0; first < k; first += MAX_WIDTH) {
                int width = Math.min(MAX_WIDTH, k - first);
                int segs = segments(nr, cols, width, sms);
                long bound = first == 0 ? 0 : keyAddress(r0, first - 1);
                long keysOut = keys == null ? 0 : keyAddress(r0, first);
                if (segs == 1) {
                    launchSelect(scores.address() + 4 * offset, ld, nr, cols, cols, 1, width, r0, bound, keysOut, k,
                            true, first);
                } else {
                    long segLen = (cols + (long) segs - 1) / segs;
                    segs = (int) ((cols + segLen - 1) / segLen);
                    long listLen = (long) segs * width;
                    try (CudaContext.Scratch segKeys = ctx.scratch(8L * nr * listLen, "rank: " + nr + " rows x " + segs
                            + " segments x " + width + " candidate keys")) {
                        launchSelect(scores.address() + 4 * offset, ld, nr, cols, segLen, segs, width, r0, bound,
                                segKeys.address(), width, false, first);
                        launchMerge(segKeys.address(), listLen, listLen, r0, nr, width, bound, keysOut, first);
                    }
                }
            }
        }

        /**
         * Ranks every row from candidate keys (topk.cu's key form, key 0 = none): row r's list is
         * {@code list[r * listLen .. (r + 1) * listLen)} at the device address. One pass: k at most MAX_WIDTH.
         */
        public void mergeLists(long list, long listLen) {
            if (k > MAX_WIDTH) {
                throw new IllegalArgumentException("rank: merging candidate lists supports k <= " + MAX_WIDTH + ", got "
                        + spec);
            }
            if (rows > 0) {
                launchMerge(list, listLen, listLen, 0, rows, k, 0, 0, 0);
            }
        }

        private long keyAddress(int row, int slot) {
            return keys.address() + 8 * ((long) row * k + slot);
        }

        private void launchSelect(long scores, long ld, int nr, int cols, long segLen, int segs, int width, int r0,
                                  long bound, long keysOut, long keysLd, boolean emit, int first) {
            KernelArgs a = new KernelArgs().ptr("scores", scores).i64("ld", ld).i32("rows", nr).i64("cols", cols)
                    .i64("segLen", segLen).i32("segs", segs).i32("largest", spec.largest() ? 1 : 0).i32("width", width)
                    .ptr("rowLabels", rowLabelsAt(r0)).ptr("colLabels", colLabelsAt()).i32("rule", rule())
                    .i32("excludeSelf", spec.excludeSelf() ? 1 : 0).i64("selfShift", selfShift() + r0)
                    .ptr("bound", bound).i64("boundLd", k).ptr("keys", keysOut).i64("keysLd", keysLd);
            outputs(a, emit, r0, first);
            launch(SELECT, (long) nr * segs, a);
        }

        private void launchMerge(long list, long inLd, long listLen, int r0, int nr, int width, long bound,
                                 long keysOut, int first) {
            KernelArgs a = new KernelArgs().ptr("in", list).i64("inLd", inLd).i64("listLen", listLen).i32("rows", nr)
                    .i32("largest", spec.largest() ? 1 : 0).i32("width", width).ptr("bound", bound).i64("boundLd", k)
                    .ptr("keys", keysOut).i64("keysLd", k);
            outputs(a, true, r0, first);
            launch(MERGE, nr, a);
        }

        private void outputs(KernelArgs a, boolean emit, int r0, int first) {
            long at = (long) r0 * k + first;
            a.ptr("values", emit ? values.address() + 4 * at : 0).ptr("indices", emit ? indices.address() + 4 * at : 0)
                    .i64("outLd", k);
        }

        private void launch(KernelRef ref, long items, KernelArgs a) {
            int sms = Math.max(1, ctx.info().multiprocessors());
            int blocks = (int) Math.min(items, (long) sms * BLOCKS_PER_SM * 4);
            ctx.launch(ctx.function(ref), blocks, 1, 1, THREADS, 1, 1, 0, a);
        }

        /** Downloads the ranking: values as doubles (NaN in empty slots), global column indices (-1 in them). */
        public RankResult result() {
            int total = rows * k;
            float[] v = ctx.downloadFloats(values.address(), total, "rank values");
            int[] c = ctx.downloadInts(indices.address(), total, "rank columns");
            double[] outValues = new double[total];
            long[] outIndices = new long[total];
            long colOffset = spec.colOffset();
            for (int i = 0; i < total; i++) {
                if (c[i] < 0) {
                    outValues[i] = Double.NaN;
                    outIndices[i] = -1;
                } else {
                    outValues[i] = v[i];
                    outIndices[i] = colOffset + c[i];
                }
            }
            return new RankResult(rows, k, outValues, outIndices);
        }

        @Override
        public void close() {
            closeAll(labels, values, indices, keys);
        }
    }

    /**
     * Segments per row: enough (row, segment) blocks to fill the GPU twice over when rows are few, none shorter
     * than MIN_SEGMENT columns or 8 x the pass width.
     */
    static int segments(int rows, int cols, int width, int sms) {
        long target = 2L * sms * BLOCKS_PER_SM;
        if (rows >= target) {
            return 1;
        }
        long minSegment = Math.max(MIN_SEGMENT, 8L * width);
        long most = Math.max(1, cols / minSegment);
        return (int) Math.max(1, Math.min(most, (target + rows - 1) / rows));
    }

    private static void closeAll(CudaContext.Scratch... all) {
        for (CudaContext.Scratch s : all) {
            if (s != null) {
                s.close();
            }
        }
    }
}
