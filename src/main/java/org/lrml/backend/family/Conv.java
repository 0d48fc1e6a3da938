package org.lrml.backend.family;

import org.lrml.backend.ConvGeometry;
import org.lrml.backend.Storage;

/** 2-D convolution, NCHW, no bias; each pass overwrites its output (kernels/conv.cu, or cuDNN where it loads). */
public interface Conv {

    /** y = conv(x, w). */
    void forward(ConvGeometry g, Storage x, Storage w, Storage y);

    /** dx = d conv / dx applied to dy. */
    void backwardData(ConvGeometry g, Storage dy, Storage w, Storage dx);

    /** dw = d conv / dw applied to dy. */
    void backwardFilter(ConvGeometry g, Storage x, Storage dy, Storage dw);
}
