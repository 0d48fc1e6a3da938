package org.lrml.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.lrml.backend.ConvGeometry;

/**
 * Convolutions of a single input plane (a grey-scale network's first layer), stride 1, no dilation or groups:
 * the forward and the filter gradient without a patch matrix. Through im2col these were GEMMs with k = KH KW
 * (nine for 3x3): every 8 x 32 tile of the forward was stored after nine multiply-adds, and the filter gradient
 * filled nine of the tile's lanes or rows; both ran at 10-25 GFLOP/s.
 *
 * <p><b>Same values as im2col + GEMM, bit for bit.</b> The forward computes each output as the GEMM does: taps in
 * order t = ki KW + kj, a chain of fused multiply-adds fma(w_t, x_t, acc) from 0 (padding reads zeros, as the
 * patch matrix holds), then fma(acc, 1, 0); KH KW must not exceed one k block ({@link CpuGemmFast#KC}). The filter
 * gradient is computed per chunk of images exactly as {@link CpuConvIm2col#backwardFilter} cuts them, each element
 * of the chunk's K x O partial a chain fma(x, dy, acc) over the chunk's positions in k blocks of KC, each block
 * folded by fma(blockSum, 1, partial): the GEMM's contract, with the factors of each product in the other order
 * (they commute). Lanes run over output positions (forward) and output channels (filter gradient), so no lane is
 * padding. {@code CpuConvPlanarTest} compares both with the im2col path.
 */
final class CpuConvPlanar {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Padded planes, the output row, transposed dY. */
    private static final CpuScratch SCRATCH = new CpuScratch(3);

    private CpuConvPlanar() {
    }

    /**
     * Whether the geometry is one this class serves (and the Vector API is loaded). Callers test
     * CpuConvImplicit.AVAILABLE first: without jdk.incubator.vector this class cannot even be initialised.
     */
    static boolean serves(ConvGeometry g) {
        return CpuConvImplicit.AVAILABLE && g.cIn() == 1 && g.groups() == 1 && g.strideH() == 1 && g.strideW() == 1
                && g.dilH() == 1 && g.dilW() == 1 && g.kh() * g.kw() <= CpuGemmFast.KC;
    }

    /** Whether the filter gradient can run here: also output channels a multiple of the vector length. */
    static boolean servesFilter(ConvGeometry g) {
        return serves(g) && g.cOut() % L == 0;
    }

    /** Width of a zero-padded plane (the forward adds slack after the plane for reads past the last row). */
    private static int paddedWidth(ConvGeometry g) {
        return g.w() + 2 * g.padW();
    }

    private static int planeLength(ConvGeometry g) {
        return (g.h() + 2 * g.padH()) * paddedWidth(g);
    }

    /**
     * Image n's plane with zero borders at out[off ...]. Per image inside each task rather than
     * CpuConvImplicit.toChannelsLast over the batch first: the plane is then still in cache when the tiles read it
     * (measured: the batch-first version was 20-30% slower, forward and filter gradient, at batch 64).
     */
    private static void padPlane(ConvGeometry g, float[] x, int n, float[] out, int off) {
        int wp = paddedWidth(g);
        java.util.Arrays.fill(out, off, off + planeLength(g), 0f);
        for (int ih = 0; ih < g.h(); ih++) {
            System.arraycopy(x, (n * g.h() + ih) * g.w(), out, off + (ih + g.padH()) * wp + g.padW(), g.w());
        }
    }

