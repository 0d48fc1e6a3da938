package org.lrml.backend.cpu;

import org.lrml.backend.Shape;
import org.lrml.backend.Storage;
import org.lrml.backend.family.Layout;

/** Strided copies (permute, slice, concat, expand) and row gather/scatter on the CPU. */
final class CpuLayout implements Layout {
    /** The family as the CPU backend hands it out; the typed static entry points below do the work. */
    static final CpuLayout INSTANCE = new CpuLayout();

    private CpuLayout() {
    }

    @Override
    public void copyStrided(Storage src, long srcOffset, int[] srcStrides, Storage dst, long dstOffset, int[] dstStrides, int[] shape) {
        copyStrided(CpuStorage.of(src), srcOffset, srcStrides, CpuStorage.of(dst), dstOffset, dstStrides, shape);
    }

    @Override
    public void gatherRows(Storage src, int rowLength, int[] rows, Storage dst) {
        gatherRows(CpuStorage.of(src), rowLength, rows, CpuStorage.of(dst));
    }

    @Override
    public void scatterAddRows(Storage src, int rowLength, int[] rows, Storage dst) {
        scatterAddRows(CpuStorage.of(src), rowLength, rows, CpuStorage.of(dst));
    }

    @Override
    public void gatherAxis(Storage src, int outer, int axisLength, int inner, int[] indices, Storage dst) {
        gatherAxis(CpuStorage.of(src), outer, axisLength, inner, indices, CpuStorage.of(dst));
    }

    @Override
    public void scatterAddAxis(Storage src, int outer, int axisLength, int inner, int[] indices, Storage dst) {
        scatterAddAxis(CpuStorage.of(src), outer, axisLength, inner, indices, CpuStorage.of(dst));
    }

