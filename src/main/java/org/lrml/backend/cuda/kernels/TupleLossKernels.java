package org.lrml.backend.cuda.kernels;

import org.lrml.backend.TupleTable;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.CudaContext;
import org.lrml.backend.cuda.KernelArgs;
import org.lrml.backend.cuda.KernelRef;
import org.lrml.backend.LossSpec;
import org.lrml.backend.Storage;
import org.lrml.backend.cuda.CudaStorage;
import org.lrml.backend.family.TupleLoss;

/**
 * Launcher of kernels/tupleloss.cu: TupleLoss#lossAndGrad, the fused LRML / contrastive / triplet loss and dL/dX.
 * Default versions: tupleloss_dots_f32_v1, tupleloss_coef_f32_v1, tupleloss_grad_f32_v1.
 *
 * <p>One call: the tuple table and its row index (CSR: for each row of X, the entries t * w + column naming it,
 * in increasing order -- a stable counting sort, built here) go up in one upload; the dots, the per-tuple losses
 * and coefficients, and dX are three launches; the per-tuple losses come back and are summed in tuple order, as
 * the CPU does. No atomics anywhere: the result is bit-for-bit repeatable.
 */
public final class TupleLossKernels implements TupleLoss {
    public static final String STEM = "tupleloss";
    public static final KernelRef DOTS = KernelRef.of(STEM, "tupleloss_dots_f32", 1, 1);
    public static final KernelRef COEF = KernelRef.of(STEM, "tupleloss_coef_f32", 1, 1);
    public static final KernelRef GRAD = KernelRef.of(STEM, "tupleloss_grad_f32", 1, 1);
    private static final int BLOCK = 256;

    private final CudaContext ctx;

    public TupleLossKernels(CudaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public double lossAndGrad(LossSpec spec, Storage x, int n, int d, int[] tuples, int m, int k, Storage dx) {
        double result = tupleLoss(spec, CudaStorage.buf(x), n, d, tuples, m, k, CudaStorage.bufOrNull(dx));
        CudaStorage.keepReachable(x, dx);
        return result;
    }

    /** TupleLoss#lossAndGrad on float32 X (n x d); dx may be null (loss only). */
    public double tupleLoss(LossSpec spec, Buf x, int n, int d, int[] tuples, int m, int k, Buf dx) {
        validate(x, n, d, tuples, m, k, dx);
        int w = 2 + k;
        int entries = m * w;
        int[] table = dx == null ? tuples : withRowIndex(tuples, n, entries);
        long mw = (long) m * w;
        long mk = (long) m * k;
        // doubles: s, dist, coef (m*w each), perTuple (m), weight (m*k); then ints: order (m*k)
        long doubles = 3 * mw + m + mk;
        try (CudaContext.Scratch ints = ctx.upload(table, "tupleLoss: the table of " + m + " tuples of 2+" + k
                + (dx == null ? "" : " and its row index"));
             CudaContext.Scratch work = ctx.scratch(8 * doubles + 4 * mk, "tupleLoss: per-tuple work of " + m + " tuples")) {
            long s = work.address();
            long dist = s + 8 * mw;
            long coef = dist + 8 * mw;
            long perTuple = coef + 8 * mw;
            long weight = perTuple + 8L * m;
            long order = weight + 8 * mk;
            ctx.launch1d(ctx.function(DOTS), (long) m * (w - 1), BLOCK, new KernelArgs().ptr("x", x.address()).i32("d", d)
                    .ptr("tuples", ints.address()).i32("m", m).i32("w", w).ptr("s", s));
            ctx.launch1d(ctx.function(COEF), m, BLOCK, new KernelArgs().i32("kind", kind(spec))
                    .f64("alpha", spec.alpha()).f64("margin", spec.margin()).f64("temperature", spec.temperature())
                    .f64("lambda", spec.lambda()).f64("delta", spec.delta()).f64("mu", spec.mu())
                    .f64("orderEps", spec.orderEps()).ptr("tuples", ints.address()).i32("m", m).i32("k", k).ptr("s", s)
                    .ptr("dist", dist).ptr("order", order).ptr("weight", weight).ptr("coef", coef)
                    .ptr("perTuple", perTuple));
            if (dx != null) {
                ctx.launch1d(ctx.function(GRAD), (long) n * d, BLOCK, new KernelArgs().ptr("x", x.address()).i32("n", n)
                        .i32("d", d).ptr("tuples", ints.address()).i32("w", w).ptr("coef", coef)
                        .ptr("start", ints.intAddress(entries)).ptr("entry", ints.intAddress(entries + n + 1L))
                        .ptr("dx", dx.address()));
            }
            double[] losses = ctx.downloadDoubles(perTuple, m, "tupleLoss: " + m + " per-tuple losses");
            double sum = 0;
            for (double l : losses) {
                sum += l;
            }
            return sum / m;
        }
    }

    private static int kind(LossSpec spec) {
        return switch (spec.kind()) {
            case LRML -> 0;
            case CONTRASTIVE -> 1;
            case TRIPLET -> 2;
        };
    }

    /**
     * [tuples (entries) | start (n + 1) | entry (entries)]: start[r] .. start[r+1] index the entries e = t * w + col
     * naming row r, in increasing e (a stable counting sort, as CpuTupleLoss.scatter).
     */
    static int[] withRowIndex(int[] tuples, int n, int entries) {
        int[] out = new int[entries + n + 1 + entries];
        System.arraycopy(tuples, 0, out, 0, entries);
        int start = entries;
        for (int e = 0; e < entries; e++) {
            out[start + tuples[e] + 1]++;
        }
        for (int r = 0; r < n; r++) {
            out[start + r + 1] += out[start + r];
        }
        int[] fill = new int[n];
        for (int r = 0; r < n; r++) {
            fill[r] = out[start + r];
        }
        int entry = start + n + 1;
        for (int e = 0; e < entries; e++) {
            out[entry + fill[tuples[e]]++] = e;
        }
        return out;
    }

    /** The checks CpuTupleLoss.validate makes (TupleTable), plus the limit of the int index arrays this side builds. */
    static void validate(Buf x, int n, int d, int[] tuples, int m, int k, Buf dx) {
        TupleTable.checkSizes(n, d, x.length(), x, tuples, m, k);
        if ((long) tuples.length * 2 + n + 1 > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("tupleLoss: " + m + " tuples of 2+" + k + " over " + n
                    + " rows need a row index larger than one array holds; split the batch");
        }
        if (dx != null && dx.length() != x.length()) {
            throw new IllegalArgumentException("tupleLoss: dX must match X (" + x + "), got " + dx);
        }
        TupleTable.checkIndices(n, tuples, k);
    }
}
