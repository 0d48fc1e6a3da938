package org.lrml.profile;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.lrml.backend.Backend;
import org.lrml.backend.DeviceClock;
import org.lrml.backend.FamilyCalls;

/**
 * Where the time of a piece of work goes, op by op and kernel by kernel:
 * <pre>
 *   try (Profiler p = Profiler.start()) {
 *       try (Profiler.Scope s = Profiler.phase("forward")) { ... }
 *       ...
 *       p.close();                       // or leave the try block
 *       System.out.print(p.report().table());
 *       p.writeTrace(dir.resolve("trace.json"));
 *   }
 * </pre>
 * While a profiler runs it records every call into a backend op family (as a kernel: host wall time, plus device
 * time from CUDA events where the backend has a {@link DeviceClock}; FLOPs and bytes where the call's arguments say
 * them), every op the autograd layer tapes (forward ops when taped, backward rules around their run), and the
 * steps, phases and ranges the caller opens. The result is a table sorted by time ({@link #report()}), profile.json
 * ({@link #writeProfileJson}), a Chrome trace-event file that Perfetto and chrome://tracing open
 * ({@link #writeTrace}), JDK Flight Recorder events for any running recording, and NVTX ranges for Nsight Systems
 * where libnvToolsExt loads.
 *
 * <p>When no profiler runs, the hooks cost one volatile read each: the static methods below return a shared no-op
 * scope, and the backends hand out their own family objects ({@link FamilyCalls}). One profiler runs at a time.
 * How ops are timed (they are known only once taped): {@link ThreadTrace}.
 */
public final class Profiler implements AutoCloseable {
    /** Intervals kept for the trace at most; beyond it the table still counts everything. */
    static final int MAX_TRACE_INTERVALS = 2_000_000;
    /** Device marks resolved in one batch (reading them waits for the device). */
    private static final int RESOLVE_BATCH = 4096;

    private static volatile Profiler active;

    /** A scope that closes a step, phase or range; closing twice does nothing. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static final Scope NOOP = () -> { };

    final JfrEvents jfr;
    final NvtxRanges nvtx;
    private final String nvtxStatus;
    private final long startNs;
    private long endNs;
    private final AtomicLong ids = new AtomicLong();
    private final List<ThreadTrace> threads = new ArrayList<>();
    private final ThreadLocal<ThreadTrace> thread;
    private final List<Interval> intervals = new ArrayList<>();
    private long dropped;
    private final Map<String, Stat> stats = new LinkedHashMap<>();
    private final List<Interval> unresolved = new ArrayList<>();
    private final Map<String, Object[]> deviceRefs = new HashMap<>();
    private final Map<Object, Object> proxies = new ConcurrentHashMap<>();
    private final List<Backend> backends = new ArrayList<>();
    private ProfileReport report;

    /** Running totals of one (kind, name). */
    static final class Stat {
        final Kind kind;
        final String name;
        long calls;
        long totalNs;
        long selfNs;
        double flops;
        double bytes;
        double deviceMs;
        long deviceCalls;
        String backend;

        Stat(Kind kind, String name) {
            this.kind = kind;
            this.name = name;
        }
    }

    private Profiler() {
        this.jfr = JfrEvents.probe();
        Nvtx.Loaded n = Nvtx.load();
        this.nvtx = n.ranges();
        this.nvtxStatus = n.status();
        this.thread = ThreadLocal.withInitial(() -> {
            ThreadTrace t = new ThreadTrace(this, Thread.currentThread());
            synchronized (threads) {
                threads.add(t);
            }
            return t;
        });
        this.startNs = System.nanoTime();
    }

    /**
     * Starts recording (until {@link #close()}).
     *
     * @return the running profiler
     * @throws IllegalStateException when another profiler runs
     */
    public static synchronized Profiler start() {
        if (active != null) {
            throw new IllegalStateException("a profiler is already running (one at a time); close it first");
        }
        Profiler p = new Profiler();
        active = p;
        FamilyCalls.setObserver(p::observe);
        return p;
    }

