package org.lrml.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked micro-kernel of {@link CpuGemmFast} on the Vector API: a {@value #MR} x NR tile of
 * C (NR = two vectors of the preferred species, 32 floats with AVX-512) held in {@value #MR} x 2 vector
 * accumulators, updated by one broadcast of A and one FMA per accumulator for each k.
 *
 * <p>Each accumulator lane owns one element of C and folds the k terms of the block in increasing k with
 * fused multiply-adds, exactly as {@link CpuGemmFast#scalarKernel} does lane by lane; that is what makes
 * the two paths agree bit for bit and the result independent of where a tile sits in the partition.
 *
 * <p>Only {@link CpuGemmFast} touches this class, after a probe: without {@code --add-modules
 * jdk.incubator.vector} its first use throws a LinkageError and the scalar kernel is used instead.
 */
final class CpuGemmVector {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 8;
    static final int NR = 2 * L;

    private CpuGemmVector() {
    }

    static String describe() {
        return "Vector API " + MR + "x" + NR + " FMA micro-kernel (" + S.vectorBitSize() + "-bit)";
    }

    /**
     * One micro-tile: acc = A panel (kc x MR, interleaved [p][r]) times B panel (kc x NR, [p][c]), then
     * C = fma(acc, alpha, base) with base = C (later k blocks), beta C or 0 (first block). Rows and columns
     * beyond mr x nr are computed on the zero padding and not stored. {@code acc} is MR x NR scratch.
     */
    static void kernel(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc,
                       int mr, int nr, float alpha, float beta, boolean first, float[] acc) {
        multiply(kc, a, ao, b, bo, acc);
        if (mr == MR && nr == NR) {
            store(acc, c, co, ldc, alpha, beta, first);
        } else {
            CpuGemmFast.storeTile(acc, NR, c, co, ldc, mr, nr, alpha, beta, first);
        }
    }

    /**
     * The hot loop, kept apart and small so that C2 compiles it whole with every vector in a register (a
     * vector handed to a call it does not inline is boxed, which costs more than the arithmetic).
     */
    static void multiply(int kc, float[] a, int ao, float[] b, int bo, float[] acc) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S);
        FloatVector c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S);
        FloatVector c71 = FloatVector.zero(S);
        int ai = ao;
        int bi = bo;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai + 0]);
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

    /** A full tile: C = fma(acc, alpha, base), row by row, base as in {@link #kernel}. */
    private static void store(float[] acc, float[] c, int co, int ldc, float alpha, float beta, boolean first) {
        FloatVector al = FloatVector.broadcast(S, alpha);
        FloatVector be = FloatVector.broadcast(S, beta);
        for (int r = 0; r < MR; r++) {
            int at = co + r * ldc;
            for (int v = 0; v < NR; v += L) {
                FloatVector base;
                if (!first) {
                    base = FloatVector.fromArray(S, c, at + v);
                } else if (beta == 0f) {
                    base = FloatVector.zero(S);
                } else {
                    base = FloatVector.fromArray(S, c, at + v).mul(be);
                }
                FloatVector.fromArray(S, acc, r * NR + v).fma(al, base).intoArray(c, at + v);
            }
        }
    }
}
