package org.lrml.backend.cuda.kernels;

import java.util.Arrays;

import org.lrml.backend.cuda.Buf;
import org.lrml.backend.cuda.CudaContext;
import org.lrml.backend.cuda.KernelArgs;
import org.lrml.backend.cuda.KernelRef;
import org.lrml.backend.Shape;
import org.lrml.backend.Storage;
import org.lrml.backend.cuda.CudaStorage;
import org.lrml.backend.family.Layout;

/**
 * Launcher of kernels/layout.cu: strided copies, row and axis gathers and their deterministic scatter-adds.
 * Default versions: copy_strided_f32_v1, gather_rows_f32_v1, scatter_add_rows_f32_v1, gather_axis_f32_v1,
 * scatter_add_axis_f32_v1. Index lists are checked on the host, then uploaded to scratch memory from the caching
 * allocator.
 */
public final class LayoutKernels implements Layout {
    public static final String STEM = "layout";
    public static final KernelRef COPY_STRIDED = KernelRef.of(STEM, "copy_strided_f32", 1, 1);
    public static final KernelRef GATHER_ROWS = KernelRef.of(STEM, "gather_rows_f32", 1, 1);
    public static final KernelRef SCATTER_ADD_ROWS = KernelRef.of(STEM, "scatter_add_rows_f32", 1, 1);
    public static final KernelRef GATHER_AXIS = KernelRef.of(STEM, "gather_axis_f32", 1, 1);
    public static final KernelRef SCATTER_ADD_AXIS = KernelRef.of(STEM, "scatter_add_axis_f32", 1, 1);
    private static final int BLOCK = 256;

    private final CudaContext ctx;

