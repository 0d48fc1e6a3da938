package org.lrml.backend.cuda.kernels;

import org.lrml.backend.BinaryOp;
import org.lrml.backend.UnaryOp;
import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.CudaContext;
import org.lrml.backend.cuda.KernelArgs;
import org.lrml.backend.cuda.KernelRef;
import org.lrml.backend.Shape;
import org.lrml.backend.Storage;
import org.lrml.backend.cuda.CudaStorage;
import org.lrml.backend.family.Elementwise;

/**
 * Launcher of kernels/elementwise.cu: fill, unary maps, broadcasting binary maps, axpy. Default versions:
 * fill_f32_v1, unary_f32_v1, binary_f32_v1, axpy_f32_v1.
 */
public final class ElementwiseKernels implements Elementwise {
    public static final String STEM = "elementwise";
    public static final KernelRef FILL = KernelRef.of(STEM, "fill_f32", 1, 1);
    public static final KernelRef UNARY = KernelRef.of(STEM, "unary_f32", 1, 1);
    public static final KernelRef BINARY = KernelRef.of(STEM, "binary_f32", 1, 1);
    public static final KernelRef AXPY = KernelRef.of(STEM, "axpy_f32", 1, 1);
    private static final int BLOCK = 256;

    private final CudaContext ctx;

    public ElementwiseKernels(CudaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void unary(UnaryOp op, Storage x, Storage y, double p0, double p1) {
        unary(op, CudaStorage.buf(x), CudaStorage.buf(y), p0, p1);
        CudaStorage.keepReachable(x, y);
    }

    @Override
    public void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape) {
        binary(op, CudaStorage.buf(a), aShape, CudaStorage.buf(b), bShape, CudaStorage.buf(out), outShape);
        CudaStorage.keepReachable(a, b, out);
    }

    @Override
    public void axpy(double alpha, Storage x, Storage y) {
        axpy(alpha, CudaStorage.buf(x), CudaStorage.buf(y));
        CudaStorage.keepReachable(x, y);
    }

    public void fill(Buf y, float value) {
        ctx.launch1d(ctx.function(FILL), y.length(), BLOCK,
                new KernelArgs().ptr("y", y.address()).f32("value", value).i64("n", y.length()));
    }

    public void unary(UnaryOp op, Buf x, Buf y, double p0, double p1) {
        if (x.length() != y.length()) {
            throw new IllegalArgumentException("unary " + op + ": input " + x + " and output " + y + " differ in length");
        }
        ctx.launch1d(ctx.function(UNARY), x.length(), BLOCK, new KernelArgs().i32("op", op.code())
                .ptr("x", x.address()).ptr("y", y.address()).i64("n", x.length()).f64("p0", p0).f64("p1", p1));
    }

    /**
     * out = op(a, b) with NumPy broadcasting (shapes of equal rank, each axis equal to out's or 1). Axes of size 1
     * in the output are dropped and axes contiguous in a, b and out merged, so the kernel sees the smallest rank.
     */
    public void binary(BinaryOp op, Buf a, int[] aShape, Buf b, int[] bShape, Buf out, int[] outShape) {
        int rank = outShape.length;
        if (aShape.length != rank || bShape.length != rank) {
            throw new IllegalArgumentException("binary " + op + ": ranks differ " + Shape.str(aShape) + ", "
                    + Shape.str(bShape) + " -> " + Shape.str(outShape));
        }
        long n = Dims.numel(outShape);
        if (a.length() != Dims.numel(aShape) || b.length() != Dims.numel(bShape) || out.length() != n) {
            throw new IllegalArgumentException("binary " + op + ": storages " + a + ", " + b + ", " + out
                    + " do not match shapes " + Shape.str(aShape) + ", " + Shape.str(bShape) + " -> " + Shape.str(outShape));
        }
        long[] sa = broadcastStrides(aShape, outShape, "a", op);
        long[] sb = broadcastStrides(bShape, outShape, "b", op);
        long[] dims = new long[Math.max(rank, 1)];
        long[] ca = new long[Math.max(rank, 1)];
        long[] cb = new long[Math.max(rank, 1)];
        int r = 0;
        for (int i = 0; i < rank; i++) {
            if (outShape[i] == 1) {
                continue;
            }
            // out is contiguous, so only a and b decide whether axis i continues the previous merged axis.
            if (r > 0 && ca[r - 1] == sa[i] * outShape[i] && cb[r - 1] == sb[i] * outShape[i]) {
                dims[r - 1] *= outShape[i];
                ca[r - 1] = sa[i];
                cb[r - 1] = sb[i];
            } else {
                dims[r] = outShape[i];
                ca[r] = sa[i];
                cb[r] = sb[i];
                r++;
            }
        }
        if (r == 0) {
            dims[0] = 1;
            r = 1;
        }
        if (n == 0) {
            return;
        }
        KernelArgs args = new KernelArgs().i32("op", op.code()).i32("rank", r);
        Dims.add(args, "shape", dims, r, 1, "binary " + op);
        Dims.add(args, "aStrides", ca, r, 0, "binary " + op);
        Dims.add(args, "bStrides", cb, r, 0, "binary " + op);
        args.ptr("a", a.address()).ptr("b", b.address()).ptr("out", out.address()).i64("n", n);
        ctx.launch1d(ctx.function(BINARY), n, BLOCK, args);
    }

    private static long[] broadcastStrides(int[] shape, int[] outShape, String which, BinaryOp op) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != outShape[i] && shape[i] != 1) {
                throw new IllegalArgumentException("binary " + op + ": operand " + which + " " + Shape.str(shape)
                        + " does not broadcast to " + Shape.str(outShape));
            }
            s[i] = shape[i] == 1 ? 0 : acc;
            acc *= shape[i];
        }
        return s;
    }

    /** y += alpha x (no fused multiply-add, the CPU's float order). */
    public void axpy(double alpha, Buf x, Buf y) {
        if (x.length() != y.length()) {
            throw new IllegalArgumentException("axpy: " + x + " into " + y + ": lengths differ");
        }
        ctx.launch1d(ctx.function(AXPY), x.length(), BLOCK, new KernelArgs().f32("alpha", (float) alpha)
                .ptr("x", x.address()).ptr("y", y.address()).i64("n", x.length()));
    }
}
