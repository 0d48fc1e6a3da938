package org.lrml.backend.cpu;

import org.lrml.backend.ConvGeometry;
import org.lrml.backend.GemmSpec;

/**
 * Float32 convolution on a zero-padded channels-last copy of the input (each pixel's channels contiguous,
 * the padding written out), the fast path of {@link CpuConvFast}. With T = KH KW taps, Cg = C/groups,
 * K = T Cg, and positions q = (image, oh, ow) of all images:
 * <pre>
 *   forward:         Y^T (positions x O/groups) = Patches (positions x K) W_g^T (K x O/groups), an implicit
 *                    GEMM: the kernel ({@link CpuConvVector#tile}) reads tap s of every position at the
 *                    same distance taps[s] from the position's first pixel, weights packed once
 *   backward data:   stride 1 only: the forward of dy with the weights flipped and in/out channels
 *                    swapped, padding dil (K - 1) - pad
 *   backward filter: dW_g (O/groups x K) = dY^T (O/groups x positions) Patches (positions x K) over
 *                    chunks of images: a kernel reading both straight from the channels-last buffers when
 *                    Cg is a multiple of NR ({@link CpuConvVector#filterTile}), else patch rows copied
 *                    out and the packed GEMM
 * </pre>
 * Each output of the forward is one kernel call (taps then channels, a fixed order). The filter gradient
 * is summed per chunk of G images (G a function of the geometry) and the chunks in chunk order. So every
 * result is the same for any thread count.
 */
final class CpuConvImplicit {
    /** Positions per parallel chunk of the forward (a multiple of the kernel's MR). */
    private static final int POSITIONS_PER_CHUNK = 64;
    /**
     * Channels per group from which this path wins: the kernel's accumulators go through memory once per tap,
     * and the filter gradient copies Cg channels per tap, both cheap only when Cg is not small (measured:
     * with one input channel, im2col + GEMM is four times faster; with one output channel, as in the first
     * layer's backward data, three times).
     */
    static final int MIN_CHANNELS = 16;
    /** Positions per chunk of the filter gradient, at least: the GEMM's k-extent, enough to amortise packing. */
    private static final int FILTER_COLUMNS = 1024;
    /** Positions per pass of the filter gradient's direct kernel over one tap slice. */
    private static final int FILTER_Q_BLOCK = 128;
    static final boolean AVAILABLE = probe();
    /** Channels-last input, channels-last dY, patch rows, the GEMM's output. */
    private static final CpuScratch SCRATCH = new CpuScratch(4);

    private CpuConvImplicit() {
    }

    private static boolean probe() {
        if (!CpuGemmFast.vectorActive()) {
            return false;
        }
        try {
            return CpuConvVector.NR > 0;
        } catch (LinkageError e) {
            return false;
        }
    }

    /**
     * Whether {@link #forward} serves this geometry: deep enough inputs, and enough output channels to fill
     * a good part of the 32-wide weight panels (one output channel wastes 31/32 of the kernel).
     */
    static boolean canForward(ConvGeometry g) {
        return AVAILABLE && tapWidth(g) >= MIN_CHANNELS && g.cOutPerGroup() >= MIN_CHANNELS;
    }

    /**
     * Inputs the forward kernel reads contiguously per tap: without groups and dilation along the width, the KW taps
     * of a kernel row are KW adjacent pixels, so their KW C channels lie side by side in the channels-last buffer
     * and one tap of KW C inputs replaces KW taps of C (the kernel folds the same products in the same order, taps
     * then channels, so the results are unchanged). That keeps the accumulators in registers KW times longer, which
     * is what makes the path worth it for an RGB stem (7x7, 3 channels: 21 inputs per row instead of 3).
     */
    static int tapWidth(ConvGeometry g) {
        return mergedRows(g) ? g.kw() * g.cIn() : g.cInPerGroup();
    }

    private static boolean mergedRows(ConvGeometry g) {
        return g.groups() == 1 && g.dilW() == 1;
    }

    /** The forward kernel's taps: one per kernel row when {@link #mergedRows}, else one per kernel element. */
    private static int[] forwardTaps(ConvGeometry g) {
        if (!mergedRows(g)) {
            return tapOffsets(g);
        }
        int wp = g.w() + 2 * g.padW();
        int[] taps = new int[g.kh()];
        for (int ki = 0; ki < g.kh(); ki++) {
            taps[ki] = ki * g.dilH() * wp * g.cIn();
        }
        return taps;
    }

    /** Whether {@link #backwardFilter} serves this geometry (the GEMM it uses has its own scalar fallback). */
    static boolean canBackwardFilter(ConvGeometry g) {
        return g.cInPerGroup() >= MIN_CHANNELS;
    }

