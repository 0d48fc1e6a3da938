package org.lrml.profile;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.lrml.backend.DeviceClock;

/**
 * The profile of one thread: a stack of open frames (steps, phases, ranges, backward rules) and of open kernels.
 *
 * <p>An op of the autograd layer is known only when it is taped, after its kernels ran ({@code Autograd.record} is
 * called with the finished output), so ops are recorded after the fact: inside an open frame an op spans from the
 * end of the previous thing that closed in that frame (or the frame's start) to the moment it is taped, and it takes
 * the kernels that ran in that time as its children. Ops therefore tile their frame: host work between kernels of an
 * op (shape checks, allocation) is the op's self time. Outside any frame (no phase open) an op spans from its first
 * kernel, so idle time before it is not charged to it. Kernels that no op claims before their frame closes stay
 * direct children of the frame.
 */
final class ThreadTrace {
    private final Profiler session;
    final long tid;
    final String threadName;
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private final ArrayDeque<Interval> openKernels = new ArrayDeque<>();

    /** An open interval (or the thread's root) and what has happened in it since the last op was taped. */
    private static final class Frame {
        final Interval interval;
        long cursor;
        final List<Interval> pending = new ArrayList<>();
        Object jfrOp;

        Frame(Interval interval, long cursor) {
            this.interval = interval;
            this.cursor = cursor;
        }
    }

    ThreadTrace(Profiler session, Thread thread) {
        this.session = session;
        this.tid = thread.getId();
        this.threadName = thread.getName();
        frames.push(new Frame(null, System.nanoTime()));
    }

    /** Opens a frame; the returned scope closes it (and any frame opened inside it that is still open). */
    Profiler.Scope open(Kind kind, String name) {
        Frame parent = frames.peek();
        long now = System.nanoTime();
        Interval in = session.newInterval(kind, name, tid, now, Double.NaN, Double.NaN, null);
        in.parent = parent.interval == null ? -1 : parent.interval.id;
        Frame f = new Frame(in, now);
        f.jfrOp = session.jfr.begin(Kind.OP);
        frames.push(f);
        session.nvtx.push(name);
        Object jfrSpan = session.jfr.begin(kind);
        return () -> close(f, jfrSpan);
    }

    private void close(Frame f, Object jfrSpan) {
        if (!frames.contains(f)) {
            return;
        }
        while (frames.peek() != f) {
            Frame inner = frames.peek();
            close(inner, null);
        }
        long now = System.nanoTime();
        frames.pop();
        for (Interval k : f.pending) {
            k.parent = f.interval.id;
            f.interval.childNs += k.durationNs();
        }
        f.pending.clear();
        f.interval.endNs = now;
        Frame parent = frames.peek();
        parent.cursor = now;
        if (parent.interval != null) {
            parent.interval.childNs += f.interval.durationNs();
        }
        session.nvtx.pop();
        session.jfr.commit(jfrSpan, f.interval);
        session.finish(f.interval);
        parent.jfrOp = session.jfr.begin(Kind.OP);
    }

    /** An op was taped: it takes the frame's time since the cursor and the kernels that ran in it. */
    void taped(String op) {
        Frame f = frames.peek();
        long now = System.nanoTime();
        long start;
        if (f.interval != null) {
            start = f.cursor;
        } else {
            start = f.pending.isEmpty() ? now : f.pending.get(0).startNs;
        }
        Interval in = session.newInterval(Kind.OP, op, tid, start, Double.NaN, Double.NaN, null);
        in.endNs = now;
        in.parent = f.interval == null ? -1 : f.interval.id;
        for (Interval k : f.pending) {
            k.parent = in.id;
            in.childNs += k.durationNs();
        }
        f.pending.clear();
        f.cursor = now;
        if (f.interval != null) {
            f.interval.childNs += in.durationNs();
        }
        session.nvtx.mark(op);
        session.jfr.commit(f.jfrOp, in);
        f.jfrOp = session.jfr.begin(Kind.OP);
        session.finish(in);
    }

    /** A family call begins (the proxy calls {@link #kernelEnd} in a finally block). */
    Interval kernelStart(String name, String backend, DeviceClock clock, double flops, double bytes) {
        session.nvtx.push(name);
        Interval k = session.newInterval(Kind.KERNEL, name, tid, 0, flops, bytes, backend);
        if (clock != null) {
            k.clock = clock;
            k.deviceStart = session.deviceMark(backend, clock);
        }
        openKernels.push(k);
        k.jfr = session.jfr.begin(Kind.KERNEL);
        k.startNs = System.nanoTime();
        return k;
    }

    void kernelEnd(Interval k, DeviceClock clock) {
        long now = System.nanoTime();
        if (clock != null) {
            k.deviceEnd = clock.mark();
        }
        k.endNs = now;
        openKernels.remove(k);
        session.nvtx.pop();
        Interval outer = openKernels.peek();
        if (outer != null) {
            k.parent = outer.id;
            outer.childNs += k.durationNs();
        } else {
            frames.peek().pending.add(k);
        }
        session.jfr.commit(k.jfr, k);
        session.finish(k);
    }

    /** Closes every frame still open (at the end of the session). */
    void closeAll() {
        while (frames.size() > 1) {
            Frame f = frames.peek();
            close(f, null);
        }
    }
}
