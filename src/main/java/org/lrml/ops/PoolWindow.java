package org.lrml.ops;

import org.lrml.backend.PoolGeometry;
import org.lrml.backend.Shape;

/**
 * The window of a 2-D pooling op as PyTorch and ONNX describe it: kernel, strides, pads in ONNX's order (top, left,
 * bottom, right), dilations, ceil mode and auto_pad. {@link #geometry} resolves it against an input shape into
 * the backend's {@link PoolGeometry} (window rules and output sizes there); auto_pad SAME_UPPER / SAME_LOWER
 * replace the pads by those that give outH = ceil(H / strideH), VALID by zeros.
 */
public record PoolWindow(int kh, int kw, int strideH, int strideW, int padTop, int padLeft, int padBottom,
                         int padRight, int dilH, int dilW, boolean ceilMode, AutoPad autoPad) {

    public PoolWindow {
        if (autoPad == null) {
            throw new IllegalArgumentException("pool2d: autoPad must not be null (NOTSET uses the explicit pads)");
        }
    }

    /** PyTorch's form: kernel, stride and symmetric padding as {height, width}; floor mode, no dilation. */
    public static PoolWindow of(int[] kernel, int[] stride, int[] padding) {
        if (kernel.length != 2 || stride.length != 2 || padding.length != 2) {
            throw new IllegalArgumentException("pool2d: kernel, stride and padding are {height, width} pairs, got "
                    + kernel.length + ", " + stride.length + " and " + padding.length + " values");
        }
        return new PoolWindow(kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1], padding[0],
                padding[1], 1, 1, false, AutoPad.NOTSET);
    }

    /**
     * ONNX's attributes of a 2-D MaxPool / AveragePool node: kernel_shape {kh, kw}; strides, pads {top, left,
     * bottom, right} and dilations, each null for ONNX's default (1, 0, 1); ceil_mode; auto_pad.
     */
    public static PoolWindow onnx(int[] kernelShape, int[] strides, int[] pads, int[] dilations, boolean ceilMode,
                                  AutoPad autoPad) {
        int[] s = strides == null ? new int[]{1, 1} : strides;
        int[] p = pads == null ? new int[4] : pads;
        int[] d = dilations == null ? new int[]{1, 1} : dilations;
        if (kernelShape.length != 2 || s.length != 2 || p.length != 4 || d.length != 2) {
            throw new IllegalArgumentException("pool2d: a 2-D window needs kernel_shape, strides and dilations of 2"
                    + " values and pads of 4 (top, left, bottom, right), got " + kernelShape.length + ", " + s.length
                    + ", " + d.length + " and " + p.length);
        }
        return new PoolWindow(kernelShape[0], kernelShape[1], s[0], s[1], p[0], p[1], p[2], p[3], d[0], d[1], ceilMode,
                autoPad);
    }

    public PoolWindow withCeilMode(boolean ceil) {
        return new PoolWindow(kh, kw, strideH, strideW, padTop, padLeft, padBottom, padRight, dilH, dilW, ceil, autoPad);
    }

    public PoolWindow withDilation(int dh, int dw) {
        return new PoolWindow(kh, kw, strideH, strideW, padTop, padLeft, padBottom, padRight, dh, dw, ceilMode, autoPad);
    }

    public PoolWindow withAutoPad(AutoPad a) {
        return new PoolWindow(kh, kw, strideH, strideW, padTop, padLeft, padBottom, padRight, dilH, dilW, ceilMode, a);
    }

    /** The backend geometry of this window over x (N, C, H, W), or an error that names the op, x and the rule. */
    public PoolGeometry geometry(String op, int[] xs, boolean countIncludePad) {
        if (xs.length != 4) {
            throw new IllegalArgumentException(op + ": x must be (N, C, H, W), got " + Shape.str(xs));
        }
        int[] ph = {padTop, padBottom};
        int[] pw = {padLeft, padRight};
        if (autoPad == AutoPad.VALID) {
            ph = new int[2];
            pw = new int[2];
        } else if (autoPad.isSame()) {
            if (kh < 1 || kw < 1 || strideH < 1 || strideW < 1 || dilH < 1 || dilW < 1) {
                throw new IllegalArgumentException(op + ": bad window " + this + " (x " + Shape.str(xs) + ")");
            }
            ph = autoPad.samePads(xs[2], kh, strideH, dilH);
            pw = autoPad.samePads(xs[3], kw, strideW, dilW);
        }
        try {
            return new PoolGeometry(xs[0], xs[1], xs[2], xs[3], kh, kw, strideH, strideW, ph[0], pw[0], ph[1], pw[1],
                    dilH, dilW, ceilMode, countIncludePad);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": " + e.getMessage() + " (x " + Shape.str(xs) + ")", e);
        }
    }
}
