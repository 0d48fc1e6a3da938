package org.lrml.data;

/**
 * Bilinear resizing with the semantics of {@code torch.nn.functional.interpolate(mode='bilinear',
 * align_corners=False)}, no antialiasing: output pixel i of an axis reads the input at
 * src = max(0, (i + 0.5) s - 0.5) with s input pixels per output pixel, between pixels floor(src) and the next
 * one (clamped to the last), weights 1 - frac and frac. Given an output size, s = in / out; given a scale factor
 * f (as cirtorch's multi-scale descriptors pass it), the output is floor(in f) and s = 1 / f, which PyTorch
 * uses as given instead of recomputing it from the sizes. Arithmetic in float32 as PyTorch's CPU kernel.
 */
public final class BilinearResize {
    private BilinearResize() {
    }

    /** Resizes to exactly outH x outW; the same size returns a copy. */
    public static ChwImage toSize(ChwImage img, int outH, int outW) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("resize: output size " + outH + " x " + outW + " must be positive");
        }
        if (outH == img.height() && outW == img.width()) {
            return new ChwImage(img.channels(), outH, outW, img.data().clone());
        }
        return resample(img, outH, outW, (float) img.height() / outH, (float) img.width() / outW);
    }

    /** Scales both sides by factor (output floor(side factor), at least 1); factor 1 returns a copy. */
    public static ChwImage byFactor(ChwImage img, double factor) {
        if (!(factor > 0) || !Double.isFinite(factor)) {
            throw new IllegalArgumentException("resize: scale factor " + factor + " must be positive");
        }
        int outH = Math.max(1, (int) Math.floor(img.height() * factor));
        int outW = Math.max(1, (int) Math.floor(img.width() * factor));
        if (factor == 1.0) {
            return new ChwImage(img.channels(), img.height(), img.width(), img.data().clone());
        }
        float s = (float) (1.0 / factor);
        return resample(img, outH, outW, s, s);
    }

    /** Resizes so the longer side becomes size (the other scaled alike and rounded, at least 1). */
    public static ChwImage longestSide(ChwImage img, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("resize: size must be positive, got " + size);
        }
        int longest = Math.max(img.width(), img.height());
        int w = Math.max(1, (int) Math.round((double) img.width() * size / longest));
        int h = Math.max(1, (int) Math.round((double) img.height() * size / longest));
        if (img.width() >= img.height()) {
            w = size;
        } else {
            h = size;
        }
        return toSize(img, h, w);
    }

    private static ChwImage resample(ChwImage img, int outH, int outW, float scaleH, float scaleW) {
        int inH = img.height();
        int inW = img.width();
        Axis rows = new Axis(inH, outH, scaleH);
        Axis cols = new Axis(inW, outW, scaleW);
        float[] in = img.data();
        float[] out = new float[img.channels() * outH * outW];
        for (int c = 0; c < img.channels(); c++) {
            int src = c * inH * inW;
            int dst = c * outH * outW;
            for (int y = 0; y < outH; y++) {
                int r0 = src + rows.lo[y] * inW;
                int r1 = src + rows.hi[y] * inW;
                float wy0 = rows.w0[y];
                float wy1 = rows.w1[y];
                for (int x = 0; x < outW; x++) {
                    int x0 = cols.lo[x];
                    int x1 = cols.hi[x];
                    float wx0 = cols.w0[x];
                    float wx1 = cols.w1[x];
                    out[dst + y * outW + x] = wy0 * (wx0 * in[r0 + x0] + wx1 * in[r0 + x1])
                            + wy1 * (wx0 * in[r1 + x0] + wx1 * in[r1 + x1]);
                }
            }
        }
        return new ChwImage(img.channels(), outH, outW, out);
    }

    /** Per output index of one axis: the two input indices and their weights. */
    private static final class Axis {
        final int[] lo;
        final int[] hi;
        final float[] w0;
        final float[] w1;

        Axis(int in, int out, float scale) {
            lo = new int[out];
            hi = new int[out];
            w0 = new float[out];
            w1 = new float[out];
            for (int i = 0; i < out; i++) {
                float src = scale * (i + 0.5f) - 0.5f;
                if (src < 0) {
                    src = 0;
                }
                int i0 = Math.min((int) src, in - 1);
                float frac = src - i0;
                lo[i] = i0;
                hi[i] = i0 < in - 1 ? i0 + 1 : i0;
                w1[i] = frac;
                w0[i] = 1f - frac;
            }
        }
    }
}
