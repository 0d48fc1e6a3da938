package org.lrml.backend.cuda.kernels;

import org.lrml.backend.Storage;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.CudaContext;
import org.lrml.backend.cuda.CudaStorage;
import org.lrml.backend.cuda.KernelArgs;
import org.lrml.backend.cuda.KernelRef;
import org.lrml.backend.family.Softmax;

/** Launcher of kernels/softmax.cu. Default version: softmax_f32_v1 (one block per row, sized to the row). */
public final class SoftmaxKernels implements Softmax {
    public static final String STEM = "softmax";
    public static final KernelRef SOFTMAX = KernelRef.of(STEM, "softmax_f32", 1, 1);
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
