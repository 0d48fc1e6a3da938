package org.lrml.profile;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The profile as JDK Flight Recorder events, so a recording (e.g. {@code -XX:StartFlightRecording}) opened in JDK
 * Mission Control shows the engine's ops, kernels and phases beside the JVM's own events. Events are created only
 * while a {@link Profiler} runs and only when a recording has them enabled. A runtime without the jdk.jfr module (a
 * trimmed jlink image) gets none; {@link #status()} says so.
 */
final class JfrEvents {
    private final boolean available;
    private final String status;

    private JfrEvents(boolean available, String status) {
        this.available = available;
        this.status = status;
    }

    static JfrEvents probe() {
        try {
            return new JfrEvents(true, Holder.check());
        } catch (LinkageError e) {
            return new JfrEvents(false, "off: this Java runtime has no jdk.jfr module (" + e + ")");
        }
    }

    /** One line for the report: whether JFR events are emitted and how to see them. */
    String status() {
        return status;
    }

    /** A begun event of the given kind, or null when no recording wants it. */
    Object begin(Kind kind) {
        return available ? Holder.begin(kind) : null;
    }

    /** Fills in and commits an event from {@link #begin} (null: nothing). */
    void commit(Object event, Interval in) {
        if (event != null) {
            Holder.commit(event, in);
        }
    }

    /** The jdk.jfr references, loaded only when the module is there. */
    private static final class Holder {
        static String check() {
            return "on: events lrml.Op, lrml.Kernel, lrml.Phase in any running JFR recording";
        }

        static Object begin(Kind kind) {
            Base e = switch (kind) {
                case OP -> new OpEvent();
                case KERNEL -> new KernelEvent();
                default -> new PhaseEvent();
            };
            if (!e.isEnabled()) {
                return null;
            }
            e.begin();
            return e;
        }

        static void commit(Object event, Interval in) {
            Base e = (Base) event;
            e.end();
            if (e.shouldCommit()) {
                e.name = in.name;
                e.kind = in.kind.label();
                e.backend = in.backend;
                e.flops = in.flops;
                e.bytes = in.bytes;
                e.commit();
            }
        }
    }

    @Category({"lrml", "Profiler"})
    @StackTrace(false)
    abstract static class Base extends Event {
        @Label("Name")
        String name;
        @Label("Kind")
        String kind;
        @Label("Backend")
        String backend;
        @Label("FLOPs")
        double flops;
        @Label("Bytes")
        double bytes;
    }

    @Name("lrml.Op")
    @Label("Engine op")
    @Description("One op of the autograd layer, forward as taped or its backward rule")
    static final class OpEvent extends Base {
    }

    @Name("lrml.Kernel")
    @Label("Backend call")
    @Description("One call into a backend op family (a kernel)")
    static final class KernelEvent extends Base {
    }

    @Name("lrml.Phase")
    @Label("Step or phase")
    @Description("A training step, a phase of it (forward, backward, optimizer) or a user range")
    static final class PhaseEvent extends Base {
    }
}
