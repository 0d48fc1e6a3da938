package org.lrml.backend.family;

import org.lrml.backend.PoolGeometry;
import org.lrml.backend.Storage;

/**
 * Max and average pooling, NCHW (kernels/pool.cu), in the window geometry of {@link PoolGeometry}: asymmetric
 * pads, dilation, floor or ceil mode.
 */
public interface Pool {

    /** y = the window maxima (-infinity for a window with no cell inside the input). */
    void maxForward(PoolGeometry g, Storage x, Storage y);

    /**
     * y as {@link #maxForward}, and indices (a host array of y's length) = for each output, the flat index into
     * x (n, c, h, w) in row-major order, ((n C + c) H + ih) W + iw, of the cell y was taken from: the first
     * maximum in row-major window order, as the backward routes to (ONNX MaxPool's Indices with storage_order
     * 0; -1 for a window with no cell inside the input). The call returns once indices are filled.
     */
    void maxForwardWithIndices(PoolGeometry g, Storage x, Storage y, long[] indices);

    /**
     * dx = routing of dy to each window's arg-max (first maximum in row-major window order, the same
     * rule as the forward); windows that overlap sum their contributions in a fixed order.
     */
    void maxBackward(PoolGeometry g, Storage x, Storage dy, Storage dx);

    void avgForward(PoolGeometry g, Storage x, Storage y);

    void avgBackward(PoolGeometry g, Storage dy, Storage dx);
}