    static void copyStrided(CpuStorage src, long srcOffset, int[] srcStrides, CpuStorage dst, long dstOffset,
                            int[] dstStrides, int[] shape) {
        if (src.dtype() != dst.dtype()) {
            throw new IllegalArgumentException("copyStrided: dtypes differ " + src + " -> " + dst);
        }
        int rank = shape.length;
        if (srcStrides.length != rank || dstStrides.length != rank) {
            throw new IllegalArgumentException("copyStrided: stride ranks do not match shape " + Shape.str(shape));
        }
        // Merge axes that are contiguous in both source and destination.
        int[] dims = new int[Math.max(rank, 1)];
        int[] ss = new int[Math.max(rank, 1)];
        int[] ds = new int[Math.max(rank, 1)];
        int r = 0;
        for (int i = 0; i < rank; i++) {
            if (shape[i] == 1) {
                continue;
            }
            if (shape[i] == 0) {
                return;
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
        final int crank = r;
        final int inner = dims[crank - 1];
        final int si = ss[crank - 1];
        final int di = ds[crank - 1];
        long rowsL = Shape.numel(shape) / inner;
        int rows = Math.toIntExact(rowsL);
        int rowsPerChunk = Math.max(1, (1 << 15) / inner);
        CpuParallel.forRange(rows, rowsPerChunk, (from, to) -> {
            int[] idx = new int[crank];
            int rem = from;
            for (int d = crank - 2; d >= 0; d--) {
                idx[d] = rem % dims[d];
                rem /= dims[d];
            }
            for (int row = from; row < to; row++) {
                long so = srcOffset;
                long dof = dstOffset;
                for (int d = 0; d < crank - 1; d++) {
                    so += (long) idx[d] * ss[d];
                    dof += (long) idx[d] * ds[d];
                }
                copyRow(src, (int) so, si, dst, (int) dof, di, inner);
                for (int d = crank - 2; d >= 0; d--) {
                    if (++idx[d] < dims[d]) {
                        break;
                    }
                    idx[d] = 0;
                }
            }
        });
    }

    private static void copyRow(CpuStorage src, int so, int si, CpuStorage dst, int dof, int di, int len) {
        if (src.isF32()) {
            float[] s = src.f();
            float[] d = dst.f();
            if (si == 1 && di == 1) {
                System.arraycopy(s, so, d, dof, len);
            } else {
                for (int i = 0; i < len; i++) {
                    d[dof + i * di] = s[so + i * si];
                }
            }
        } else {
            double[] s = src.d();
            double[] d = dst.d();
            if (si == 1 && di == 1) {
                System.arraycopy(s, so, d, dof, len);
            } else {
                for (int i = 0; i < len; i++) {
                    d[dof + i * di] = s[so + i * si];
                }
            }
        }
    }

    static void gatherRows(CpuStorage src, int rowLength, int[] rows, CpuStorage dst) {
        checkRows("gatherRows", src, rowLength, rows);
        if (dst.length() != (long) rows.length * rowLength || dst.dtype() != src.dtype()) {
            throw new IllegalArgumentException("gatherRows: output " + dst + " does not hold " + rows.length + " rows of "
                    + rowLength);
        }
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(src.isF32() ? src.f() : src.d(), rows[i] * rowLength,
                    dst.isF32() ? dst.f() : dst.d(), i * rowLength, rowLength);
        }
    }

    static void scatterAddRows(CpuStorage src, int rowLength, int[] rows, CpuStorage dst) {
        checkRows("scatterAddRows", dst, rowLength, rows);
        if (src.length() != (long) rows.length * rowLength || dst.dtype() != src.dtype()) {
            throw new IllegalArgumentException("scatterAddRows: source " + src + " does not hold " + rows.length
                    + " rows of " + rowLength);
        }
        if (src.isF32()) {
            float[] s = src.f();
            float[] d = dst.f();
            for (int i = 0; i < rows.length; i++) {
                int o = rows[i] * rowLength;
                int so = i * rowLength;
                for (int j = 0; j < rowLength; j++) {
                    d[o + j] += s[so + j];
                }
            }
        } else {
            double[] s = src.d();
            double[] d = dst.d();
            for (int i = 0; i < rows.length; i++) {
                int o = rows[i] * rowLength;
                int so = i * rowLength;
                for (int j = 0; j < rowLength; j++) {
                    d[o + j] += s[so + j];
                }
            }
        }
    }

    /** dst[o, i, :] = src[o, indices[i], :] over (outer, axisLength, inner) -> (outer, indices.length, inner). */
    static void gatherAxis(CpuStorage src, int outer, int axisLength, int inner, int[] indices, CpuStorage dst) {
        checkAxis("gatherAxis", src, outer, axisLength, inner, indices, dst);
        Object s = src.isF32() ? src.f() : src.d();
        Object d = dst.isF32() ? dst.f() : dst.d();
        int n = indices.length;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(s, (o * axisLength + indices[i]) * inner, d, (o * n + i) * inner, inner);
            }
        }
    }

    /** dst[o, indices[i], :] += src[o, i, :], in increasing i for each o. */
    static void scatterAddAxis(CpuStorage src, int outer, int axisLength, int inner, int[] indices, CpuStorage dst) {
        checkAxis("scatterAddAxis", dst, outer, axisLength, inner, indices, src);
        int n = indices.length;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < n; i++) {
                int to = (o * axisLength + indices[i]) * inner;
                int from = (o * n + i) * inner;
                if (src.isF32()) {
                    float[] s = src.f();
                    float[] d = dst.f();
                    for (int j = 0; j < inner; j++) {
                        d[to + j] += s[from + j];
                    }
                } else {
                    double[] s = src.d();
                    double[] d = dst.d();
                    for (int j = 0; j < inner; j++) {
                        d[to + j] += s[from + j];
                    }
                }
            }
        }
    }

    /** table is (outer, axisLength, inner), picked is (outer, indices.length, inner); indices in range. */
    private static void checkAxis(String op, CpuStorage table, int outer, int axisLength, int inner, int[] indices,
                                  CpuStorage picked) {
        if (outer < 0 || axisLength < 0 || inner < 0 || table.length() != (long) outer * axisLength * inner
                || picked.length() != (long) outer * indices.length * inner || table.dtype() != picked.dtype()) {
            throw new IllegalArgumentException(op + ": " + table + " is not (" + outer + ", " + axisLength + ", "
                    + inner + ") or " + picked + " is not (" + outer + ", " + indices.length + ", " + inner
                    + ") of the same dtype");
        }
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= axisLength) {
                throw new IndexOutOfBoundsException(op + ": index " + indices[i] + " at position " + i
                        + " is out of range [0, " + axisLength + ")");
            }
        }
    }

    private static void checkRows(String op, CpuStorage table, int rowLength, int[] rows) {
        if (rowLength <= 0 || table.length() % rowLength != 0) {
            throw new IllegalArgumentException(op + ": row length " + rowLength + " does not divide " + table);
        }
        long n = table.length() / rowLength;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= n) {
                throw new IndexOutOfBoundsException(op + ": index " + rows[i] + " at position " + i
                        + " is out of range [0, " + n + ")");
            }
        }
    }
}