    /** Whether {@link #backwardData} serves this geometry: stride 1 and a non-negative transposed padding. */
    static boolean canBackwardData(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1 && g.padH() <= g.dilH() * (g.kh() - 1)
                && g.padW() <= g.dilW() * (g.kw() - 1) && canForward(transposed(g));
    }

    /**
     * x (n, c, h, w) to channels-last (n, h + 2 ph, w + 2 pw, c) in out, the padding as zeros; one image per
     * unit of parallel work, one input row at a time (its transposed block stays in L1).
     */
    static void toChannelsLast(float[] x, int n, int c, int h, int w, int ph, int pw, float[] out) {
        int hp = h + 2 * ph;
        int wp = w + 2 * pw;
        int hw = h * w;
        CpuParallel.forChunks(n, img -> {
            int base = img * hp * wp * c;
            java.util.Arrays.fill(out, base, base + ph * wp * c, 0f);
            java.util.Arrays.fill(out, base + (ph + h) * wp * c, base + hp * wp * c, 0f);
            int src = img * c * hw;
            for (int ih = 0; ih < h; ih++) {
                int row = base + (ih + ph) * wp * c;
                java.util.Arrays.fill(out, row, row + pw * c, 0f);
                java.util.Arrays.fill(out, row + (pw + w) * c, row + wp * c, 0f);
                int dst = row + pw * c;
                int sr = src + ih * w;
                // Writes in order (one pixel's channels after another); the reads stride over the channels' rows,
                // whose cache lines stay in L1 for the next pixels.
                for (int iw = 0; iw < w; iw++) {
                    int o = dst + iw * c;
                    for (int ch = 0, si = sr + iw; ch < c; ch++, si += hw) {
                        out[o + ch] = x[si];
                    }
                }
            }
        });
    }

    /** Offset of each tap s = ki KW + kj from a position's first pixel, in the padded channels-last buffer. */
    private static int[] tapOffsets(ConvGeometry g) {
        int wp = g.w() + 2 * g.padW();
        int[] taps = new int[g.kh() * g.kw()];
        for (int ki = 0; ki < g.kh(); ki++) {
            for (int kj = 0; kj < g.kw(); kj++) {
                taps[ki * g.kw() + kj] = (ki * g.dilH() * wp + kj * g.dilW()) * g.cIn();
            }
        }
        return taps;
    }

    /** Offset in the padded channels-last buffer of position q's first pixel, plus the group's first channel. */
    private static int firstPixel(ConvGeometry g, int q, int grp) {
        int p = g.outH() * g.outW();
        int img = q / p;
        int rem = q - img * p;
        int oh = rem / g.outW();
        int ow = rem - oh * g.outW();
        int hp = g.h() + 2 * g.padH();
        int wp = g.w() + 2 * g.padW();
        return ((img * hp + oh * g.strideH()) * wp + ow * g.strideW()) * g.cIn() + grp * g.cInPerGroup();
    }

    /**
     * Weights of each group as NR-column panels of the (K x O/groups) matrix W_g^T, K in (tap, channel)
     * order, columns past O/groups zero: panel jb of group grp holds wt[((grp panels + jb) K + t) NR + j] =
     * w[grp O/groups + jb NR + j][c][s] with t = s Cg + c. Panel-major, so a panel is one contiguous stream.
     */
    private static float[] packWeights(ConvGeometry g, float[] w, int panels) {
        int nr = CpuConvVector.NR;
        int taps = g.kh() * g.kw();
        int cpg = g.cInPerGroup();
        int opg = g.cOutPerGroup();
        int k = taps * cpg;
        float[] wt = new float[g.groups() * panels * k * nr];
        for (int grp = 0; grp < g.groups(); grp++) {
            for (int o = 0; o < opg; o++) {
                int base = (grp * panels + o / nr) * k * nr + o % nr;
                int src = (grp * opg + o) * cpg * taps;
                for (int c = 0; c < cpg; c++) {
                    for (int s = 0; s < taps; s++) {
                        wt[base + (s * cpg + c) * nr] = w[src + c * taps + s];
                    }
                }
            }
        }
        return wt;
    }

