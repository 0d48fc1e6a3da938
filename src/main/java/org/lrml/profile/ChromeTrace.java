package org.lrml.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.lrml.io.AtomicFiles;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Writes a recording in the Chrome trace-event format ({@code {"traceEvents": [...]}}, complete events "ph":"X" with
 * microsecond "ts" and "dur"), which Perfetto and chrome://tracing open. Process 1 is the host, one row per thread,
 * where steps, phases, ops and kernels nest by time; each device with a clock gets its own process (2, 3, ...) whose
 * row shows the kernels at their device times, placed on the host timeline from the first device mark. Every event's
 * "args" carry its id and its parent's id, so a reader can check the nesting without relying on times.
 */
final class ChromeTrace {
    private ChromeTrace() {
    }

    static void write(Path file, List<Interval> intervals, long originNs, Map<Long, String> threadNames,
                      Map<String, Double> deviceOriginsUs, long dropped) throws IOException {
        List<Interval> sorted = new ArrayList<>(intervals);
        // Parents before children at equal start times, so viewers stack them right.
        sorted.sort(Comparator.comparingLong((Interval i) -> i.startNs).thenComparing(i -> -i.durationNs()));
        List<String> devices = new ArrayList<>(deviceOriginsUs.keySet());
        AtomicFiles.write(file, out -> {
            try (JsonGenerator g = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                    .createGenerator(out, JsonEncoding.UTF8)) {
                g.writeStartObject();
                g.writeStringField("displayTimeUnit", "ms");
                g.writeObjectFieldStart("otherData");
                g.writeStringField("producer", "lrml profiler");
                g.writeNumberField("dropped_intervals", dropped);
                g.writeEndObject();
                g.writeArrayFieldStart("traceEvents");
                meta(g, "process_name", 1, 0, "host");
                for (Map.Entry<Long, String> t : threadNames.entrySet()) {
                    meta(g, "thread_name", 1, t.getKey(), t.getValue());
                }
                for (int d = 0; d < devices.size(); d++) {
                    meta(g, "process_name", 2 + d, 0, "device: " + devices.get(d));
                    meta(g, "thread_name", 2 + d, 0, "stream");
                }
                for (Interval in : sorted) {
                    event(g, in, 1, in.tid, (in.startNs - originNs) / 1e3, in.durationNs() / 1e3);
                    if (!Double.isNaN(in.deviceMs)) {
                        int pid = 2 + devices.indexOf(in.backend);
                        event(g, in, pid, 0, deviceOriginsUs.get(in.backend) + in.deviceStartMs * 1e3,
                                in.deviceMs * 1e3);
                    }
                }
                g.writeEndArray();
                g.writeEndObject();
            }
        });
    }

    private static void meta(JsonGenerator g, String what, int pid, long tid, String name) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", what);
        g.writeStringField("ph", "M");
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeObjectFieldStart("args");
        g.writeStringField("name", name);
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void event(JsonGenerator g, Interval in, int pid, long tid, double tsUs, double durUs)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("name", in.name);
        g.writeStringField("cat", in.kind.label());
        g.writeStringField("ph", "X");
        g.writeNumberField("ts", tsUs);
        g.writeNumberField("dur", durUs);
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeObjectFieldStart("args");
        g.writeNumberField("id", in.id);
        g.writeNumberField("parent", in.parent);
        if (in.backend != null) {
            g.writeStringField("backend", in.backend);
        }
        if (!Double.isNaN(in.flops)) {
            g.writeNumberField("flops", in.flops);
        }
        if (!Double.isNaN(in.bytes)) {
            g.writeNumberField("bytes", in.bytes);
        }
        g.writeEndObject();
        g.writeEndObject();
    }
}
