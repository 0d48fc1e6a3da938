package org.lrml.backend;

/**
 * Shapes of 2-D pooling in NCHW, with ONNX's and PyTorch's window rules: x (n, c, h, w) -> y (n, c, outH, outW).
 * <p>Window (oh, ow) reads rows oh strideH - padTop + ki dilH (ki &lt; kh) and columns likewise; cells outside the
 * input never win a max and add nothing to a sum. With the kernel extent eh = dilH (kh - 1) + 1:
 * <pre>
 *   floor mode: outH = (h + padTop + padBottom - eh) / strideH + 1
 *   ceil mode:  outH = ceil((h + padTop + padBottom - eh) / strideH) + 1, less one when the last window would
 *               start at or past h + padTop (inside the bottom padding): PyTorch's rule and ONNX's since 1.16
 * </pre>
 * Each pad must be smaller than the kernel extent (ONNX Runtime's rule; PyTorch asks for at most half the kernel).
 * For averages, countIncludePad says whether the divisor counts the window cells that lie in the padding: then it
 * is the number of cells inside the padded extent [-padTop, h + padBottom) x [-padLeft, w + padRight) (kh kw in
 * floor mode), else the number inside the input. A max window with no cell inside the input (possible only with
 * dilation) gives -infinity, index -1 and no gradient.
 *
 * <p>The original symmetric, floor-mode, undilated record's 11-argument constructor (..., padH, padW,
 * countIncludePad) remains: it fills padTop = padBottom = padH, padLeft = padRight = padW, dilation 1, floor mode.
 */
public record PoolGeometry(int n, int c, int h, int w, int kh, int kw, int strideH, int strideW,
                           int padTop, int padLeft, int padBottom, int padRight, int dilH, int dilW,
                           boolean ceilMode, boolean countIncludePad) {

    public PoolGeometry {
        if (n < 1 || c < 1 || h < 1 || w < 1 || kh < 1 || kw < 1 || strideH < 1 || strideW < 1 || dilH < 1
                || dilW < 1 || padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
            throw new IllegalArgumentException("pool2d: bad geometry x [" + n + ", " + c + ", " + h + ", " + w
                    + "] kernel " + kh + "x" + kw + " stride " + strideH + "x" + strideW + " pads (top, left, bottom,"
                    + " right) " + pads(padTop, padLeft, padBottom, padRight) + " dilation " + dilH + "x" + dilW
                    + " (sizes, strides and dilations must be >= 1, pads >= 0)");
        }
        int eh = dilH * (kh - 1) + 1;
        int ew = dilW * (kw - 1) + 1;
        if (padTop >= eh || padBottom >= eh || padLeft >= ew || padRight >= ew) {
            throw new IllegalArgumentException("pool2d: pads (top, left, bottom, right) "
                    + pads(padTop, padLeft, padBottom, padRight) + " must each be smaller than the kernel extent "
                    + eh + "x" + ew + " (kernel " + kh + "x" + kw + ", dilation " + dilH + "x" + dilW + ")");
        }
        if (h + padTop + padBottom < eh || w + padLeft + padRight < ew) {
            throw new IllegalArgumentException("pool2d: kernel extent " + eh + "x" + ew + " larger than the padded input "
                    + (h + padTop + padBottom) + "x" + (w + padLeft + padRight));
        }
    }

    /** Symmetric padding, floor mode, no dilation: the original geometry. */
    public PoolGeometry(int n, int c, int h, int w, int kh, int kw, int strideH, int strideW, int padH, int padW,
                        boolean countIncludePad) {
        this(n, c, h, w, kh, kw, strideH, strideW, padH, padW, padH, padW, 1, 1, false, countIncludePad);
    }

    private static String pads(int t, int l, int b, int r) {
        return "(" + t + ", " + l + ", " + b + ", " + r + ")";
    }

    /** Rows a window spans, padding and holes of the dilation included: dilH (kh - 1) + 1. */
    public int extentH() {
        return dilH * (kh - 1) + 1;
    }

    /** Columns a window spans: dilW (kw - 1) + 1. */
    public int extentW() {
        return dilW * (kw - 1) + 1;
    }

    public int outH() {
        return outSize(h, padTop, padBottom, extentH(), strideH, ceilMode);
    }

    public int outW() {
        return outSize(w, padLeft, padRight, extentW(), strideW, ceilMode);
    }

    private static int outSize(int in, int padBegin, int padEnd, int extent, int stride, boolean ceil) {
        int span = in + padBegin + padEnd - extent;
        if (!ceil) {
            return span / stride + 1;
        }
        int out = (span + stride - 1) / stride + 1;
        if ((out - 1) * stride >= in + padBegin) {
            out--;
        }
        return out;
    }

    public int[] xShape() {
        return new int[]{n, c, h, w};
    }

    public int[] yShape() {
        return new int[]{n, c, outH(), outW()};
    }
}
