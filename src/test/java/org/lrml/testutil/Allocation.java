package org.lrml.testutil;

import java.lang.management.ManagementFactory;

/**
 * Bytes the current thread allocates on the Java heap while it runs some code (HotSpot's per-thread counter), to
 * check that a reader's memory follows the size of its input and not a size the input merely declares.
 */
public final class Allocation {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocation() {
    }

    /** Code that may throw anything. */
    @FunctionalInterface
    public interface Body {
        void run() throws Throwable;
    }

    /** What {@code body} threw (null when it returned normally) and the bytes the thread allocated meanwhile. */
    public record Outcome(Throwable thrown, long bytes) {
    }

    public static Outcome measure(Body body) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        Throwable thrown = null;
        try {
            body.run();
        } catch (Throwable t) {
            thrown = t;
        }
        return new Outcome(thrown, THREADS.getCurrentThreadAllocatedBytes() - before);
    }
}
