package org.lrml.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.profile.TraceCheck;
import org.lrml.testutil.TinyFashion;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code lrml train --epochs 1 --profile} end to end: the table, profile.json and trace.json, read back and checked:
 * every op of a training step is in the step, intervals nest (kernels in ops in phases in the step), and the phases
 * add up to the step.
 */
class TrainProfileTest {
    @TempDir
    static Path tmp;
    static Path run;
    static String out;

    @BeforeAll
    static void trainProfiled() throws IOException {
        System.setProperty("lrml.profile.peak", "100,20");
        Path data = TinyFashion.write(tmp.resolve("data"), 200, 60, 3);
        run = tmp.resolve("run");
        out = CliTest.run(0, "train", "--data", data.toString(), "--out", run.toString(), "--backend", "cpu",
                "--epochs", "1", "--queries", "20", "--pool", "80", "--tuples-per-step", "10", "--describe-batch", "50",
                "--widths", "8,16,16", "--dim", "16", "--profile")[0];
    }

    @AfterAll
    static void clear() {
        System.clearProperty("lrml.profile.peak");
    }

    @Test
    void printsTheTableAndWritesBothFiles() throws IOException {
        assertTrue(out.contains("kernels") && out.contains("conv.forward") && out.contains("GFLOP/s"), out);
        assertTrue(out.contains("peak cpu: 100.0 GFLOP/s"), out);
        assertTrue(Files.isRegularFile(run.resolve("profile.json")));
        assertTrue(Files.isRegularFile(run.resolve("trace.json")));
    }

    @SuppressWarnings("unchecked")
    private static List<TraceCheck.Event> trace() throws IOException {
        return TraceCheck.events(new ObjectMapper().readValue(Files.readString(run.resolve("trace.json")), Map.class));
    }

    @Test
    void everyOpOfTheStepIsInsideIt() throws IOException {
        List<TraceCheck.Event> events = trace();
        TraceCheck.requireNesting(events);
        Map<Long, TraceCheck.Event> byId = new HashMap<>();
        events.forEach(e -> byId.put(e.id(), e));
        List<TraceCheck.Event> steps = events.stream().filter(e -> e.cat().equals("step")).toList();
        assertEquals(2, steps.size(), "20 queries give 20 tuples, 10 per step");
        TraceCheck.Event step = steps.get(0);
        Set<String> ops = new TreeSet<>();
        Set<String> kernels = new TreeSet<>();
        for (TraceCheck.Event e : events) {
            TraceCheck.Event p = e;
            while (p.parent() >= 0 && p != step) {
                p = byId.get(p.parent());
            }
            if (p == step) {
                (e.cat().equals("kernel") ? kernels : e.cat().equals("op") ? ops : new TreeSet<String>()).add(e.name());
            }
        }
        // The Fashion network (GeM is the fused gemSum, affine and pow), the fused LRML loss, and their backward rules.
        // Each BN + ReLU pair of the Sequential runs fused (batchNorm2dRelu).
        for (String op : List.of("conv2d", "batchNorm2dRelu", "maxPool2d", "gemSum", "affine", "pow", "linear",
                "l2Normalize", "tupleLoss[lrml]", "conv2d (backward)", "batchNorm2dRelu (backward)",
                "maxPool2d (backward)", "gemSum (backward)", "affine (backward)", "pow (backward)", "linear (backward)",
                "l2Normalize (backward)", "tupleLoss[lrml] (backward)", "accumulate grad")) {
            assertTrue(ops.contains(op), op + " not in the step's ops " + ops);
        }
        for (String k : List.of("conv.forward", "conv.backwardData", "conv.backwardFilter", "optim.adam",
                "tupleLoss.lossAndGrad", "batchnorm.channelAffineRelu", "batchnorm.backwardReduceRelu", "pool.gemSum",
                "pool.gemSumBackward")) {
            assertTrue(kernels.stream().anyMatch(n -> n.equals(k) || n.startsWith(k)), k + " not in " + kernels);
        }
    }

