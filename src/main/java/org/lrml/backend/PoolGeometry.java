package org.lrml.backend;

/**
 * Shapes of 2-D pooling in NCHW: x (n, c, h, w) -> y (n, c, outH, outW), floor mode,
 * outH = (h + 2 padH - kh) / strideH + 1. Padded cells never win a max; for averages,
 * countIncludePad says whether they count in the divisor (PyTorch's default is true).
 */
public record PoolGeometry(int n, int c, int h, int w, int kh, int kw, int strideH, int strideW,
                           int padH, int padW, boolean countIncludePad) {

    public PoolGeometry {
        if (n < 1 || c < 1 || h < 1 || w < 1 || kh < 1 || kw < 1 || strideH < 1 || strideW < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("pool2d: bad geometry x [" + n + ", " + c + ", " + h + ", " + w + "] kernel "
                    + kh + "x" + kw + " stride " + strideH + "x" + strideW + " padding " + padH + "x" + padW);
        }
        if (2 * padH > kh || 2 * padW > kw) {
            throw new IllegalArgumentException("pool2d: padding " + padH + "x" + padW + " must be at most half the kernel "
                    + kh + "x" + kw);
        }
        if (h + 2 * padH < kh || w + 2 * padW < kw) {
            throw new IllegalArgumentException("pool2d: kernel " + kh + "x" + kw + " larger than padded input "
                    + (h + 2 * padH) + "x" + (w + 2 * padW));
        }
    }

    public int outH() {
        return (h + 2 * padH - kh) / strideH + 1;
    }

    public int outW() {
        return (w + 2 * padW - kw) / strideW + 1;
    }

    public int[] xShape() {
        return new int[]{n, c, h, w};
    }

    public int[] yShape() {
        return new int[]{n, c, outH(), outW()};
    }
}
