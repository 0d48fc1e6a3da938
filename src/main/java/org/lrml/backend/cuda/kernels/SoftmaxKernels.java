package org.lrml.backend.cuda.kernels;

import org.lrml.backend.Storage;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.CudaContext;
import org.lrml.backend.cuda.CudaStorage;
import org.lrml.backend.cuda.KernelArgs;
import org.lrml.backend.cuda.KernelRef;
import org.lrml.backend.family.Softmax;

/**
 * Launcher of kernels/softmax.cu. Default versions: softmax_f32_v1 (one block per row, sized to the row),
 * softmax_axis_f32_v1 (one thread per line of an (outer, axis, inner) view).
 */
public final class SoftmaxKernels implements Softmax {
    public static final String STEM = "softmax";
    public static final KernelRef SOFTMAX = KernelRef.of(STEM, "softmax_f32", 1, 1);
    public static final KernelRef SOFTMAX_AXIS = KernelRef.of(STEM, "softmax_axis_f32", 1, 1);
    private static final int AXIS_BLOCK = 256;
    private static final int MAX_GRID = 65535;

    private final CudaContext ctx;

    public SoftmaxKernels(CudaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void softmax(Storage x, int rows, int cols, boolean log, Storage y) {
        softmax(CudaStorage.buf(x), rows, cols, log, CudaStorage.buf(y));
        CudaStorage.keepReachable(x, y);
    }

    @Override
    public void softmaxAxis(Storage x, int outer, int axis, int inner, boolean log, Storage y) {
        softmaxAxis(CudaStorage.buf(x), outer, axis, inner, log, CudaStorage.buf(y));
        CudaStorage.keepReachable(x, y);
    }

    public void softmaxAxis(Buf x, int outer, int axis, int inner, boolean log, Buf y) {
        long n = (long) outer * axis * inner;
        if (outer < 0 || axis < 1 || inner < 1 || x.length() != n || y.length() != n) {
            throw new IllegalArgumentException((log ? "logSoftmax" : "softmax") + ": " + x + " -> " + y + " is not ("
                    + outer + ", " + axis + ", " + inner + ") with axis and inner >= 1");
        }
        if (n == 0) {
            return;
        }
        ctx.launch1d(ctx.function(SOFTMAX_AXIS), (long) outer * inner, AXIS_BLOCK, new KernelArgs()
                .ptr("x", x.address()).ptr("y", y.address()).i64("outer", outer).i64("axis", axis)
                .i64("inner", inner).i32("logSoftmax", log ? 1 : 0));
    }

    public void softmax(Buf x, int rows, int cols, boolean log, Buf y) {
        long n = (long) rows * cols;
        if (rows < 0 || cols < 0 || x.length() != n || y.length() != n) {
            throw new IllegalArgumentException("softmax: " + x + " -> " + y + " is not " + rows + " x " + cols);
        }
        if (n == 0) {
            return;
        }
        ctx.launch(ctx.function(SOFTMAX), Math.min(rows, MAX_GRID), 1, 1, ReduceKernels.blockFor(cols), 1, 1, 0,
                new KernelArgs().ptr("x", x.address()).ptr("y", y.address()).i64("rows", rows).i64("cols", cols)
                        .i32("logSoftmax", log ? 1 : 0));
    }
}
