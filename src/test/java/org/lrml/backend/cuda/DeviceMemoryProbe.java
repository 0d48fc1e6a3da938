package org.lrml.backend.cuda;

import org.lrml.backend.Backend;

/** For tests outside this package: the bytes the CUDA backend's caching allocator has handed out and not got back. */
public final class DeviceMemoryProbe {
    private DeviceMemoryProbe() {
    }

    /** Bytes in use on the device, or -1 when {@code b} is not the CUDA backend. */
    public static long bytesInUse(Backend b) {
        return b instanceof CudaBackend c ? c.context().allocator.stats().bytesInUse() : -1;
    }
}