    static void forward(ConvGeometry g, float[] x, float[] w, float[] y) {
        float[] xp = SCRATCH.get(0, g.n() * (g.h() + 2 * g.padH()) * (g.w() + 2 * g.padW()) * g.cIn());
        toChannelsLast(x, g.n(), g.cIn(), g.h(), g.w(), g.padH(), g.padW(), xp);
        int nr = CpuConvVector.NR;
        int mr = CpuConvVector.MR;
        int opg = g.cOutPerGroup();
        int panels = (opg + nr - 1) / nr;
        float[] wt = packWeights(g, w, panels);
        // Packed K order (tap s, channel c) is (ki, kj, c), which is also (kernel row, kj C + c): merged rows read
        // the same panels.
        int[] taps = forwardTaps(g);
        int cpg = tapWidth(g);
        int k = taps.length * cpg;
        int p = g.outH() * g.outW();
        int total = g.n() * p;
        int chunks = (total + POSITIONS_PER_CHUNK - 1) / POSITIONS_PER_CHUNK;
        CpuParallel.forChunks(chunks, ch -> {
            int[] rows = new int[mr];
            int[] outs = new int[mr];
            float[] acc = new float[mr * nr];
            int end = Math.min(total, (ch + 1) * POSITIONS_PER_CHUNK);
            for (int q0 = ch * POSITIONS_PER_CHUNK; q0 < end; q0 += mr) {
                int valid = Math.min(mr, end - q0);
                for (int r = 0; r < valid; r++) {
                    int img = (q0 + r) / p;
                    outs[r] = img * g.cOut() * p + (q0 + r - img * p);
                }
                for (int grp = 0; grp < g.groups(); grp++) {
                    for (int r = 0; r < mr; r++) {
                        // Rows past the end read real pixels; their results are not stored.
                        rows[r] = firstPixel(g, r < valid ? q0 + r : q0, grp);
                    }
                    for (int jb = 0; jb < panels; jb++) {
                        CpuConvVector.tile(taps, cpg, rows, 0, xp, wt, (grp * panels + jb) * k * nr, acc);
                        int cols = Math.min(nr, opg - jb * nr);
                        int channel = (grp * opg + jb * nr) * p;
                        // Channel by channel, so the tile's positions (consecutive in y) are stored in order.
                        for (int j = 0; j < cols; j++) {
                            int at = channel + j * p;
                            for (int r = 0; r < valid; r++) {
                                y[outs[r] + at] = acc[r * nr + j];
                            }
                        }
                    }
                }
            }
        });
    }

    /** The forward geometry whose output is dx: dy in, channels swapped, padding dil (k - 1) - pad. */
    static ConvGeometry transposed(ConvGeometry g) {
        return new ConvGeometry(g.n(), g.cOut(), g.outH(), g.outW(), g.cIn(), g.kh(), g.kw(), 1, 1,
                g.dilH() * (g.kh() - 1) - g.padH(), g.dilW() * (g.kw() - 1) - g.padW(), g.dilH(), g.dilW(),
                g.groups());
    }

