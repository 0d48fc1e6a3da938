package org.lrml.autograd;

/**
 * A scope in which ops record no graph: {@code try (NoGrad ng = NoGrad.enter()) { ... }}. Nests; per thread.
 * Backward passes run inside one, so gradients are plain tensors.
 */
public final class NoGrad implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private boolean closed;

    private NoGrad() {
        DEPTH.get()[0]++;
    }

    public static NoGrad enter() {
        return new NoGrad();
    }

    /** Whether ops on this thread currently record gradients. */
    public static boolean gradEnabled() {
        return DEPTH.get()[0] == 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            DEPTH.get()[0]--;
        }
    }
}
