package org.lrml.profile;

import java.util.Locale;

/** What an interval of a profile is; the trace's category and the table's sections. */
public enum Kind {
    /** One training step (or any unit of work a loop repeats). */
    STEP,
    /** forward, backward, optimizer, data, mine, evaluate: the parts of a step or an epoch. */
    PHASE,
    /** A span the user opened with {@link Profiler#range}. */
    RANGE,
    /** One op of the autograd layer (its forward as taped, or its backward rule). */
    OP,
    /** One call into a backend op family (a kernel launch on the GPU, a loop nest on the CPU). */
    KERNEL;

    /** The lower-case name used in profile.json and as the trace category. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
