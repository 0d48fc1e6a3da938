package org.lrml.backend.cuda;

/**
 * A CUDA driver call or kernel launch failed. The message names the call (or the kernel with its grid, block,
 * shared memory and sizes), the driver's error name and code, and what to try.
 */
public class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;

    public CudaException(String message, int code) {
        super(message);
        this.code = code;
    }

    /** The CUresult code of the failed call, or -1 when the failure did not come from the driver. */
    public int code() {
        return code;
    }
}