    @Test
    void phasesAddUpToTheStepAndOpsToTheirPhase() throws IOException {
        List<TraceCheck.Event> events = trace();
        // Every step nests its phases in order, inside it; the phases cover the step (97%) in at least one step: a
        // thread preempted between two phases (a loaded machine, steps of ~15 ms) leaves a gap in that step only,
        // while a phase missing from the instrumentation would leave it in every step.
        List<String> coverage = new ArrayList<>();
        boolean covered = false;
        for (TraceCheck.Event step : events.stream().filter(e -> e.cat().equals("step")).toList()) {
            List<TraceCheck.Event> phases = TraceCheck.childrenOf(events, step);
            List<String> names = new ArrayList<>(phases.stream().map(TraceCheck.Event::name).toList());
            assertEquals(List.of("data", "forward", "backward", "gradients", "optimizer", "gradients"), names);
            double sum = phases.stream().mapToDouble(TraceCheck.Event::dur).sum();
            assertTrue(sum <= step.dur() + 0.01, "phases " + sum + " us of a " + step.dur() + " us step");
            covered |= sum >= 0.97 * step.dur();
            coverage.add(String.format("%.1f%% of %.0f us", 100 * sum / step.dur(), step.dur()));
            for (TraceCheck.Event ph : phases) {
                if (ph.name().equals("forward") || ph.name().equals("backward")) {
                    double ops = TraceCheck.childrenOf(events, ph).stream().mapToDouble(TraceCheck.Event::dur).sum();
                    // Ops tile the forward phase; in backward, the graph walk between rules is the phase's own time.
                    assertTrue(ops >= 0.8 * ph.dur(), ph.name() + ": ops " + ops + " us of " + ph.dur() + " us");
                }
            }
        }
        assertTrue(covered, "no step's phases cover 97% of it: " + coverage);
    }

    @Test
    @SuppressWarnings("unchecked")
    void evalAndExtractProfileToo() throws IOException {
        Path ckpt = run.resolve("checkpoints/epoch-001.ckpt");
        Path d = tmp.resolve("desc/test.npy");
        String extract = CliTest.run(0, "extract", "--checkpoint", ckpt.toString(), "--data",
                tmp.resolve("data").toString(), "--out", d.toString(), "--backend", "cpu", "--profile")[0];
        assertTrue(extract.contains("conv.forward"), extract);
        assertTrue(Files.isRegularFile(tmp.resolve("desc/test.profile.json")));
        assertTrue(Files.isRegularFile(tmp.resolve("desc/test.trace.json")));
        Path eval = tmp.resolve("eval");
        CliTest.run(0, "eval", "--checkpoint", ckpt.toString(), "--dataset", tmp.resolve("data").toString(), "--out",
                eval.toString(), "--profile");
        assertTrue(Files.readString(eval.resolve("profile.json")).contains("conv.forward"));
        TraceCheck.requireNesting(TraceCheck.events(new ObjectMapper().readValue(
                Files.readString(eval.resolve("trace.json")), Map.class)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void profileJsonHasEveryKindWithRates() throws IOException {
        Map<String, Object> p = new ObjectMapper().readValue(Files.readString(run.resolve("profile.json")), Map.class);
        List<Map<String, Object>> rows = (List<Map<String, Object>>) p.get("rows");
        Set<String> kinds = new TreeSet<>();
        rows.forEach(r -> kinds.add((String) r.get("kind")));
        assertEquals(Set.of("step", "phase", "op", "kernel"), kinds);
        Map<String, Object> conv = rows.stream().filter(r -> "conv.forward".equals(r.get("name"))).findFirst()
                .orElseThrow();
        assertNotNull(conv.get("gflops_per_s"));
        assertNotNull(conv.get("flops_share_of_peak"));
        assertTrue(((String) p.get("nvtx")).startsWith("off: "), "no libnvToolsExt here: " + p.get("nvtx"));
    }
}
