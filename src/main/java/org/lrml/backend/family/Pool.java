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

    /**
     * GeM's sums, fused: with z = max(x, eps) over {@code planes} contiguous planes of {@code hw} elements,
     * t = z^p elementwise (kept for the backward) and sums[plane] = the sum of t over the plane. p is a one-element
     * storage of x's dtype (read where it lives: no host copy on a device).
     */
    void gemSum(Storage x, int planes, int hw, Storage p, double eps, Storage t, Storage sums);

    /**
     * The backward of {@link #gemSum} given ds (one gradient per plane): dx = (ds p) z^(p-1) [eps &lt;= x] and
     * q = (ds t) ln z elementwise; dp is the sum of q, which the caller reduces. The CPU computes exactly the values
     * of the composite clamp, pow and sum (ops.Gem.composite) on that backend.
     */
    void gemSumBackward(Storage x, Storage t, Storage ds, int planes, int hw, Storage p, double eps, Storage dx,
                        Storage q);
}
