package org.lrml.backend.cuda.vendor;

/**
 * A vendor library call that failed: names the call, the status and what the library says it means, and what the
 * call was given (sizes, descriptors).
 */
public final class VendorException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public VendorException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The library's status code (cublasStatus_t, cudnnStatus_t). */
    public int status() {
        return status;
    }
}