    /**
     * Whether a profiler is recording now.
     *
     * @return true while one runs
     */
    public static boolean isActive() {
        return active != null;
    }

    /**
     * Opens a step (one iteration of a loop: its phases nest inside it).
     *
     * @param name e.g. "step"
     * @return the scope to close
     */
    public static Scope step(String name) {
        return open(Kind.STEP, name);
    }

    /**
     * Opens a phase (forward, backward, optimizer, data, ...).
     *
     * @param name the phase
     * @return the scope to close
     */
    public static Scope phase(String name) {
        return open(Kind.PHASE, name);
    }

    /**
     * Opens a range of the user's own (shown in the table and the trace like a phase).
     *
     * @param name what to call it
     * @return the scope to close
     */
    public static Scope range(String name) {
        return open(Kind.RANGE, name);
    }

    /**
     * For the autograd layer: an op was taped (its forward has run); a no-op when no profiler runs.
     *
     * @param op the op's name
     */
    public static void taped(String op) {
        Profiler p = active;
        if (p != null) {
            p.thread().taped(op);
        }
    }

    /**
     * For the autograd layer: the backward rule of {@code op} runs until the scope closes.
     *
     * @param op the op's name
     * @return the scope to close
     */
    public static Scope backwardOf(String op) {
        Profiler p = active;
        return p == null ? NOOP : p.thread().open(Kind.OP, op + " (backward)");
    }

    /**
     * For the autograd layer: an op-level piece of work that no op tapes (e.g. adding a gradient into a leaf's).
     *
     * @param name what it is
     * @return the scope to close
     */
    public static Scope opScope(String name) {
        return open(Kind.OP, name);
    }

    private static Scope open(Kind kind, String name) {
        Profiler p = active;
        return p == null ? NOOP : p.thread().open(kind, name);
    }

    ThreadTrace thread() {
        return thread.get();
    }

    @SuppressWarnings("unchecked")
    private <F> F observe(Backend backend, Class<F> family, F impl) {
        return (F) proxies.computeIfAbsent(impl, i -> {
            synchronized (backends) {
                if (backends.stream().noneMatch(b -> b == backend)) {
                    backends.add(backend);
                }
            }
            return Proxy.newProxyInstance(family.getClassLoader(), new Class<?>[]{family},
                    new FamilyTiming(this, impl, family, backend.name(), backend.deviceClock()));
        });
    }

    Interval newInterval(Kind kind, String name, long tid, long start, double flops, double bytes, String backend) {
        return new Interval(ids.getAndIncrement(), kind, name, tid, start, flops, bytes, backend);
    }

    /** A device mark for a kernel's start; the first one per backend also fixes the device timeline's origin. */
    Object deviceMark(String backend, DeviceClock clock) {
        synchronized (deviceRefs) {
            if (!deviceRefs.containsKey(backend)) {
                deviceRefs.put(backend, new Object[]{clock.mark(), System.nanoTime(), clock});
            }
        }
        return clock.mark();
    }

    /** An interval is complete: keep it for the trace and add it to the totals. */
    void finish(Interval in) {
        List<Interval> resolveNow = null;
        synchronized (stats) {
            if (intervals.size() < MAX_TRACE_INTERVALS) {
                intervals.add(in);
            } else {
                dropped++;
            }
            Stat s = stats.computeIfAbsent(in.kind.label() + "\u0000" + in.name, k -> new Stat(in.kind, in.name));
            s.calls++;
            s.totalNs += in.durationNs();
            s.selfNs += in.durationNs() - in.childNs;
            if (!Double.isNaN(in.flops)) {
                s.flops += in.flops;
            }
            if (!Double.isNaN(in.bytes)) {
                s.bytes += in.bytes;
            }
            if (in.backend != null) {
                s.backend = in.backend;
            }
            if (in.deviceStart != null) {
                unresolved.add(in);
                if (unresolved.size() >= RESOLVE_BATCH) {
                    resolveNow = new ArrayList<>(unresolved);
                    unresolved.clear();
                }
            }
        }
        if (resolveNow != null) {
            resolve(resolveNow);
        }
    }