    public LayoutKernels(CudaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void copyStrided(Storage src, long srcOffset, int[] srcStrides, Storage dst, long dstOffset, int[] dstStrides, int[] shape) {
        copyStrided(CudaStorage.buf(src), srcOffset, srcStrides, CudaStorage.buf(dst), dstOffset, dstStrides, shape);
        CudaStorage.keepReachable(src, dst);
    }

    @Override
    public void gatherRows(Storage src, int rowLength, int[] rows, Storage dst) {
        gatherRows(CudaStorage.buf(src), rowLength, rows, CudaStorage.buf(dst));
        CudaStorage.keepReachable(src, dst);
    }

    @Override
    public void scatterAddRows(Storage src, int rowLength, int[] rows, Storage dst) {
        scatterAddRows(CudaStorage.buf(src), rowLength, rows, CudaStorage.buf(dst));
        CudaStorage.keepReachable(src, dst);
    }

    @Override
    public void gatherAxis(Storage src, int outer, int axisLength, int inner, int[] indices, Storage dst) {
        gatherAxis(CudaStorage.buf(src), outer, axisLength, inner, indices, CudaStorage.buf(dst));
        CudaStorage.keepReachable(src, dst);
    }

    @Override
    public void scatterAddAxis(Storage src, int outer, int axisLength, int inner, int[] indices, Storage dst) {
        scatterAddAxis(CudaStorage.buf(src), outer, axisLength, inner, indices, CudaStorage.buf(dst));
        CudaStorage.keepReachable(src, dst);
    }

    /** Layout#copyStrided with int strides. */
    public void copyStrided(Buf src, long srcOffset, int[] srcStrides, Buf dst, long dstOffset, int[] dstStrides,
                            int[] shape) {
        long[] s = new long[shape.length];
        long[] d = new long[shape.length];
        long[] n = new long[shape.length];
        if (srcStrides.length != shape.length || dstStrides.length != shape.length) {
            throw new IllegalArgumentException("copyStrided: stride ranks do not match shape " + Shape.str(shape));
        }
        for (int i = 0; i < shape.length; i++) {
            s[i] = srcStrides[i];
            d[i] = dstStrides[i];
            n[i] = shape[i];
        }
        copyStrided(src, srcOffset, s, dst, dstOffset, d, n);
    }

    /**
     * For every index tuple i of shape: dst[dstOffset + sum i_k dstStrides_k] = src[srcOffset + sum i_k srcStrides_k].
     * Every element touched is checked to lie inside its buffer before launching. When source and destination
     * are the same buffer, the source is first copied aside, so overlapping regions copy as if simultaneously.
     */
    public void copyStrided(Buf src, long srcOffset, long[] srcStrides, Buf dst, long dstOffset, long[] dstStrides,
                            long[] shape) {
        int rank = shape.length;
        long total = 1;
        for (long v : shape) {
            if (v < 0) {
                throw new IllegalArgumentException("copyStrided: negative size in " + Arrays.toString(shape));
            }
            total *= v;
        }
        if (total == 0) {
            return;
        }
        checkRange("source", src, srcOffset, srcStrides, shape);
        checkRange("destination", dst, dstOffset, dstStrides, shape);
        // Merge axes that are contiguous in both source and destination; drop size-1 axes.
        long[] dims = new long[Math.max(rank, 1)];
        long[] ss = new long[Math.max(rank, 1)];
        long[] ds = new long[Math.max(rank, 1)];
        int r = 0;
        for (int i = 0; i < rank; i++) {
            if (shape[i] == 1) {
                continue;
            }
            if (r > 0 && ss[r - 1] == srcStrides[i] * shape[i] && ds[r - 1] == dstStrides[i] * shape[i]) {
                dims[r - 1] *= shape[i];
                ss[r - 1] = srcStrides[i];
                ds[r - 1] = dstStrides[i];
            } else {
                dims[r] = shape[i];
                ss[r] = srcStrides[i];
                ds[r] = dstStrides[i];
                r++;
            }
        }
        if (r == 0) {
            dims[0] = 1;
            ss[0] = 1;
            ds[0] = 1;
            r = 1;
        }
        if (r == 1 && ss[0] == 1 && ds[0] == 1 && src.address() != dst.address()) {
            ctx.copy(src, srcOffset, dst, dstOffset, dims[0]);
            return;
        }
        if (src.address() == dst.address()) {
            try (CudaContext.Scratch aside = ctx.scratch(4 * src.length(), "copyStrided: the source of an in-place copy")) {
                Buf copy = aside.floats(src.length());
                ctx.copy(src, 0, copy, 0, src.length());
                launchCopy(copy, srcOffset, ss, dst, dstOffset, ds, dims, r, total);
            }
            return;
        }
        launchCopy(src, srcOffset, ss, dst, dstOffset, ds, dims, r, total);
    }

    private void launchCopy(Buf src, long srcOffset, long[] ss, Buf dst, long dstOffset, long[] ds, long[] dims, int r,
                            long total) {
        KernelArgs args = new KernelArgs().i32("rank", r);
        Dims.add(args, "shape", dims, r, 1, "copyStrided");
        Dims.add(args, "srcStrides", ss, r, 0, "copyStrided");
        Dims.add(args, "dstStrides", ds, r, 0, "copyStrided");
        args.ptr("src", src.address()).i64("srcOffset", srcOffset).ptr("dst", dst.address()).i64("dstOffset", dstOffset)
                .i64("n", total);
        ctx.launch1d(ctx.function(COPY_STRIDED), total, BLOCK, args);
    }

    private static void checkRange(String which, Buf b, long offset, long[] strides, long[] shape) {
        long lo = offset;
        long hi = offset;
        for (int i = 0; i < shape.length; i++) {
            long span = (shape[i] - 1) * strides[i];
            if (span < 0) {
                lo += span;
            } else {
                hi += span;
            }
        }
        if (lo < 0 || hi >= b.length()) {
            throw new IndexOutOfBoundsException("copyStrided: the " + which + " view (offset " + offset + ", strides "
                    + Arrays.toString(strides) + ", shape " + Arrays.toString(shape) + ") reaches elements " + lo + ".."
                    + hi + " outside " + b);
        }
    }

    /** dst row i = src row rows[i]. */
    public void gatherRows(Buf src, int rowLength, int[] rows, Buf dst) {
        long nRows = checkRows("gatherRows", src, rowLength, rows);
        if (dst.length() != (long) rows.length * rowLength) {
            throw new IllegalArgumentException("gatherRows: output " + dst + " does not hold " + rows.length + " rows of "
                    + rowLength + " (the table has " + nRows + " rows)");
        }
        if (rows.length == 0) {
            return;
        }
        try (CudaContext.Scratch idx = ctx.upload(rows, "gatherRows: " + rows.length + " row indices")) {
            ctx.launch1d(ctx.function(GATHER_ROWS), (long) rows.length * rowLength, BLOCK, new KernelArgs()
                    .ptr("src", src.address()).ptr("rows", idx.address()).ptr("dst", dst.address())
                    .i64("nRows", rows.length).i64("rowLength", rowLength));
        }
    }

    /**
     * dst row rows[i] += src row i, in increasing i. The host groups the sources by destination (a CSR: touched
     * rows, offsets, sources in increasing order) so that one thread per (touched row, column) sums them in that
     * order: the float results equal the CPU's bit for bit, with no atomics.
     */
    public void scatterAddRows(Buf src, int rowLength, int[] rows, Buf dst) {
        long nRows = checkRows("scatterAddRows", dst, rowLength, rows);
        if (src.length() != (long) rows.length * rowLength) {
            throw new IllegalArgumentException("scatterAddRows: source " + src + " does not hold " + rows.length
                    + " rows of " + rowLength);
        }
        if (rows.length == 0) {
            return;
        }
        int[] table = csr(rows, (int) nRows);
        int touched = table[0];
        try (CudaContext.Scratch t = ctx.upload(Arrays.copyOfRange(table, 1, table.length),
                "scatterAddRows: index table of " + rows.length + " rows")) {
            ctx.launch1d(ctx.function(SCATTER_ADD_ROWS), (long) touched * rowLength, BLOCK, new KernelArgs()
                    .ptr("src", src.address()).ptr("dstRows", t.intAddress(0)).ptr("starts", t.intAddress(touched))
                    .ptr("srcIdx", t.intAddress(2L * touched + 1)).ptr("dst", dst.address())
                    .i64("nTouched", touched).i64("rowLength", rowLength));
        }
    }

    /** dst (outer, n, inner) [o, i, j] = src (outer, axisLength, inner) [o, indices[i], j]. */
    public void gatherAxis(Buf src, int outer, int axisLength, int inner, int[] indices, Buf dst) {
        checkAxis("gatherAxis", src, outer, axisLength, inner, indices, dst);
        long total = (long) outer * indices.length * inner;
        if (total == 0) {
            return;
        }
        try (CudaContext.Scratch idx = ctx.upload(indices, "gatherAxis: " + indices.length + " indices")) {
            ctx.launch1d(ctx.function(GATHER_AXIS), total, BLOCK, new KernelArgs().ptr("src", src.address())
                    .ptr("idx", idx.address()).ptr("dst", dst.address()).i64("outer", outer).i64("A", axisLength)
                    .i64("n", indices.length).i64("inner", inner));
        }
    }

    /**
     * dst (outer, axisLength, inner) [o, indices[i], j] += src (outer, n, inner) [o, i, j] in increasing i, by the
     * CSR of {@link #scatterAddRows} over the axis positions: bit for bit the CPU's sums, no atomics.
     */
    public void scatterAddAxis(Buf src, int outer, int axisLength, int inner, int[] indices, Buf dst) {
        checkAxis("scatterAddAxis", dst, outer, axisLength, inner, indices, src);
        if ((long) outer * indices.length * inner == 0) {
            return;
        }
        int[] table = csr(indices, axisLength);
        int touched = table[0];
        try (CudaContext.Scratch t = ctx.upload(Arrays.copyOfRange(table, 1, table.length),
                "scatterAddAxis: index table of " + indices.length + " positions")) {
            ctx.launch1d(ctx.function(SCATTER_ADD_AXIS), (long) outer * touched * inner, BLOCK, new KernelArgs()
                    .ptr("src", src.address()).ptr("dstPos", t.intAddress(0)).ptr("starts", t.intAddress(touched))
                    .ptr("srcIdx", t.intAddress(2L * touched + 1)).ptr("dst", dst.address()).i64("outer", outer)
                    .i64("A", axisLength).i64("n", indices.length).i64("nTouched", touched).i64("inner", inner));
        }
    }

    /** table is (outer, axisLength, inner), picked is (outer, indices.length, inner); indices in range. */
    private static void checkAxis(String op, Buf table, int outer, int axisLength, int inner, int[] indices,
                                  Buf picked) {
        if (outer < 0 || axisLength < 0 || inner < 0 || table.length() != (long) outer * axisLength * inner
                || picked.length() != (long) outer * indices.length * inner) {
            throw new IllegalArgumentException(op + ": " + table + " is not (" + outer + ", " + axisLength + ", "
                    + inner + ") or " + picked + " is not (" + outer + ", " + indices.length + ", " + inner + ")");
        }
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= axisLength) {
                throw new IndexOutOfBoundsException(op + ": index " + indices[i] + " at position " + i
                        + " is out of range [0, " + axisLength + ")");
            }
        }
    }

    /**
     * [touched, dstRows (touched), starts (touched + 1), srcIdx (rows.length)]: a counting sort of the positions by
     * destination row, stable, so each row's sources stay in increasing order.
     */
    static int[] csr(int[] rows, int tableRows) {
        int[] count = new int[tableRows];
        int touched = 0;
        for (int r : rows) {
            if (count[r]++ == 0) {
                touched++;
            }
        }
        int[] out = new int[1 + touched + touched + 1 + rows.length];
        out[0] = touched;
        int[] first = new int[tableRows];
        int u = 0;
        int pos = 0;
        for (int r = 0; r < tableRows; r++) {
            if (count[r] > 0) {
                out[1 + u] = r;
                out[1 + touched + u] = pos;
                first[r] = pos;
                pos += count[r];
                u++;
            }
        }
        out[1 + touched + touched] = pos;
        int srcBase = 1 + 2 * touched + 1;
        for (int i = 0; i < rows.length; i++) {
            out[srcBase + first[rows[i]]++] = i;
        }
        return out;
    }

    private static long checkRows(String op, Buf table, int rowLength, int[] rows) {
        if (rowLength <= 0 || table.length() % rowLength != 0) {
            throw new IllegalArgumentException(op + ": row length " + rowLength + " does not divide " + table);
        }
        long n = table.length() / rowLength;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": " + n + " rows exceed the int index range");
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= n) {
                throw new IndexOutOfBoundsException(op + ": index " + rows[i] + " at position " + i
                        + " is out of range [0, " + n + ")");
            }
        }
        return n;
    }
}
