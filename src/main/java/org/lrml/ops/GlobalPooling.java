package org.lrml.ops;

import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/** Shape rule shared by the global poolings (MAC, SPoC, GeM): NCHW in, (N, C) out. */
final class GlobalPooling {
    static final int[] SPATIAL = {2, 3};

    private GlobalPooling() {
    }

    static void requireNchw(String op, Tensor x) {
        int[] s = x.shape();
        if (s.length != 4 || s[2] < 1 || s[3] < 1) {
            throw new IllegalArgumentException(op + ": needs an NCHW feature map with H, W >= 1, got shape "
                    + Shape.str(s));
        }
    }
}
