package org.lrml.backend.cpu;

import org.lrml.backend.ConvGeometry;
import org.lrml.backend.GemmSpec;

/**
 * Float32 convolution as im2col + the packed GEMM ({@link CpuGemmFast}): the path for what
 * {@link CpuConvImplicit} does not take (few channels per group, strided backward data, no Vector API;
 * see {@link CpuConvFast}). Images are taken in chunks of
 * G (so that one GEMM covers at least {@value #TARGET_COLUMNS} output positions when images are small);
 * chunks run in parallel, each on one thread with its own scratch. With K = C/G_groups KH KW, P = OH OW:
 * <pre>
 *   forward:         Y_chunk (O/groups x G P)  = W_g (O/groups x K)  col (K x G P)
 *   backward data:   dcol (K x G P)            = W_g^T dY_chunk,   then col2im adds dcol into dx
 *   backward filter: dW_chunk (O/groups x K)   = dY_chunk col^T,   then dW = sum of chunks in chunk order
 * </pre>
 * G depends only on the geometry, so the chunk partial sums of dW, and hence every result, are the same
 * for any thread count. A 1x1 stride-1 unpadded convolution with one image per chunk reads x (and writes
 * dx) in place of the column buffer.
 */
final class CpuConvIm2col {
    /** Output positions one GEMM should cover: enough NR-wide panels that edge padding stays small. */
    static final int TARGET_COLUMNS = 256;
    /** Column matrix, gathered outputs. */
    private static final CpuScratch SCRATCH = new CpuScratch(2);

    private CpuConvIm2col() {
    }

    /** Images per chunk: a function of the geometry only. */
    static int imagesPerChunk(ConvGeometry g) {
        int p = g.outH() * g.outW();
        return Math.max(1, Math.min(g.n(), TARGET_COLUMNS / p));
    }

    private static boolean pointwise(ConvGeometry g) {
        return g.kh() == 1 && g.kw() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0 && g.padW() == 0;
    }

    /** A 1x1 convolution without padding or groups, at any stride: a product of the weights and the input. */
    static boolean pointwiseAnyStride(ConvGeometry g) {
        return g.kh() == 1 && g.kw() == 1 && g.padH() == 0 && g.padW() == 0 && g.groups() == 1;
    }

    /**
     * The forward of {@link #pointwiseAnyStride} geometries without a column matrix: Y_n (O x P) = W (O x C) X_n
     * (C x P) for every image n as one batched GEMM whose weights are packed once. A strided convolution first
     * copies the sampled pixels (every s-th row and column) into a contiguous (N, C, OH, OW) buffer. Each output is
     * the GEMM's sum over C in its fixed order, so the result does not depend on the thread count.
     */
    static void forwardPointwise(ConvGeometry g, float[] x, float[] w, float[] y) {
        int p = g.outH() * g.outW();
        int c = g.cIn();
        float[] src = x;
        if (g.strideH() != 1 || g.strideW() != 1) {
            float[] sampled = SCRATCH.get(0, g.n() * c * p);
            int h = g.h();
            int wd = g.w();
            CpuParallel.forChunks(g.n() * c, plane -> {
                int in = plane * h * wd;
                int out = plane * p;
                for (int oh = 0; oh < g.outH(); oh++) {
                    int row = in + oh * g.strideH() * wd;
                    for (int ow = 0; ow < g.outW(); ow++) {
                        sampled[out++] = x[row + ow * g.strideW()];
                    }
                }
            });
            src = sampled;
        }
        CpuGemmFast.gemm(new GemmSpec(g.n(), false, false, g.cOut(), p, c, 1.0, 0, c, 0, 0, p, (long) c * p, 0.0, 0, p,
                (long) g.cOut() * p), w, src, y);
    }

    private static GemmSpec spec(boolean transA, boolean transB, int m, int n, int k, int aOff, int lda, int bOff,
                                 int ldb, int cOff, int ldc) {
        return new GemmSpec(1, transA, transB, m, n, k, 1.0, aOff, lda, 0, bOff, ldb, 0, 0.0, cOff, ldc, 0);
    }

