package org.lrml.ops;

import java.util.Locale;

/**
 * ONNX's auto_pad attribute of pooling and (transposed) convolution: how the padding of each spatial axis is
 * chosen. NOTSET: the explicit pads; VALID: none; SAME_UPPER / SAME_LOWER: the total that gives the SAME
 * output size (ceil(in / stride) for pooling and convolution, in stride for transposed convolution), split in
 * halves with the odd cell at the end (UPPER) or at the beginning (LOWER).
 */
public enum AutoPad {
    NOTSET, VALID, SAME_UPPER, SAME_LOWER;

    /** The constant of ONNX's spelling ("SAME_UPPER", ...; case-insensitive), or an error that names the op. */
    public static AutoPad parse(String op, String onnxName) {
        try {
            return valueOf(onnxName.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": auto_pad must be NOTSET, VALID, SAME_UPPER or SAME_LOWER, got '"
                    + onnxName + "'", e);
        }
    }

    public boolean isSame() {
        return this == SAME_UPPER || this == SAME_LOWER;
    }

    /** {begin, end} for a total padding of one axis: halves, the odd cell at the end (UPPER) or beginning (LOWER). */
    public int[] split(int total) {
        return this == SAME_LOWER ? new int[]{total - total / 2, total / 2} : new int[]{total / 2, total - total / 2};
    }

    /**
     * {begin, end} padding of one axis of pooling or convolution under SAME: out = ceil(in / stride) and
     * total = max(0, (out - 1) stride + dilation (kernel - 1) + 1 - in).
     */
    public int[] samePads(int in, int kernel, int stride, int dilation) {
        int out = (in + stride - 1) / stride;
        return split(Math.max(0, (out - 1) * stride + dilation * (kernel - 1) + 1 - in));
    }
}
