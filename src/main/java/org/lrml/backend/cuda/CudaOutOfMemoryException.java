package org.lrml.backend.cuda;

/**
 * Device memory ran out even after the caching allocator released its cache. The message says how much was
 * asked for, how much the device has free, and how much this process holds in use and had cached.
 */
public final class CudaOutOfMemoryException extends CudaException {
    private static final long serialVersionUID = 1L;

    public CudaOutOfMemoryException(String message) {
        super(message, 2);
    }
}
