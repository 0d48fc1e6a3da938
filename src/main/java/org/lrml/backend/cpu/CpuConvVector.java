package org.lrml.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The micro-kernel of {@link CpuConvImplicit} on the Vector API: a tile of {@value #MR} output positions x
 * NR output channels (NR = two vectors) of a convolution, read straight from a zero-padded channels-last
 * input, so no patch matrix is ever written or packed.
 *
 * <p>Position r of the tile starts at {@code rows[ro + r]} (its top-left tap, first channel of the group);
 * tap s of every position lies {@code taps[s]} further on (the padding is in the buffer), its Cg channels
 * contiguous. Each accumulator lane owns one (position, channel) output and folds taps, then channels, in
 * order by fused multiply-adds: a fixed order, whatever the tile's place in the partition.
 */
final class CpuConvVector {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 8;
    static final int NR = 2 * L;

    private CpuConvVector() {
    }

    /**
     * acc[r NR + j] = sum_{s < taps.length, c < cpg} x[rows[ro + r] + taps[s] + c] b[bo + (s cpg + c) NR + j],
     * one call of {@link #tap} per tap.
     */
    static void tile(int[] taps, int cpg, int[] rows, int ro, float[] x, float[] b, int bo, float[] acc) {
        for (int s = 0; s < taps.length; s++) {
            tap(cpg, rows, ro, taps[s], x, b, bo + s * cpg * NR, acc, s == 0);
        }
    }

    /**
     * acc (+)= the products of one tap: overwrites acc when first, else adds to it. A single flat loop whose
     * x index is an induction variable (so C2 hoists its bounds checks), small and free of calls: C2 keeps
     * every vector in a register only then (vectors living across nested loops, or handed to a call it does
     * not inline, get boxed, which costs twenty times the arithmetic).
     */
    private static void tap(int cpg, int[] rows, int ro, int delta, float[] x, float[] b, int bo, float[] acc,
                            boolean first) {
        FloatVector c00 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, 0);
        FloatVector c01 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, L);
        FloatVector c10 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, NR);
        FloatVector c11 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, NR + L);
        FloatVector c20 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, 2 * NR);
        FloatVector c21 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, 2 * NR + L);
        FloatVector c30 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, 3 * NR);
        FloatVector c31 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, 3 * NR + L);
        FloatVector c40 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, 4 * NR);
        FloatVector c41 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, 4 * NR + L);
        FloatVector c50 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, 5 * NR);
        FloatVector c51 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, 5 * NR + L);
        FloatVector c60 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, 6 * NR);
        FloatVector c61 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, 6 * NR + L);
        FloatVector c70 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, 7 * NR);
        FloatVector c71 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, 7 * NR + L);
        int x0 = rows[ro] + delta;
        int x1 = rows[ro + 1] + delta;
        int x2 = rows[ro + 2] + delta;
        int x3 = rows[ro + 3] + delta;
        int x4 = rows[ro + 4] + delta;
        int x5 = rows[ro + 5] + delta;
        int x6 = rows[ro + 6] + delta;
        int x7 = rows[ro + 7] + delta;
        int bi = bo;
        for (int c = 0; c < cpg; c++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, x[x0 + c]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[x1 + c]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[x2 + c]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, x[x3 + c]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, x[x4 + c]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, x[x5 + c]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, x[x6 + c]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, x[x7 + c]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        c00.intoArray(acc, 0);
        c01.intoArray(acc, L);
        c10.intoArray(acc, NR);
        c11.intoArray(acc, NR + L);
        c20.intoArray(acc, 2 * NR);
        c21.intoArray(acc, 2 * NR + L);
        c30.intoArray(acc, 3 * NR);
        c31.intoArray(acc, 3 * NR + L);
        c40.intoArray(acc, 4 * NR);
        c41.intoArray(acc, 4 * NR + L);
        c50.intoArray(acc, 5 * NR);
        c51.intoArray(acc, 5 * NR + L);
        c60.intoArray(acc, 6 * NR);
        c61.intoArray(acc, 6 * NR + L);
        c70.intoArray(acc, 7 * NR);
        c71.intoArray(acc, 7 * NR + L);
    }

    /**
     * The filter gradient's tile: acc[ac + r NR + j] (+)= sum_{q0 <= q < q1} a[ao + q as + r] x[first[q] + xo + j],
     * i.e. {@value #MR} output channels (rows of dY^T, read from the channels-last dY) times NR consecutive
     * patch elements of one tap (read from the padded channels-last input at each position's first pixel),
     * summed in increasing q; overwrites acc when zero, else adds to it (a float stored and reloaded is
     * exact, so splitting q into ranges gives the same bits as one pass).
     */
    static void filterTile(int q0, int q1, int[] first, int xo, float[] x, float[] a, int ao, int as, float[] acc,
                           int ac, boolean zero) {
        FloatVector c00 = zero ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, ac);
        FloatVector c01 = zero ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, ac + L);
        FloatVector c10 = zero ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, ac + NR);
        FloatVector c11 = zero ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, ac + NR + L);
        FloatVector c20 = zero ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, ac + 2 * NR);
        FloatVector c21 = zero ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, ac + 2 * NR + L);
        FloatVector c30 = zero ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, ac + 3 * NR);
        FloatVector c31 = zero ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, ac + 3 * NR + L);
        FloatVector c40 = zero ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, ac + 4 * NR);
        FloatVector c41 = zero ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, ac + 4 * NR + L);
        FloatVector c50 = zero ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, ac + 5 * NR);
        FloatVector c51 = zero ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, ac + 5 * NR + L);
        FloatVector c60 = zero ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, ac + 6 * NR);
        FloatVector c61 = zero ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, ac + 6 * NR + L);
        FloatVector c70 = zero ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, ac + 7 * NR);
        FloatVector c71 = zero ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, ac + 7 * NR + L);
        int ai = ao + q0 * as;
        for (int q = q0; q < q1; q++, ai += as) {
            int bi = first[q] + xo;
            FloatVector b0 = FloatVector.fromArray(S, x, bi);
            FloatVector b1 = FloatVector.fromArray(S, x, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[ai + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ai + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        c00.intoArray(acc, ac);
        c01.intoArray(acc, ac + L);
        c10.intoArray(acc, ac + NR);
        c11.intoArray(acc, ac + NR + L);
        c20.intoArray(acc, ac + 2 * NR);
        c21.intoArray(acc, ac + 2 * NR + L);
        c30.intoArray(acc, ac + 3 * NR);
        c31.intoArray(acc, ac + 3 * NR + L);
        c40.intoArray(acc, ac + 4 * NR);
        c41.intoArray(acc, ac + 4 * NR + L);
        c50.intoArray(acc, ac + 5 * NR);
        c51.intoArray(acc, ac + 5 * NR + L);
        c60.intoArray(acc, ac + 6 * NR);
        c61.intoArray(acc, ac + 6 * NR + L);
        c70.intoArray(acc, ac + 7 * NR);
        c71.intoArray(acc, ac + 7 * NR + L);
    }
}
