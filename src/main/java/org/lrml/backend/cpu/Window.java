package org.lrml.backend.cpu;

/**
 * One axis of a pooling window: the cells start + i step (i &lt; size) that lie in [0, limit). Loops run
 * {@code for (p = first(start, step); p < end(start, size, step, limit); p += step)}; with step 1 these are
 * the ranges [max(start, 0), min(start + size, limit)).
 */
final class Window {
    private Window() {
    }

    /** The first cell at or after 0: start itself, or start moved up by whole steps. */
    static int first(int start, int step) {
        return start >= 0 ? start : start + (-start + step - 1) / step * step;
    }

    /** An exclusive bound for the cells: one past the window's last cell, clipped to limit. */
    static int end(int start, int size, int step, int limit) {
        return Math.min(start + (size - 1) * step + 1, limit);
    }

    /** The last cell of [first, end) on the step grid of first (meaningful when first &lt; end). */
    static int last(int first, int end, int step) {
        return first + (end - 1 - first) / step * step;
    }

    /** How many cells first, first + step, ... lie below end. */
    static int count(int first, int end, int step) {
        return first >= end ? 0 : (end - first + step - 1) / step;
    }
}