    private void resolve(List<Interval> batch) {
        for (Interval in : batch) {
            Object[] ref;
            synchronized (deviceRefs) {
                ref = deviceRefs.get(in.backend);
            }
            in.deviceMs = in.clock.millisBetween(in.deviceStart, in.deviceEnd);
            in.deviceStartMs = in.clock.millisBetween(ref[0], in.deviceStart);
            in.clock.release(in.deviceStart);
            in.clock.release(in.deviceEnd);
            in.deviceStart = null;
            in.deviceEnd = null;
            synchronized (stats) {
                Stat s = stats.get(in.kind.label() + "\u0000" + in.name);
                s.deviceMs += in.deviceMs;
                s.deviceCalls++;
            }
        }
    }

    /** Stops recording: closes what is still open, reads the device times and measures the peak for the table. */
    @Override
    public void close() {
        synchronized (Profiler.class) {
            if (active != this) {
                return;
            }
            FamilyCalls.setObserver(null);
            active = null;
        }
        synchronized (threads) {
            for (ThreadTrace t : threads) {
                t.closeAll();
            }
        }
        endNs = System.nanoTime();
        List<Interval> rest;
        synchronized (stats) {
            rest = new ArrayList<>(unresolved);
            unresolved.clear();
        }
        resolve(rest);
        synchronized (deviceRefs) {
            for (Object[] ref : deviceRefs.values()) {
                ((DeviceClock) ref[2]).release(ref[0]);
            }
        }
        List<Stat> all;
        synchronized (stats) {
            all = new ArrayList<>(stats.values());
        }
        List<Backend> used;
        synchronized (backends) {
            used = List.copyOf(backends);
        }
        report = new ProfileReport(all, (endNs - startNs) / 1e9, Peak.forBackends(used), jfr.status(), nvtxStatus,
                dropped);
    }

    /**
     * The table of the recording (after {@link #close()}).
     *
     * @return the report
     * @throws IllegalStateException while still recording
     */
    public ProfileReport report() {
        if (report == null) {
            throw new IllegalStateException("the profiler is still recording: close() it before reading its report");
        }
        return report;
    }

    /**
     * Writes the report as JSON (profile.json).
     *
     * @param file where
     * @throws IOException when it cannot be written
     */
    public void writeProfileJson(Path file) throws IOException {
        report().writeJson(file);
    }

    /**
     * Writes the recording as a Chrome trace-event file (trace.json): ops nested over kernels, phases and steps, one
     * row per thread, and a row per device with the kernels at their device times.
     *
     * @param file where
     * @throws IOException when it cannot be written
     */
    public void writeTrace(Path file) throws IOException {
        report();
        List<Interval> copy;
        synchronized (stats) {
            copy = new ArrayList<>(intervals);
        }
        Map<Long, String> names = new LinkedHashMap<>();
        synchronized (threads) {
            for (ThreadTrace t : threads) {
                names.put(t.tid, t.threadName);
            }
        }
        Map<String, Double> deviceOrigins = new LinkedHashMap<>();
        synchronized (deviceRefs) {
            for (Map.Entry<String, Object[]> e : deviceRefs.entrySet()) {
                deviceOrigins.put(e.getKey(), ((Long) e.getValue()[1] - startNs) / 1e3);
            }
        }
        ChromeTrace.write(file, copy, startNs, names, deviceOrigins, dropped);
    }

    /**
     * Whether NVTX ranges are emitted, or why not.
     *
     * @return "on: PATH" or "off: reason"
     */
    public String nvtxStatus() {
        return nvtxStatus;
    }

    /**
     * Whether JFR events are emitted, or why not.
     *
     * @return "on: ..." or "off: reason"
     */
    public String jfrStatus() {
        return jfr.status();
    }
}