    static void forward(ConvGeometry g, float[] x, float[] w, float[] y) {
        int p = g.outH() * g.outW();
        int k = g.cInPerGroup() * g.kh() * g.kw();
        int opg = g.cOutPerGroup();
        int per = imagesPerChunk(g);
        int chunks = (g.n() + per - 1) / per;
        boolean direct = pointwise(g);
        CpuParallel.forChunks(chunks, ch -> {
            int n0 = ch * per;
            int cnt = Math.min(per, g.n() - n0);
            int cols = cnt * p;
            float[] col = direct && cnt == 1 ? null : SCRATCH.get(0, k * cols);
            float[] out = cnt == 1 ? null : SCRATCH.get(1, opg * cols);
            for (int grp = 0; grp < g.groups(); grp++) {
                float[] b;
                int bOff;
                if (col == null) {
                    b = x;
                    bOff = (n0 * g.cIn() + grp * g.cInPerGroup()) * p;
                } else {
                    for (int i = 0; i < cnt; i++) {
                        im2col(g, x, n0 + i, grp, col, cols, i * p);
                    }
                    b = col;
                    bOff = 0;
                }
                if (out == null) {
                    CpuGemmFast.gemm(spec(false, false, opg, cols, k, grp * opg * k, k, bOff, cols,
                            (n0 * g.cOut() + grp * opg) * p, p), w, b, y);
                } else {
                    CpuGemmFast.gemm(spec(false, false, opg, cols, k, grp * opg * k, k, bOff, cols, 0, cols), w, b, out);
                    for (int i = 0; i < cnt; i++) {
                        for (int o = 0; o < opg; o++) {
                            System.arraycopy(out, o * cols + i * p, y, ((n0 + i) * g.cOut() + grp * opg + o) * p, p);
                        }
                    }
                }
            }
        });
    }

