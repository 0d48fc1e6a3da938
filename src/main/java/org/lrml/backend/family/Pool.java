package org.lrml.backend.family;

import org.lrml.backend.PoolGeometry;
import org.lrml.backend.Storage;

/** Max and average pooling, NCHW (kernels/pool.cu). */
public interface Pool {

    void maxForward(PoolGeometry g, Storage x, Storage y);

    /**
     * dx = routing of dy to each window's arg-max (first maximum in row-major window order, the same
     * rule as the forward); windows that overlap sum their contributions in a fixed order.
     */
    void maxBackward(PoolGeometry g, Storage x, Storage dy, Storage dx);

    void avgForward(PoolGeometry g, Storage x, Storage y);

    void avgBackward(PoolGeometry g, Storage dy, Storage dx);
}
