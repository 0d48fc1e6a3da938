package org.lrml.profile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads a trace.json as written by {@link ChromeTrace} and checks the nesting of its host events. */
public final class TraceCheck {
    private TraceCheck() {
    }

    /** A complete ("X") event of the host process. */
    public record Event(String name, String cat, double ts, double dur, long tid, long id, long parent) {
        double end() {
            return ts + dur;
        }
    }

    @SuppressWarnings("unchecked")
    public static List<Event> events(Map<String, Object> trace) {
        List<Event> out = new ArrayList<>();
        for (Object o : (List<Object>) trace.get("traceEvents")) {
            Map<String, Object> e = (Map<String, Object>) o;
            if (!"X".equals(e.get("ph")) || ((Number) e.get("pid")).intValue() != 1) {
                continue;
            }
            Map<String, Object> args = (Map<String, Object>) e.get("args");
            out.add(new Event((String) e.get("name"), (String) e.get("cat"), ((Number) e.get("ts")).doubleValue(),
                    ((Number) e.get("dur")).doubleValue(), ((Number) e.get("tid")).longValue(),
                    ((Number) args.get("id")).longValue(), ((Number) args.get("parent")).longValue()));
        }
        return out;
    }

    public static Event event(List<Event> events, String name) {
        return events.stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
    }

    public static List<Event> childrenOf(List<Event> events, Event parent) {
        return events.stream().filter(e -> e.parent() == parent.id()).toList();
    }

    /**
     * Every event with a parent lies inside it in time (0.01 us of rounding allowed) on the same thread, and the
     * children of one parent do not overlap.
     */
    public static void requireNesting(List<Event> events) {
        Map<Long, Event> byId = new HashMap<>();
        for (Event e : events) {
            byId.put(e.id(), e);
        }
        Map<Long, List<Event>> children = new HashMap<>();
        for (Event e : events) {
            if (e.parent() < 0) {
                continue;
            }
            Event p = byId.get(e.parent());
            if (p == null) {
                throw new AssertionError(e + ": its parent " + e.parent() + " is not in the trace");
            }
            if (p.tid() != e.tid() || e.ts() < p.ts() - 0.01 || e.end() > p.end() + 0.01) {
                throw new AssertionError(e + " is not inside its parent " + p);
            }
            children.computeIfAbsent(p.id(), k -> new ArrayList<>()).add(e);
        }
        for (List<Event> cs : children.values()) {
            List<Event> sorted = new ArrayList<>(cs);
            sorted.sort((a, b) -> Double.compare(a.ts(), b.ts()));
            for (int i = 1; i < sorted.size(); i++) {
                if (sorted.get(i).ts() < sorted.get(i - 1).end() - 0.01) {
                    throw new AssertionError(sorted.get(i) + " overlaps its sibling " + sorted.get(i - 1));
                }
            }
        }
    }
}
