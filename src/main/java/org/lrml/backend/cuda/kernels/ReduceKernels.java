package org.lrml.backend.cuda.kernels;

import org.lrml.backend.ReduceOp;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.CudaContext;
import org.lrml.backend.cuda.KernelArgs;
import org.lrml.backend.cuda.KernelRef;
import org.lrml.backend.Shape;
import org.lrml.backend.Storage;
import org.lrml.backend.cuda.CudaStorage;
import org.lrml.backend.family.Reduce;

/**
 * Launcher of kernels/reduce.cu. Default versions: reduce_block_f32_v1 (one block per output) when the reduced
 * axes are innermost, so a block reads consecutive elements; reduce_thread_f32_v1 (one thread per output, the
 * CPU's summation order) when the kept axes are innermost or the reductions are short, so neighbouring threads
 * read neighbouring elements.
 */
public final class ReduceKernels implements Reduce {
    public static final String STEM = "reduce";
    public static final KernelRef BLOCK_PER_OUTPUT = KernelRef.of(STEM, "reduce_block_f32", 1, 1);
    public static final KernelRef THREAD_PER_OUTPUT = KernelRef.of(STEM, "reduce_thread_f32", 1, 1);
    private static final int MAX_BLOCK = 256;
    private static final int THREAD_BLOCK = 256;
    /** Reductions this short go one thread per output whatever the layout. */
    private static final long SHORT = 32;

    private final CudaContext ctx;
    private final ElementwiseKernels elementwise;

    public ReduceKernels(CudaContext ctx, ElementwiseKernels elementwise) {
        this.ctx = ctx;
        this.elementwise = elementwise;
    }

    @Override
    public void reduce(ReduceOp op, Storage x, int[] shape, boolean[] axes, Storage out) {
        reduce(op, CudaStorage.buf(x), shape, axes, CudaStorage.buf(out));
        CudaStorage.keepReachable(x, out);
    }

    static int code(ReduceOp op) {
        return switch (op) {
            case SUM -> 0;
            case MAX -> 1;
            case MIN -> 2;
        };
    }

    /** See Reduce#reduce: out has the shape with reduced axes set to 1. */
    public void reduce(ReduceOp op, Buf x, int[] shape, boolean[] axes, Buf out) {
        if (axes.length != shape.length) {
            throw new IllegalArgumentException("reduce: " + axes.length + " axis flags for shape " + Shape.str(shape));
        }
        long n = Dims.numel(shape);
        if (n != x.length()) {
            throw new IllegalArgumentException("reduce: shape " + Shape.str(shape) + " does not match " + x);
        }
        // Merge runs of axes with the same flag, skipping size-1 axes (row-major contiguity makes this exact).
        long[] dims = new long[Math.max(shape.length, 1)];
        boolean[] red = new boolean[Math.max(shape.length, 1)];
        int r = 0;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1) {
                continue;
            }
            if (r > 0 && red[r - 1] == axes[i]) {
                dims[r - 1] *= shape[i];
            } else {
                dims[r] = shape[i];
                red[r] = axes[i];
                r++;
            }
        }
        long outCount = 1;
        long redCount = 1;
        for (int i = 0; i < r; i++) {
            if (red[i]) {
                redCount *= dims[i];
            } else {
                outCount *= dims[i];
            }
        }
        if (out.length() != outCount) {
            throw new IllegalArgumentException("reduce " + op + " of " + Shape.str(shape) + ": output " + out
                    + " does not hold the " + outCount + " results");
        }
        if (outCount == 0) {
            return;
        }
        if (n == 0) {
            // Empty reductions give the identity, as on the CPU.
            elementwise.fill(out, op == ReduceOp.SUM ? 0f : op == ReduceOp.MAX ? Float.NEGATIVE_INFINITY
                    : Float.POSITIVE_INFINITY);
            return;
        }
        if (redCount == 1) {
            ctx.copy(x, 0, out, 0, outCount);  // nothing to combine: every output is its single input
            return;
        }
        long[] strides = Dims.strides(dims, r);
        long[] keptShape = new long[r];
        long[] keptStrides = new long[r];
        long[] redShape = new long[r];
        long[] redStrides = new long[r];
        int kr = 0;
        int rr = 0;
        for (int i = 0; i < r; i++) {
            if (red[i]) {
                redShape[rr] = dims[i];
                redStrides[rr++] = strides[i];
            } else {
                keptShape[kr] = dims[i];
                keptStrides[kr++] = strides[i];
            }
        }
        String what = "reduce " + op + " of " + Shape.str(shape);
        KernelArgs args = new KernelArgs().i32("op", code(op)).i32("keptRank", kr);
        Dims.add(args, "keptShape", keptShape, kr, 1, what);
        Dims.add(args, "keptStrides", keptStrides, kr, 0, what);
        args.i32("redRank", rr);
        Dims.add(args, "redShape", redShape, rr, 1, what);
        Dims.add(args, "redStrides", redStrides, rr, 0, what);
        args.ptr("x", x.address()).ptr("out", out.address()).i64("outCount", outCount).i64("redCount", redCount);
        boolean keptInnermost = !red[r - 1];
        if (redCount <= SHORT || keptInnermost) {
            ctx.launch1d(ctx.function(THREAD_PER_OUTPUT), outCount, THREAD_BLOCK, args);
        } else {
            int block = blockFor(redCount);
            int grid = (int) Math.min(outCount, 65535L * 64);
            ctx.launch(ctx.function(BLOCK_PER_OUTPUT), grid, 1, 1, block, 1, 1, 0, args);
        }
    }

    /** The smallest power of two >= count, within [32, 256]. */
    static int blockFor(long count) {
        int b = 32;
        while (b < MAX_BLOCK && b < count) {
            b <<= 1;
        }
        return b;
    }
}
