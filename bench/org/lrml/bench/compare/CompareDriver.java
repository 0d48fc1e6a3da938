package org.lrml.bench.compare;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.cpu.CpuParallel;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * This engine's side of bench/compare: one long-lived JVM (so the JIT stays warm while the two sides alternate) that
 * reads one JSON command per line on stdin and answers each with one JSON line on stdout. Everything else the engine
 * prints goes to stderr.
 * <pre>
 * java ... org.lrml.bench.compare.CompareDriver cpu|cuda
 * {"op": "info"}                                          -> {"ok": true, "backend": ..., "java": ..., "threads": 2}
 * {"op": "open", "id": ID, "workload": W, "inputs": DIR, "params": {...}}   -> {"ok": true, "describe": ...}
 * {"op": "run", "id": ID, "outputs": DIR}                 -> one call; its outputs as DIR/NAME.npy; {"ok": true, "ms": t, "files": [...]}
 * {"op": "warm", "id": ID, "seconds": s, "min": n}        -> calls until both are reached; {"ok": true, "calls": c, "ms": [...]}
 * {"op": "time", "id": ID, "reps": n}                     -> {"ok": true, "ms": [t1, ..., tn]}
 * {"op": "close", "id": ID}   {"op": "quit"}
 * </pre>
 * Workloads W: sgemm (params: provider default|builtin), cnn, simtopk (k), topk (k), lrml, train, resnet (arch); their inputs are
 * the .npy files bench/compare.py writes. Each timed call is the workload's run followed by the backend's
 * synchronize, measured with System.nanoTime. A failing command answers {"ok": false, "error": ...} and the driver
 * goes on.
 */
public final class CompareDriver {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Backend backend;
    private final Map<String, Workload> open = new HashMap<>();

    private CompareDriver(Backend backend) {
        this.backend = backend;
    }

    public static void main(String[] args) throws IOException {
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        if (args.length != 1 || !(args[0].equals("cpu") || args[0].equals("cuda"))) {
            System.err.println("usage: CompareDriver cpu|cuda   (then JSON commands on stdin; see the class comment)");
            System.exit(2);
        }
        Backend backend;
        try {
            backend = Backends.byName(args[0]);
        } catch (RuntimeException e) {
            Map<String, Object> refusal = new LinkedHashMap<>();
            refusal.put("ok", false);
            refusal.put("error", "no " + args[0] + " backend: " + e.getMessage());
            protocol.println(JSON.writeValueAsString(refusal));
            System.exit(1);
            return;
        }
        serve(backend, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), protocol);
        System.exit(0);
    }

    /** Answers the commands on {@code in} with {@code backend} until "quit" or the end of the input. */
    public static void serve(Backend backend, BufferedReader in, PrintStream protocol) throws IOException {
        CompareDriver driver = new CompareDriver(backend);
        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("ok", true);
        hello.put("ready", backend.name());
        protocol.println(JSON.writeValueAsString(hello));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> reply = new LinkedHashMap<>();
            boolean quit = false;
            try {
                JsonNode cmd = JSON.readTree(line);
                quit = "quit".equals(cmd.path("op").asText());
                reply.put("ok", true);
                if (!quit) {
                    driver.handle(cmd, reply);
                }
            } catch (Exception | Error e) {
                e.printStackTrace();
                reply.clear();
                reply.put("ok", false);
                reply.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            protocol.println(JSON.writeValueAsString(reply));
            if (quit) {
                break;
            }
        }
        for (Workload w : driver.open.values()) {
            w.close();
        }
        driver.open.clear();
    }

    private void handle(JsonNode cmd, Map<String, Object> reply) throws IOException {
        String op = cmd.path("op").asText();
        switch (op) {
            case "info" -> {
                reply.put("backend", backend.describe());
                reply.put("java", Runtime.version().toString());
                reply.put("threads", CpuParallel.THREADS);
            }
            case "open" -> {
                String id = required(cmd, "id");
                if (open.containsKey(id)) {
                    open.remove(id).close();
                }
                Workload w = create(required(cmd, "workload"), new Inputs(Path.of(required(cmd, "inputs")), backend),
                        cmd.path("params"));
                open.put(id, w);
                reply.put("describe", w.describe());
            }
            case "run" -> {
                Workload w = workload(cmd);
                reply.put("ms", timed(w));
                Path dir = Path.of(required(cmd, "outputs"));
                Files.createDirectories(dir);
                List<String> files = new ArrayList<>();
                for (Map.Entry<String, NpyArray> e : w.outputs().entrySet()) {
                    Npy.write(dir.resolve(e.getKey() + ".npy"), e.getValue());
                    files.add(e.getKey());
                }
                reply.put("files", files);
            }
            case "warm" -> {
                Workload w = workload(cmd);
                double seconds = cmd.path("seconds").asDouble(1);
                int min = cmd.path("min").asInt(1);
                List<Double> ms = new ArrayList<>();
                long t0 = System.nanoTime();
                while (ms.size() < min || (System.nanoTime() - t0) / 1e9 < seconds) {
                    ms.add(timed(w));
                }
                reply.put("calls", ms.size());
                reply.put("ms", ms);
            }
            case "time" -> {
                Workload w = workload(cmd);
                int reps = cmd.path("reps").asInt(1);
                List<Double> ms = new ArrayList<>();
                for (int i = 0; i < reps; i++) {
                    ms.add(timed(w));
                }
                reply.put("ms", ms);
            }
            case "close" -> {
                Workload w = open.remove(required(cmd, "id"));
                if (w != null) {
                    w.close();
                }
            }
            default -> throw new IllegalArgumentException("unknown op '" + op + "' (info, open, run, warm, time, close,"
                    + " quit)");
        }
    }

    private Workload create(String name, Inputs in, JsonNode params) {
        return switch (name) {
            case "sgemm" -> new SgemmWorkload(in, params.path("provider").asText("default"));
            case "cnn" -> new CnnWorkload(in);
            case "simtopk" -> RankingWorkload.similarity(in, params.path("k").asInt(5));
            case "topk" -> RankingWorkload.scores(in, params.path("k").asInt(5));
            case "lrml" -> new LrmlLossWorkload(in);
            case "train" -> new TrainStepWorkload(in);
            case "resnet" -> new ResNetWorkload(in, params.path("arch").asText("resnet50"));
            default -> throw new IllegalArgumentException("unknown workload '" + name + "' (sgemm, cnn, simtopk, topk,"
                    + " lrml, train, resnet)");
        };
    }

    private double timed(Workload w) {
        long t0 = System.nanoTime();
        w.run();
        backend.synchronize();
        return (System.nanoTime() - t0) / 1e6;
    }

    private Workload workload(JsonNode cmd) {
        String id = required(cmd, "id");
        Workload w = open.get(id);
        if (w == null) {
            throw new IllegalArgumentException("no open workload '" + id + "' (open it first)");
        }
        return w;
    }

    private static String required(JsonNode cmd, String field) {
        JsonNode n = cmd.get(field);
        if (n == null || n.isNull() || n.asText().isEmpty()) {
            throw new IllegalArgumentException("command " + cmd + " lacks \"" + field + "\"");
        }
        return n.asText();
    }
}
