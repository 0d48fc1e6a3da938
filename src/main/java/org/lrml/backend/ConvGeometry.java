package org.lrml.backend;

/**
 * Shapes of a 2-D convolution in NCHW: x (n, cIn, h, w), weight (cOut, cIn/groups, kh, kw),
 * y (n, cOut, outH, outW) with outH = (h + 2 padH - dilH (kh - 1) - 1) / strideH + 1 (likewise W).
 */
public record ConvGeometry(int n, int cIn, int h, int w, int cOut, int kh, int kw,
                           int strideH, int strideW, int padH, int padW, int dilH, int dilW, int groups) {

    public ConvGeometry {
        if (n < 1 || cIn < 1 || h < 1 || w < 1 || cOut < 1 || kh < 1 || kw < 1) {
            throw new IllegalArgumentException("conv2d: sizes must be positive: " + describe(n, cIn, h, w, cOut, kh, kw));
        }
        if (strideH < 1 || strideW < 1 || dilH < 1 || dilW < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv2d: stride and dilation must be >= 1 and padding >= 0, got stride "
                    + strideH + "x" + strideW + " padding " + padH + "x" + padW + " dilation " + dilH + "x" + dilW);
        }
        if (groups < 1 || cIn % groups != 0 || cOut % groups != 0) {
            throw new IllegalArgumentException("conv2d: groups=" + groups + " must divide input channels " + cIn
                    + " and output channels " + cOut);
        }
        int oh = (h + 2 * padH - dilH * (kh - 1) - 1) / strideH + 1;
        int ow = (w + 2 * padW - dilW * (kw - 1) - 1) / strideW + 1;
        if (h + 2 * padH - dilH * (kh - 1) - 1 < 0 || w + 2 * padW - dilW * (kw - 1) - 1 < 0 || oh < 1 || ow < 1) {
            throw new IllegalArgumentException("conv2d: kernel " + kh + "x" + kw + " (dilation " + dilH + "x" + dilW
                    + ") does not fit input " + h + "x" + w + " with padding " + padH + "x" + padW);
        }
    }

    private static String describe(int n, int c, int h, int w, int co, int kh, int kw) {
        return "x [" + n + ", " + c + ", " + h + ", " + w + "], weight [" + co + ", ?, " + kh + ", " + kw + "]";
    }

    public int outH() {
        return (h + 2 * padH - dilH * (kh - 1) - 1) / strideH + 1;
    }

    public int outW() {
        return (w + 2 * padW - dilW * (kw - 1) - 1) / strideW + 1;
    }

    public int cInPerGroup() {
        return cIn / groups;
    }

    public int cOutPerGroup() {
        return cOut / groups;
    }

    public int[] xShape() {
        return new int[]{n, cIn, h, w};
    }

    public int[] wShape() {
        return new int[]{cOut, cIn / groups, kh, kw};
    }

    public int[] yShape() {
        return new int[]{n, cOut, outH(), outW()};
    }

    /** Multiply-adds x 2 of the forward pass (backward data and backward filter cost the same each). */
    public double flops() {
        return 2.0 * n * cOut * (double) outH() * outW() * cInPerGroup() * kh * kw;
    }
}
