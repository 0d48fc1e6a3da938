package org.lrml.autograd;

/**
 * The first NaN or infinity {@link AnomalyMode} found: which op made it, in its forward or its backward, where the
 * op was created, and the statistics of what went in (the message). An IllegalStateException, so the command line
 * reports it as one error with its message, not as an internal failure.
 */
public final class AnomalyException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final String op;
    private final boolean inBackward;
    private final transient StackTraceElement site;

    AnomalyException(String op, boolean inBackward, StackTraceElement site, String message) {
        super("anomaly: " + message);
        this.op = op;
        this.inBackward = inBackward;
        this.site = site;
    }

    /**
     * The op that produced the value.
     *
     * @return e.g. "log"
     */
    public String op() {
        return op;
    }

    /**
     * Whether the op's backward rule (not its forward) produced it.
     *
     * @return true for backward
     */
    public boolean inBackward() {
        return inBackward;
    }

    /**
     * The first frame of the caller's code when the op was created (null when unknown).
     *
     * @return the frame
     */
    public StackTraceElement site() {
        return site;
    }
}
