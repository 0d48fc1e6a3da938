package org.lrml.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.lrml.io.AtomicFiles;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What a {@link Profiler} recorded, totalled per name: steps and phases, ops, kernels, each sorted by total time,
 * with calls, total and self time, and for kernels FLOPs, bytes, the achieved GFLOP/s and GB/s and their share of
 * the backend's {@link Peak}. Kernel rates use device time where the backend has a device clock (CUDA events), host
 * wall time elsewhere.
 */
public final class ProfileReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final List<Row> rows;
    private final double wallSeconds;
    private final List<Peak> peaks;
    private final String jfrStatus;
    private final String nvtxStatus;
    private final long droppedIntervals;

    /**
     * One line of the table.
     *
     * @param kind     step, phase, range, op or kernel
     * @param name     e.g. "conv2d", "conv2d (backward)", "conv.forward", "forward"
     * @param backend  the backend a kernel ran on (null for the others)
     * @param calls    how often it ran
     * @param totalMs  host wall time in milliseconds, everything inside included
     * @param selfMs   total minus the time of what was recorded inside it
     * @param deviceMs device time of a kernel from CUDA events (NaN without a device clock)
     * @param flops    floating-point operations of all calls (0 where not counted)
     * @param bytes    bytes of the buffers of all calls (a lower bound on the traffic)
     */
    public record Row(Kind kind, String name, String backend, long calls, double totalMs, double selfMs, double deviceMs,
                      double flops, double bytes) {
        /** The time rates are measured against: device time where there is one. */
        public double timeMs() {
            return Double.isNaN(deviceMs) ? totalMs : deviceMs;
        }

        /** Achieved GFLOP/s, NaN where FLOPs are not counted. */
        public double gflopsPerSecond() {
            return flops > 0 && timeMs() > 0 ? flops / timeMs() / 1e6 : Double.NaN;
        }

        /** Achieved GB/s over the call's buffers, NaN without bytes. */
        public double gbPerSecond() {
            return bytes > 0 && timeMs() > 0 ? bytes / timeMs() / 1e6 : Double.NaN;
        }
    }

    ProfileReport(List<Profiler.Stat> stats, double wallSeconds, List<Peak> peaks, String jfrStatus, String nvtxStatus,
                  long droppedIntervals) {
        List<Row> r = new ArrayList<>();
        for (Profiler.Stat s : stats) {
            r.add(new Row(s.kind, s.name, s.backend, s.calls, s.totalNs / 1e6, s.selfNs / 1e6,
                    s.deviceCalls > 0 ? s.deviceMs : Double.NaN, s.flops, s.bytes));
        }
        r.sort(Comparator.comparing(Row::kind).thenComparing(Comparator.comparingDouble(Row::timeMs).reversed()));
        this.rows = List.copyOf(r);
        this.wallSeconds = wallSeconds;
        this.peaks = List.copyOf(peaks);
        this.jfrStatus = jfrStatus;
        this.nvtxStatus = nvtxStatus;
        this.droppedIntervals = droppedIntervals;
    }

    /**
     * Every row: steps, phases, ranges, ops, kernels; within a kind by time, longest first.
     *
     * @return the rows
     */
    public List<Row> rows() {
        return rows;
    }

    /**
     * The rows of one kind.
     *
     * @param kind which
     * @return those rows, longest first
     */
    public List<Row> rows(Kind kind) {
        return rows.stream().filter(r -> r.kind() == kind).toList();
    }

    /**
     * The row of one name, or null.
     *
     * @param kind which kind
     * @param name which name
     * @return the row or null
     */
    public Row row(Kind kind, String name) {
        return rows.stream().filter(r -> r.kind() == kind && r.name().equals(name)).findFirst().orElse(null);
    }

    /**
     * Seconds from start to close.
     *
     * @return wall seconds
     */
    public double wallSeconds() {
        return wallSeconds;
    }

    /**
     * The ceilings of each backend used.
     *
     * @return one per backend
     */
    public List<Peak> peaks() {
        return peaks;
    }

    private Peak peakOf(String backend) {
        return peaks.stream().filter(p -> p.backend().equals(backend)).findFirst().orElse(null);
    }

    /**
     * The table as printed: one section per kind, the largest rows first (at most {@code maxRowsPerKind} per kind).
     *
     * @param maxRowsPerKind rows shown per section
     * @return the text
     */
    public String table(int maxRowsPerKind) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "profile: %.3f s recorded%n", wallSeconds));
        for (Kind kind : Kind.values()) {
            List<Row> of = rows(kind);
            if (of.isEmpty()) {
                continue;
            }
            boolean kernels = kind == Kind.KERNEL;
            sb.append(String.format(Locale.ROOT, "%n%-34s %8s %11s %11s %9s", kind.label() + "s", "calls", "total ms",
                    "self ms", "mean ms"));
            if (kernels) {
                sb.append(String.format(Locale.ROOT, " %11s %9s %7s %8s %7s", "device ms", "GFLOP/s", "%peak", "GB/s",
                        "%peak"));
            }
            sb.append('\n');
            int shown = 0;
            for (Row r : of) {
                if (shown++ == maxRowsPerKind) {
                    sb.append(String.format(Locale.ROOT, "  ... %d more (profile.json has every row)%n",
                            of.size() - maxRowsPerKind));
                    break;
                }
                String name = r.name().length() > 34 ? r.name().substring(0, 33) + "~" : r.name();
                sb.append(String.format(Locale.ROOT, "%-34s %8d %11.3f %11.3f %9.4f", name, r.calls(), r.totalMs(),
                        r.selfMs(), r.totalMs() / r.calls()));
                if (kernels) {
                    Peak p = peakOf(r.backend());
                    sb.append(String.format(Locale.ROOT, " %11s %9s %7s %8s %7s", num(r.deviceMs(), "%.3f"),
                            num(r.gflopsPerSecond(), "%.1f"), share(r.gflopsPerSecond(), p == null ? 0 : p.gflops()),
                            num(r.gbPerSecond(), "%.1f"), share(r.gbPerSecond(), p == null ? 0 : p.gbps())));
                }
                sb.append('\n');
            }
        }
        sb.append('\n');
        for (Peak p : peaks) {
            sb.append(String.format(Locale.ROOT, "peak %s: %.1f GFLOP/s, %.1f GB/s (%s)%n", p.backend(), p.gflops(),
                    p.gbps(), p.source()));
        }
        boolean beyond = rows(Kind.KERNEL).stream().anyMatch(r -> {
            Peak p = peakOf(r.backend());
            return p != null && (r.gflopsPerSecond() > p.gflops() || r.gbPerSecond() > p.gbps());
        });
        if (beyond) {
            sb.append("note: some kernels beat the ceiling (a measured ceiling on a busy machine is low); state the"
                    + " machine's with -Dlrml.profile.peak=GFLOPS,GBPS\n");
        }
        sb.append("JFR events: ").append(jfrStatus).append('\n');
        sb.append("NVTX ranges: ").append(nvtxStatus).append('\n');
        if (droppedIntervals > 0) {
            sb.append("trace: the last ").append(droppedIntervals).append(" intervals were not kept (limit ")
                    .append(Profiler.MAX_TRACE_INTERVALS).append("); the table counts them\n");
        }
        return sb.toString();
    }

    /** The table with at most 25 rows per kind. */
    public String table() {
        return table(25);
    }

    private static String num(double v, String format) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
    }

    private static String share(double v, double peak) {
        return Double.isNaN(v) || !(peak > 0) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v / peak);
    }

    /**
     * profile.json's content: the recording's wall time, the peaks, the JFR and NVTX status, and every row.
     *
     * @return a JSON-ready map
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("wall_seconds", wallSeconds);
        List<Map<String, Object>> pk = new ArrayList<>();
        for (Peak p : peaks) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("backend", p.backend());
            e.put("gflops", p.gflops());
            e.put("gbps", p.gbps());
            e.put("source", p.source());
            pk.add(e);
        }
        m.put("peaks", pk);
        m.put("jfr", jfrStatus);
        m.put("nvtx", nvtxStatus);
        m.put("dropped_trace_intervals", droppedIntervals);
        List<Map<String, Object>> rs = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("kind", r.kind().label());
            e.put("name", r.name());
            e.put("backend", r.backend());
            e.put("calls", r.calls());
            e.put("total_ms", r.totalMs());
            e.put("self_ms", r.selfMs());
            e.put("device_ms", finite(r.deviceMs()));
            e.put("flops", r.flops());
            e.put("bytes", r.bytes());
            e.put("gflops_per_s", finite(r.gflopsPerSecond()));
            e.put("gb_per_s", finite(r.gbPerSecond()));
            Peak p = r.backend() == null ? null : peakOf(r.backend());
            e.put("flops_share_of_peak", p == null ? null : finite(r.gflopsPerSecond() / p.gflops()));
            e.put("bytes_share_of_peak", p == null ? null : finite(r.gbPerSecond() / p.gbps()));
            rs.add(e);
        }
        m.put("rows", rs);
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    void writeJson(Path file) throws IOException {
        AtomicFiles.writeString(file, JSON.writeValueAsString(toMap()) + "\n");
    }
}
