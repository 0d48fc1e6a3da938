package org.lrml.backend;

/**
 * Timestamps on a device's own timeline (CUDA events on the stream), for profilers: host clocks only see when work
 * was queued, not when it ran. A mark is recorded where the work stands in the stream; the time between two marks is
 * read once the later one has passed (reading waits for it). {@link Backend#deviceClock()} hands one out; the CPU has
 * none (its host time is its device time).
 */
public interface DeviceClock {
    /**
     * Records a mark at the current end of the stream.
     *
     * @return the mark, to pass to {@link #millisBetween} and {@link #release}
     */
    Object mark();

    /**
     * Milliseconds from mark {@code a} to mark {@code b} on the device; waits until b has passed.
     *
     * @param a the earlier mark
     * @param b the later mark
     * @return device milliseconds between them
     */
    double millisBetween(Object a, Object b);

    /**
     * Frees a mark (after its last use).
     *
     * @param mark a mark of this clock
     */
    void release(Object mark);
}