    static void forward(ConvGeometry g, float[] x, float[] w, float[] y) {
        int kh = g.kh();
        int kw = g.kw();
        int k = kh * kw;
        int wp = paddedWidth(g);
        int oh = g.outH();
        int ow = g.outW();
        int o = g.cOut();
        // Output columns in pairs of vectors; the reads of the last pair run past the plane into zeroed slack.
        int rowWidth = (ow + 2 * L - 1) / (2 * L) * (2 * L);
        int slack = rowWidth + kw;
        int[] taps = new int[k];
        for (int ki = 0; ki < kh; ki++) {
            for (int kj = 0; kj < kw; kj++) {
                taps[ki * kw + kj] = ki * wp + kj;
            }
        }
        CpuParallel.forChunks(g.n(), n -> {
            float[] xp = SCRATCH.get(0, planeLength(g) + slack);
            padPlane(g, x, n, xp, 0);
            java.util.Arrays.fill(xp, planeLength(g), planeLength(g) + slack, 0f);
            float[] row = SCRATCH.get(1, 4 * rowWidth);
            for (int r = 0; r < oh; r++) {
                int co = 0;
                for (; co + 4 <= o; co += 4) {
                    for (int c0 = 0; c0 < rowWidth; c0 += 2 * L) {
                        rowTile4(xp, r * wp + c0, taps, w, co * k, k, row, c0, rowWidth);
                    }
                    for (int j = 0; j < 4; j++) {
                        System.arraycopy(row, j * rowWidth, y, ((n * o + co + j) * oh + r) * ow, ow);
                    }
                }
                for (; co < o; co++) {
                    for (int c0 = 0; c0 < rowWidth; c0 += L) {
                        rowTile1(xp, r * wp + c0, taps, w, co * k, k, row, c0);
                    }
                    System.arraycopy(row, 0, y, ((n * o + co) * oh + r) * ow, ow);
                }
            }
        });
    }

