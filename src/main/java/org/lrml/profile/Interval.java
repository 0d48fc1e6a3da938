package org.lrml.profile;

/**
 * One recorded interval of a profile: a step, phase, range, op or kernel, with host nanoseconds, its parent's id, and
 * for kernels on a device with a {@link org.lrml.backend.DeviceClock} the device's own start and duration. Mutable
 * only while it is being recorded (a kernel's parent is known when the op that ran it is taped).
 */
final class Interval {
    final long id;
    final Kind kind;
    final String name;
    final long tid;
    long startNs;
    long endNs;
    long parent = -1;
    /** Host time of the intervals directly inside this one (for self time). */
    long childNs;
    final double flops;
    final double bytes;
    final String backend;
    org.lrml.backend.DeviceClock clock;
    Object deviceStart;
    Object deviceEnd;
    /** The JFR event begun at the start, committed at the end (null when JFR records no such events). */
    Object jfr;
    /** Device milliseconds from the session's reference mark to the start, and the duration; NaN until resolved. */
    double deviceStartMs = Double.NaN;
    double deviceMs = Double.NaN;

    Interval(long id, Kind kind, String name, long tid, long startNs, double flops, double bytes, String backend) {
        this.id = id;
        this.kind = kind;
        this.name = name;
        this.tid = tid;
        this.startNs = startNs;
        this.flops = flops;
        this.bytes = bytes;
        this.backend = backend;
    }

    long durationNs() {
        return endNs - startNs;
    }
}