    static void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        int p = g.outH() * g.outW();
        int hw = g.h() * g.w();
        int k = g.cInPerGroup() * g.kh() * g.kw();
        int opg = g.cOutPerGroup();
        int per = imagesPerChunk(g);
        int chunks = (g.n() + per - 1) / per;
        boolean direct = pointwise(g);
        CpuParallel.forChunks(chunks, ch -> {
            int n0 = ch * per;
            int cnt = Math.min(per, g.n() - n0);
            int cols = cnt * p;
            boolean inPlace = direct && cnt == 1;
            float[] dcol = inPlace ? null : SCRATCH.get(0, k * cols);
            float[] dyc = cnt == 1 ? null : SCRATCH.get(1, opg * cols);
            if (!inPlace) {
                java.util.Arrays.fill(dx, n0 * g.cIn() * hw, (n0 + cnt) * g.cIn() * hw, 0f);
            }
            for (int grp = 0; grp < g.groups(); grp++) {
                float[] b;
                int bOff;
                if (dyc == null) {
                    b = dy;
                    bOff = (n0 * g.cOut() + grp * opg) * p;
                } else {
                    gatherOutputs(g, dy, n0, cnt, grp, dyc);
                    b = dyc;
                    bOff = 0;
                }
                if (inPlace) {
                    CpuGemmFast.gemm(spec(true, false, k, cols, opg, grp * opg * k, k, bOff, cols,
                            (n0 * g.cIn() + grp * g.cInPerGroup()) * p, p), w, b, dx);
                } else {
                    CpuGemmFast.gemm(spec(true, false, k, cols, opg, grp * opg * k, k, bOff, cols, 0, cols), w, b, dcol);
                    for (int i = 0; i < cnt; i++) {
                        col2im(g, dcol, cols, i * p, dx, n0 + i, grp);
                    }
                }
            }
        });
    }

    static void backwardFilter(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        int p = g.outH() * g.outW();
        int k = g.cInPerGroup() * g.kh() * g.kw();
        int opg = g.cOutPerGroup();
        int per = imagesPerChunk(g);
        int chunks = (g.n() + per - 1) / per;
        boolean direct = pointwise(g);
        int dwLen = dw.length;
        // dW_chunk^T (K x O/groups) = col dY_chunk^T has the same values (each element is the same chain of fused
        // multiply-adds, whose two factors commute) and pads the GEMM's MR x NR tiles less when K is small: a first
        // layer's 9 taps fill 9 of the 32 lanes, its 32 output channels all of them.
        // AVAILABLE first: CpuConvPlanar is not even loaded in a JVM without the Vector API.
        boolean planar = CpuConvImplicit.AVAILABLE && CpuConvPlanar.servesFilter(g);
        boolean swap = planar || utilisation(k, opg) > utilisation(opg, k);
        float[] parts = chunks == 1 && !swap ? dw : new float[chunks * dwLen];
        CpuParallel.forChunks(chunks, ch -> {
            int n0 = ch * per;
            int cnt = Math.min(per, g.n() - n0);
            if (planar) {
                // The same chunk's K x O partial without a patch matrix (CpuConvPlanar: the same values).
                CpuConvPlanar.filterChunk(g, x, dy, n0, cnt, parts, ch * dwLen);
                return;
            }
            int cols = cnt * p;
            float[] col = direct && cnt == 1 ? null : SCRATCH.get(0, k * cols);
            float[] dyc = cnt == 1 ? null : SCRATCH.get(1, opg * cols);
            for (int grp = 0; grp < g.groups(); grp++) {
                float[] a;
                int aOff;
                if (dyc == null) {
                    a = dy;
                    aOff = (n0 * g.cOut() + grp * opg) * p;
                } else {
                    gatherOutputs(g, dy, n0, cnt, grp, dyc);
                    a = dyc;
                    aOff = 0;
                }
                float[] b;
                int bOff;
                if (col == null) {
                    b = x;
                    bOff = (n0 * g.cIn() + grp * g.cInPerGroup()) * p;
                } else {
                    for (int i = 0; i < cnt; i++) {
                        im2col(g, x, n0 + i, grp, col, cols, i * p);
                    }
                    b = col;
                    bOff = 0;
                }
                int cOff = (chunks == 1 && !swap ? 0 : ch * dwLen) + grp * opg * k;
                if (swap) {
                    CpuGemmFast.gemm(spec(false, true, k, opg, cols, bOff, cols, aOff, cols, cOff, opg), b, a, parts);
                } else {
                    CpuGemmFast.gemm(spec(false, true, opg, k, cols, aOff, cols, bOff, cols, cOff, k), a, b, parts);
                }
            }
        });
        if (swap) {
            // parts holds each chunk's groups as K x O/groups: transpose while adding the chunks in chunk order.
            int groupLen = opg * k;
            CpuParallel.forRange(dwLen, 4096, (from, to) -> {
                for (int i = from; i < to; i++) {
                    int grpBase = i / groupLen * groupLen;
                    int o = (i - grpBase) / k;
                    int t = i - grpBase - o * k;
                    int src = grpBase + t * opg + o;
                    float s = parts[src];
                    for (int ch = 1; ch < chunks; ch++) {
                        s += parts[ch * dwLen + src];
                    }
                    dw[i] = s;
                }
            });
        } else if (chunks > 1) {
            CpuParallel.forRange(dwLen, 4096, (from, to) -> {
                for (int i = from; i < to; i++) {
                    float s = parts[i];
                    for (int ch = 1; ch < chunks; ch++) {
                        s += parts[ch * dwLen + i];
                    }
                    dw[i] = s;
                }
            });
        }
    }

    /** The share of the GEMM's MR x NR tiles that an m x n product fills (the rest is zero padding). */
    private static double utilisation(int m, int n) {
        int mr = CpuGemmFast.MR;
        int nr = CpuGemmFast.NR;
        return (double) m / ((m + mr - 1) / mr * mr) * n / ((n + nr - 1) / nr * nr);
    }

    /** dyc (O/groups x cnt P) = the group's output rows of images n0 .. n0 + cnt - 1, side by side. */
    private static void gatherOutputs(ConvGeometry g, float[] dy, int n0, int cnt, int grp, float[] dyc) {
        int p = g.outH() * g.outW();
        int opg = g.cOutPerGroup();
        int cols = cnt * p;
        for (int i = 0; i < cnt; i++) {
            for (int o = 0; o < opg; o++) {
                System.arraycopy(dy, ((n0 + i) * g.cOut() + grp * opg + o) * p, dyc, o * cols + i * p, p);
            }
        }
    }

    /** First output column whose input column (ow sW - pW + kj dW) is >= 0. */
    private static int firstInside(int pad, int offset, int stride, int out) {
        int need = pad - offset;
        int lo = need <= 0 ? 0 : (need + stride - 1) / stride;
        return Math.min(lo, out);
    }

    /** One past the last output column whose input column is < size. */
    private static int endInside(int size, int pad, int offset, int stride, int out, int lo) {
        int lim = size + pad - offset;
        int hi = lim <= 0 ? 0 : (lim + stride - 1) / stride;
        return Math.max(lo, Math.min(hi, out));
    }

    /**
     * Writes the group's patches of image n as rows r = (c KH + ki) KW + kj of col (row stride ld), columns
     * colOff + oh OW + ow; positions in the padding are 0.
     */
    static void im2col(ConvGeometry g, float[] x, int n, int grp, float[] col, int ld, int colOff) {
        int oh = g.outH();
        int ow = g.outW();
        int hw = g.h() * g.w();
        int sw = g.strideW();
        int xBase = (n * g.cIn() + grp * g.cInPerGroup()) * hw;
        for (int c = 0; c < g.cInPerGroup(); c++) {
            for (int ki = 0; ki < g.kh(); ki++) {
                for (int kj = 0; kj < g.kw(); kj++) {
                    int row = (c * g.kh() + ki) * g.kw() + kj;
                    int dst = row * ld + colOff;
                    int shift = kj * g.dilW() - g.padW();
                    int lo = firstInside(g.padW(), kj * g.dilW(), sw, ow);
                    int hi = endInside(g.w(), g.padW(), kj * g.dilW(), sw, ow, lo);
                    for (int i = 0; i < oh; i++) {
                        int d = dst + i * ow;
                        int ih = i * g.strideH() - g.padH() + ki * g.dilH();
                        if (ih < 0 || ih >= g.h()) {
                            java.util.Arrays.fill(col, d, d + ow, 0f);
                            continue;
                        }
                        int src = xBase + c * hw + ih * g.w() + shift;
                        java.util.Arrays.fill(col, d, d + lo, 0f);
                        if (sw == 1) {
                            System.arraycopy(x, src + lo, col, d + lo, hi - lo);
                        } else {
                            for (int j = lo; j < hi; j++) {
                                col[d + j] = x[src + j * sw];
                            }
                        }
                        java.util.Arrays.fill(col, d + hi, d + ow, 0f);
                    }
                }
            }
        }
    }

    /** The adjoint of {@link #im2col}: adds each column entry into the input position it was read from. */
    static void col2im(ConvGeometry g, float[] col, int ld, int colOff, float[] dx, int n, int grp) {
        int oh = g.outH();
        int ow = g.outW();
        int hw = g.h() * g.w();
        int sw = g.strideW();
        int xBase = (n * g.cIn() + grp * g.cInPerGroup()) * hw;
        for (int c = 0; c < g.cInPerGroup(); c++) {
            for (int ki = 0; ki < g.kh(); ki++) {
                for (int kj = 0; kj < g.kw(); kj++) {
                    int row = (c * g.kh() + ki) * g.kw() + kj;
                    int src0 = row * ld + colOff;
                    int shift = kj * g.dilW() - g.padW();
                    int lo = firstInside(g.padW(), kj * g.dilW(), sw, ow);
                    int hi = endInside(g.w(), g.padW(), kj * g.dilW(), sw, ow, lo);
                    for (int i = 0; i < oh; i++) {
                        int ih = i * g.strideH() - g.padH() + ki * g.dilH();
                        if (ih < 0 || ih >= g.h()) {
                            continue;
                        }
                        int s = src0 + i * ow;
                        int d = xBase + c * hw + ih * g.w() + shift;
                        if (sw == 1) {
                            for (int j = lo; j < hi; j++) {
                                dx[d + j] += col[s + j];
                            }
                        } else {
                            for (int j = lo; j < hi; j++) {
                                dx[d + j * sw] += col[s + j];
                            }
                        }
                    }
                }
            }
        }
    }
}