    /** Stride-1 dx = forward(dy, w') with w'[c][o'][ki][kj] = w[group(c) O/groups + o'][c - group(c) C/groups][flipped]. */
    static void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx) {
        ConvGeometry t = transposed(g);
        int cpg = g.cInPerGroup();
        int opg = g.cOutPerGroup();
        int kh = g.kh();
        int kw = g.kw();
        float[] wf = new float[w.length];
        for (int c = 0; c < g.cIn(); c++) {
            int grp = c / cpg;
            for (int o = 0; o < opg; o++) {
                int src = ((grp * opg + o) * cpg + (c - grp * cpg)) * kh * kw;
                int dst = (c * opg + o) * kh * kw;
                for (int s = 0; s < kh * kw; s++) {
                    wf[dst + s] = w[src + kh * kw - 1 - s];
                }
            }
        }
        forward(t, dy, wf, dx);
    }

    /**
     * The chunk's filter gradient without a patch matrix: {@link CpuConvVector#filterTile} reads MR channels
     * of dY and NR channels of one tap straight from the channels-last buffers (Cg a multiple of NR, O/groups
     * of MR), and the tile lands in dW's (o, c, tap) layout.
     */
    private static void directFilterChunk(ConvGeometry g, float[] xp, float[] dyh, int n0, int cols, int[] taps,
                                          float[] dw, int dwOff) {
        int mr = CpuConvVector.MR;
        int nr = CpuConvVector.NR;
        int p = g.outH() * g.outW();
        int cpg = g.cInPerGroup();
        int opg = g.cOutPerGroup();
        int ntaps = taps.length;
        int[] first = new int[cols];
        int blocks = opg / mr;
        float[] acc = new float[blocks * mr * nr];
        for (int grp = 0; grp < g.groups(); grp++) {
            for (int q = 0; q < cols; q++) {
                first[q] = firstPixel(g, n0 * p + q, grp);
            }
            for (int s = 0; s < ntaps; s++) {
                for (int c0 = 0; c0 < cpg; c0 += nr) {
                    // Positions in blocks whose slice of the tap (FILTER_Q_BLOCK x NR floats) stays in L1 while
                    // every channel block of dY passes over it.
                    for (int q0 = 0; q0 < cols; q0 += FILTER_Q_BLOCK) {
                        int q1 = Math.min(cols, q0 + FILTER_Q_BLOCK);
                        for (int b = 0; b < blocks; b++) {
                            CpuConvVector.filterTile(q0, q1, first, taps[s] + c0, xp, dyh,
                                    n0 * p * g.cOut() + grp * opg + b * mr, g.cOut(), acc, b * mr * nr, q0 == 0);
                        }
                    }
                    for (int o = 0; o < opg; o++) {
                        int row = dwOff + ((grp * opg + o) * cpg + c0) * ntaps + s;
                        for (int j = 0; j < nr; j++) {
                            dw[row + j * ntaps] = acc[o * nr + j];
                        }
                    }
                }
            }
        }
    }

    /**
     * Images per chunk of the filter gradient: about FILTER_COLUMNS positions, spread evenly over the chunks
     * (so no short last chunk idles a thread); a function of the geometry only.
     */
    static int imagesPerFilterChunk(ConvGeometry g) {
        long positions = (long) g.n() * g.outH() * g.outW();
        int chunks = (int) Math.max(1, Math.min(g.n(), (positions + FILTER_COLUMNS - 1) / FILTER_COLUMNS));
        return (g.n() + chunks - 1) / chunks;
    }

    static void backwardFilter(ConvGeometry g, float[] x, float[] dy, float[] dw) {
        int p = g.outH() * g.outW();
        float[] xp = SCRATCH.get(0, g.n() * (g.h() + 2 * g.padH()) * (g.w() + 2 * g.padW()) * g.cIn());
        toChannelsLast(x, g.n(), g.cIn(), g.h(), g.w(), g.padH(), g.padW(), xp);
        float[] dyh = SCRATCH.get(1, g.n() * p * g.cOut());
        toChannelsLast(dy, g.n(), g.cOut(), g.outH(), g.outW(), 0, 0, dyh);
        int taps = g.kh() * g.kw();
        int cpg = g.cInPerGroup();
        int opg = g.cOutPerGroup();
        int k = taps * cpg;
        int[] tapOffsets = tapOffsets(g);
        int per = imagesPerFilterChunk(g);
        int chunks = (g.n() + per - 1) / per;
        int dwLen = dw.length;
        float[] parts = chunks == 1 ? dw : new float[chunks * dwLen];
        boolean direct = AVAILABLE && cpg % CpuConvVector.NR == 0 && opg % CpuConvVector.MR == 0;
        CpuParallel.forChunks(chunks, ch -> {
            int n0 = ch * per;
            int cols = Math.min(per, g.n() - n0) * p;
            if (direct) {
                directFilterChunk(g, xp, dyh, n0, cols, tapOffsets, parts, chunks == 1 ? 0 : ch * dwLen);
                return;
            }
            float[] patches = SCRATCH.get(2, cols * k);
            float[] tmp = SCRATCH.get(3, opg * k);
            for (int grp = 0; grp < g.groups(); grp++) {
                for (int q = 0; q < cols; q++) {
                    int first = firstPixel(g, n0 * p + q, grp);
                    for (int s = 0; s < taps; s++) {
                        System.arraycopy(xp, first + tapOffsets[s], patches, q * k + s * cpg, cpg);
                    }
                }
                // (opg x K) = dY^T (opg x cols) Patches (cols x K); dY^T is the channels-last dY read transposed.
                CpuGemmFast.gemm(new GemmSpec(1, true, false, opg, k, cols, 1.0, (long) n0 * p * g.cOut() + grp * opg,
                        g.cOut(), 0, 0, k, 0, 0.0, 0, k, 0), dyh, patches, tmp);
                int base = (chunks == 1 ? 0 : ch * dwLen) + grp * opg * k;
                for (int o = 0; o < opg; o++) {
                    for (int c = 0; c < cpg; c++) {
                        for (int s = 0; s < taps; s++) {
                            parts[base + (o * cpg + c) * taps + s] = tmp[o * k + s * cpg + c];
                        }
                    }
                }
            }
        });
        if (chunks > 1) {
            CpuParallel.forRange(dwLen, 4096, (from, to) -> {
                for (int i = from; i < to; i++) {
                    float s = parts[i];
                    for (int c = 1; c < chunks; c++) {
                        s += parts[c * dwLen + i];
                    }
                    dw[i] = s;
                }
            });
        }
    }
}
