package org.lrml.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.backend.family.Conv;
import org.lrml.backend.cpu.CpuBackend;
import org.lrml.ops.Conv2d;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The profiler on the CPU: what it records, how intervals nest, and that it leaves nothing behind when closed. */
class ProfilerTest {
    @AfterEach
    void noneLeftRunning() {
        assertFalse(Profiler.isActive());
    }

    private static Tensor randn(Rng rng, int... shape) {
        return Tensor.randn(Backends.cpu(), DType.F32, rng, 1.0, shape);
    }

    /** A small conv + relu + sum, forward and backward, in phases of one step. */
    private static void step(Rng rng) {
        Tensor x = randn(rng, 2, 3, 9, 9);
        Tensor w = randn(rng, 4, 3, 3, 3).requiresGrad(true);
        Tensor loss;
        try (Profiler.Scope s = Profiler.step("step")) {
            try (Profiler.Scope f = Profiler.phase("forward")) {
                loss = Conv2d.apply(x, w, null, 1, 1, 1, 1).relu().sum();
            }
            try (Profiler.Scope b = Profiler.phase("backward")) {
                loss.backward();
            }
        }
    }

    @Test
    void recordsOpsKernelsAndPhasesWithFlops() throws Exception {
        System.setProperty("lrml.profile.peak", "100,10");
        ProfileReport r;
        try (Profiler p = Profiler.start()) {
            step(new Rng(1));
            p.close();
            r = p.report();
        } finally {
            System.clearProperty("lrml.profile.peak");
        }
        assertNotNull(r.row(Kind.STEP, "step"));
        assertNotNull(r.row(Kind.PHASE, "forward"));
        assertNotNull(r.row(Kind.OP, "conv2d"));
        assertNotNull(r.row(Kind.OP, "relu"));
        assertNotNull(r.row(Kind.OP, "conv2d (backward)"));
        ProfileReport.Row conv = r.row(Kind.KERNEL, "conv.forward");
        assertNotNull(conv, r.table());
        // 2 * N * O * OH * OW * C * KH * KW
        assertEquals(2.0 * 2 * 4 * 9 * 9 * 3 * 3 * 3, conv.flops(), 1e-9);
        assertTrue(conv.bytes() > 0);
        assertNotNull(r.row(Kind.KERNEL, "conv.backwardFilter"));
        assertTrue(r.table().contains("conv.forward"), r.table());
        assertEquals(100.0, r.peaks().get(0).gflops());
    }

    @Test
    void closedProfilerHandsOutTheBackendsOwnFamiliesAgain() {
        Conv plain = CpuBackend.INSTANCE.conv();
        try (Profiler p = Profiler.start()) {
            assertTrue(Profiler.isActive());
            assertFalse(CpuBackend.INSTANCE.conv() == plain, "a profiler wraps the family objects");
            assertThrows(IllegalStateException.class, Profiler::start);
            System.setProperty("lrml.profile.peak", "1,1");
            p.close();
            System.clearProperty("lrml.profile.peak");
        }
        assertSame(plain, CpuBackend.INSTANCE.conv());
    }

    @Test
    void measuresTheCeilingWithTheBackendsOwnKernelsUnlessStated() {
        Peak measured = Peak.of(CpuBackend.INSTANCE);
        assertTrue(measured.gflops() > 0.1 && measured.gbps() > 0.1, measured.toString());
        assertTrue(measured.source().startsWith("measured"), measured.source());
        System.setProperty("lrml.profile.peak", "480, 40");
        try {
            assertEquals(new Peak("cpu", 480, 40, "stated (-Dlrml.profile.peak)"), Peak.of(CpuBackend.INSTANCE));
            System.setProperty("lrml.profile.peak", "480");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Peak.of(CpuBackend.INSTANCE));
            assertTrue(e.getMessage().contains("expected GFLOPS,GBPS"), e.getMessage());
        } finally {
            System.clearProperty("lrml.profile.peak");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void traceNestsKernelsInOpsInPhasesInTheStep(@TempDir Path dir) throws Exception {
        // The phases must cover the step; the gaps between them are bookkeeping of a few microseconds, but a thread
        // preempted inside one on a loaded machine stretches it past 10% of an 800 us step. So up to three steps
        // are recorded, and one of them must show the coverage (the nesting is required of every one).
        double phases = 0;
        double stepDur = 1;
        List<TraceCheck.Event> events = List.of();
        Map<String, Object> profile = Map.of();
        for (int attempt = 0; attempt < 3 && phases < 0.9 * stepDur; attempt++) {
            Path run = Files.createDirectories(dir.resolve("run" + attempt));
            System.setProperty("lrml.profile.peak", "100,10");
            try (Profiler p = Profiler.start()) {
                step(new Rng(2));
                p.close();
                p.writeTrace(run.resolve("trace.json"));
                p.writeProfileJson(run.resolve("profile.json"));
            } finally {
                System.clearProperty("lrml.profile.peak");
            }
            Map<String, Object> trace = new ObjectMapper().readValue(Files.readString(run.resolve("trace.json")),
                    Map.class);
            events = TraceCheck.events(trace);
            TraceCheck.requireNesting(events);
            TraceCheck.Event step = events.stream().filter(e -> e.name().equals("step")).findFirst().orElseThrow();
            phases = TraceCheck.childrenOf(events, step).stream().mapToDouble(TraceCheck.Event::dur).sum();
            stepDur = step.dur();
            assertTrue(phases <= stepDur, phases + " of " + stepDur);
            profile = new ObjectMapper().readValue(Files.readString(run.resolve("profile.json")), Map.class);
        }
        assertTrue(phases >= 0.9 * stepDur, phases + " of " + stepDur + " in the last of three steps");
        assertTrue(((List<Object>) profile.get("rows")).size() > 5);
        assertNull(TraceCheck.event(events, "nothing like this"));
    }
}
