package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Backend;
import org.lrml.backend.Storage;
import org.lrml.backend.DType;
import org.lrml.backend.Shape;
import org.lrml.util.Rng;

/**
 * kernels/layout.cu against the CPU backend: strided copies, gather of rows and along an axis, deterministic
 * scatter-add of both.
 */
@Tag("gpu")
class LayoutKernelsTest {
    private static Backend cuda;

    @BeforeEach
    void open() {
        cuda = CudaAvailable.assumeCuda();
    }

    private static float[] copy(Backend b, float[] src, long srcOff, int[] ss, int dstLen, long dstOff, int[] ds, int[] shape) {
        Storage d = b.upload(Compare.uniform(77, dstLen, 5, 6));  // non-zero background that must survive
        b.layout().copyStrided(b.upload(src), srcOff, ss, d, dstOff, ds, shape);
        return Compare.floats(b, d);
    }

    @Test
    void permuteSliceAndExpandMatchTheCpu() {
        float[] src = Compare.normal(1, 2 * 3 * 257 * 5);
        // permute (0, 2, 3, 1) of [2, 3, 257, 5]
        int[] shape = {2, 257, 5, 3};
        int[] ss = {3 * 257 * 5, 5, 1, 257 * 5};
        int[] ds = Shape.strides(shape);
        Compare.identical("permute", copy(Compare.cpu(), src, 0, ss, src.length, 0, ds, shape),
                copy(cuda, src, 0, ss, src.length, 0, ds, shape));
        // a slice [1:3, 100:200] of a [3, 257*10] matrix into the middle of a larger buffer
        int[] sliceShape = {2, 100};
        int[] sliceSrc = {2570, 1};
        int[] sliceDst = {150, 1};
        Compare.identical("slice", copy(Compare.cpu(), src, 2570 + 100, sliceSrc, 400, 25, sliceDst, sliceShape),
                copy(cuda, src, 2570 + 100, sliceSrc, 400, 25, sliceDst, sliceShape));
        // broadcast-expand a row [1, 129] to [300, 129]
        int[] expShape = {300, 129};
        Compare.identical("expand", copy(Compare.cpu(), src, 7, new int[]{0, 1}, 300 * 129, 0, new int[]{129, 1}, expShape),
                copy(cuda, src, 7, new int[]{0, 1}, 300 * 129, 0, new int[]{129, 1}, expShape));
    }

    @Test
    void copyOutsideTheBufferIsRefusedBeforeLaunch() {
        Storage s = cuda.upload(new float[100]);
        Storage d = cuda.allocate(DType.F32, 100);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> cuda.layout().copyStrided(s, 0, new int[]{10, 1}, d, 0, new int[]{10, 1}, new int[]{11, 10}));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
    }

    @Test
    void gatherRowsMatchesTheCpu() {
        int rowLength = 259;
        float[] table = Compare.normal(2, 40 * rowLength);
        int[] rows = new Rng(3).permutation(40);
        int[] picks = new int[97];
        for (int i = 0; i < picks.length; i++) {
            picks[i] = rows[i % 40];
        }
        Compare.identical("gatherRows", gather(Compare.cpu(), table, rowLength, picks), gather(cuda, table, rowLength, picks));
    }

    private static float[] gather(Backend b, float[] table, int rowLength, int[] rows) {
        Storage d = b.allocate(DType.F32, (long) rows.length * rowLength);
        b.layout().gatherRows(b.upload(table), rowLength, rows, d);
        return Compare.floats(b, d);
    }

    @Test
    void scatterAddWithRepeatedRowsEqualsTheCpuBitForBit() {
        int rowLength = 131;
        int tableRows = 23;
        int[] rows = new int[500];
        Rng r = new Rng(4);
        for (int i = 0; i < rows.length; i++) {
            rows[i] = r.nextInt(tableRows);
        }
        float[] src = Compare.normal(5, rows.length * rowLength);
        float[] dst = Compare.normal(6, tableRows * rowLength);
        Compare.identical("scatterAddRows", scatter(Compare.cpu(), src, rowLength, rows, dst),
                scatter(cuda, src, rowLength, rows, dst));
        // Repeatable: a second run gives the same bits.
        Compare.identical("scatterAddRows again", scatter(cuda, src, rowLength, rows, dst),
                scatter(cuda, src, rowLength, rows, dst));
    }

    private static float[] scatter(Backend b, float[] src, int rowLength, int[] rows, float[] dst) {
        Storage d = b.upload(dst);
        b.layout().scatterAddRows(b.upload(src), rowLength, rows, d);
        return Compare.floats(b, d);
    }

    @Test
    void outOfRangeIndexNamesItsPosition() {
        Storage t = cuda.upload(new float[30]);
        Storage d = cuda.allocate(DType.F32, 20);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> cuda.layout().gatherRows(t, 10, new int[]{0, 3}, d));
        assertTrue(e.getMessage().contains("index 3 at position 1"), e.getMessage());
    }

    /** (outer, axis, inner) sizes: inner 1 (the last axis), odd sizes across block boundaries, a long axis. */
    private static final int[][] AXIS_SHAPES = {{7, 13, 1}, {5, 9, 61}, {3, 301, 2}, {1, 4, 257}};

    @Test
    void gatherAxisMatchesTheCpu() {
        for (int[] s : AXIS_SHAPES) {
            int[] idx = indices(8, 2 * s[1] + 3, s[1]);
            float[] table = Compare.normal(9, s[0] * s[1] * s[2]);
            Compare.identical("gatherAxis " + java.util.Arrays.toString(s), gatherAxis(Compare.cpu(), table, s, idx),
                    gatherAxis(cuda, table, s, idx));
        }
    }

    @Test
    void scatterAddAxisWithRepeatedPositionsEqualsTheCpuBitForBit() {
        for (int[] s : AXIS_SHAPES) {
            int[] idx = indices(10, 3 * s[1] + 1, s[1]);
            float[] src = Compare.normal(11, s[0] * idx.length * s[2]);
            float[] dst = Compare.normal(12, s[0] * s[1] * s[2]);
            Compare.identical("scatterAddAxis " + java.util.Arrays.toString(s),
                    scatterAxis(Compare.cpu(), src, s, idx, dst), scatterAxis(cuda, src, s, idx, dst));
        }
    }

    /** n indices in [0, range), repeats certain. */
    private static int[] indices(long seed, int n, int range) {
        Rng r = new Rng(seed);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = r.nextInt(range);
        }
        return idx;
    }

    private static float[] gatherAxis(Backend b, float[] table, int[] s, int[] idx) {
        Storage d = b.allocate(DType.F32, (long) s[0] * idx.length * s[2]);
        b.layout().gatherAxis(b.upload(table), s[0], s[1], s[2], idx, d);
        return Compare.floats(b, d);
    }

    private static float[] scatterAxis(Backend b, float[] src, int[] s, int[] idx, float[] dst) {
        Storage d = b.upload(dst);
        b.layout().scatterAddAxis(b.upload(src), s[0], s[1], s[2], idx, d);
        return Compare.floats(b, d);
    }
}