    /**
     * Four output channels (weights at w[wo + j k]) x two vectors of columns from xp[base]: eight independent
     * chains, so the FMA units are not waiting on one chain's latency. Writes row[j rowWidth + c0 ...].
     */
    private static void rowTile4(float[] xp, int base, int[] taps, float[] w, int wo, int k, float[] row, int c0,
                                 int rowWidth) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector b1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector b2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        FloatVector b3 = FloatVector.zero(S);
        for (int t = 0; t < k; t++) {
            int at = base + taps[t];
            FloatVector xa = FloatVector.fromArray(S, xp, at);
            FloatVector xb = FloatVector.fromArray(S, xp, at + L);
            FloatVector w0 = FloatVector.broadcast(S, w[wo + t]);
            a0 = w0.fma(xa, a0);
            b0 = w0.fma(xb, b0);
            FloatVector w1 = FloatVector.broadcast(S, w[wo + k + t]);
            a1 = w1.fma(xa, a1);
            b1 = w1.fma(xb, b1);
            FloatVector w2 = FloatVector.broadcast(S, w[wo + 2 * k + t]);
            a2 = w2.fma(xa, a2);
            b2 = w2.fma(xb, b2);
            FloatVector w3 = FloatVector.broadcast(S, w[wo + 3 * k + t]);
            a3 = w3.fma(xa, a3);
            b3 = w3.fma(xb, b3);
        }
        // The GEMM's store: C = fma(acc, alpha = 1, base = 0).
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        a0.fma(one, zero).intoArray(row, c0);
        b0.fma(one, zero).intoArray(row, c0 + L);
        a1.fma(one, zero).intoArray(row, rowWidth + c0);
        b1.fma(one, zero).intoArray(row, rowWidth + c0 + L);
        a2.fma(one, zero).intoArray(row, 2 * rowWidth + c0);
        b2.fma(one, zero).intoArray(row, 2 * rowWidth + c0 + L);
        a3.fma(one, zero).intoArray(row, 3 * rowWidth + c0);
        b3.fma(one, zero).intoArray(row, 3 * rowWidth + c0 + L);
    }

    /** One output channel x one vector of columns (the channels left over by {@link #rowTile4}). */
    private static void rowTile1(float[] xp, int base, int[] taps, float[] w, int wo, int k, float[] row, int c0) {
        FloatVector a = FloatVector.zero(S);
        for (int t = 0; t < k; t++) {
            a = FloatVector.broadcast(S, w[wo + t]).fma(FloatVector.fromArray(S, xp, base + taps[t]), a);
        }
        a.fma(FloatVector.broadcast(S, 1f), FloatVector.zero(S)).intoArray(row, c0);
    }

    /**
     * One chunk of the filter gradient: images n0 .. n0 + cnt - 1, written as K x O at parts[off ...] (the layout of
     * {@link CpuConvIm2col#backwardFilter}'s transposed GEMM).
     */
    static void filterChunk(ConvGeometry g, float[] x, float[] dy, int n0, int cnt, float[] parts, int off) {
        int kh = g.kh();
        int kw = g.kw();
        int k = kh * kw;
        int wp = paddedWidth(g);
        int plane = planeLength(g);
        int ow = g.outW();
        int p = g.outH() * ow;
        int o = g.cOut();
        int cols = cnt * p;
        float[] xp = SCRATCH.get(0, cnt * plane);
        for (int i = 0; i < cnt; i++) {
            padPlane(g, x, n0 + i, xp, i * plane);
        }
        // dY of the chunk, position-major: each position's O gradients are contiguous (the lanes). Per chunk for the
        // same reason as padPlane.
        float[] dyt = SCRATCH.get(2, cols * o);
        for (int i = 0; i < cnt; i++) {
            for (int co = 0; co < o; co++) {
                int src = ((n0 + i) * o + co) * p;
                int dst = i * p * o + co;
                for (int q = 0; q < p; q++) {
                    dyt[dst + q * o] = dy[src + q];
                }
            }
        }
        int[] first = new int[cols];
        for (int q = 0; q < cols; q++) {
            int pos = q % p;
            first[q] = q / p * plane + pos / ow * wp + pos % ow;
        }
        int[] taps = new int[k];
        for (int ki = 0; ki < kh; ki++) {
            for (int kj = 0; kj < kw; kj++) {
                taps[ki * kw + kj] = ki * wp + kj;
            }
        }
        for (int b0 = 0; b0 < cols; b0 += CpuGemmFast.KC) {
            int b1 = Math.min(cols, b0 + CpuGemmFast.KC);
            boolean firstBlock = b0 == 0;
            int t = 0;
            for (; t + 3 <= k; t += 3) {
                for (int co = 0; co < o; co += L) {
                    filterTile3(xp, first, taps[t], taps[t + 1], taps[t + 2], dyt, o, co, b0, b1, parts,
                            off + t * o + co, o, firstBlock);
                }
            }
            for (; t < k; t++) {
                for (int co = 0; co < o; co += L) {
                    filterTile1(xp, first, taps[t], dyt, o, co, b0, b1, parts, off + t * o + co, firstBlock);
                }
            }
        }
    }

    /**
     * Three taps x one vector of output channels over positions [q0, q1): acc = sum of x dY by fused multiply-adds
     * in position order, then out = fma(acc, 1, out) (out = 0 for the first block).
     */
    private static void filterTile3(float[] xp, int[] first, int t0, int t1, int t2, float[] dyt, int o, int co,
                                    int q0, int q1, float[] out, int at, int stride, boolean firstBlock) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S);
        for (int q = q0; q < q1; q++) {
            int f = first[q];
            FloatVector d = FloatVector.fromArray(S, dyt, q * o + co);
            c0 = FloatVector.broadcast(S, xp[f + t0]).fma(d, c0);
            c1 = FloatVector.broadcast(S, xp[f + t1]).fma(d, c1);
            c2 = FloatVector.broadcast(S, xp[f + t2]).fma(d, c2);
        }
        fold(c0, out, at, firstBlock);
        fold(c1, out, at + stride, firstBlock);
        fold(c2, out, at + 2 * stride, firstBlock);
    }

    private static void filterTile1(float[] xp, int[] first, int t0, float[] dyt, int o, int co, int q0, int q1,
                                    float[] out, int at, boolean firstBlock) {
        FloatVector c0 = FloatVector.zero(S);
        for (int q = q0; q < q1; q++) {
            c0 = FloatVector.broadcast(S, xp[first[q] + t0]).fma(FloatVector.fromArray(S, dyt, q * o + co), c0);
        }
        fold(c0, out, at, firstBlock);
    }

    /** The GEMM's fold of a k block: out = fma(acc, 1, firstBlock ? 0 : out). */
    private static void fold(FloatVector acc, float[] out, int at, boolean firstBlock) {
        FloatVector base = firstBlock ? FloatVector.zero(S) : FloatVector.fromArray(S, out, at);
        acc.fma(FloatVector.broadcast(S, 1f), base).intoArray(out, at);
    }
}
