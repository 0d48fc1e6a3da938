package org.lrml.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.backend.Backend;
import org.lrml.backend.DType;
import org.lrml.gradients.GradControlCases;
import org.lrml.ops.Conv2d;
import org.lrml.profile.Kind;
import org.lrml.profile.ProfileReport;
import org.lrml.profile.Profiler;
import org.lrml.profile.TraceCheck;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Gradient control and the profiler on the CUDA backend (a GPU, or the kernel emulator with -Pemulator): the same
 * cases as the CPU's GradControlTest, and a profile whose kernels carry device times from CUDA events.
 */
@Tag("gpu")
class GradControlCudaTest {
    private Backend cuda;
    private GradControlCases cases;

    @BeforeEach
    void open() {
        cuda = CudaAvailable.assumeCuda();
        cases = new GradControlCases(cuda);
    }

    @Test
    void tensorHooksInspectAndReplace() {
        cases.tensorHooksInspectAndReplace();
    }

    @Test
    void leafHookRunsBeforeAccumulation() {
        cases.leafHookRunsBeforeAccumulation();
    }

    @Test
    void retainGradOnNonLeaf() {
        cases.retainGradOnNonLeaf();
    }

    @Test
    void moduleHooks() {
        cases.moduleHooks();
    }

    @Test
    void customFunction() {
        cases.customFunction();
    }

    @Test
    void anomalyNamesLogOfZeroInForward() {
        cases.anomalyNamesLogOfZeroInForward();
    }

    @Test
    void anomalyNamesZeroOverZeroInBackward() {
        cases.anomalyNamesZeroOverZeroInBackward();
    }

    @Test
    @SuppressWarnings("unchecked")
    void profiledKernelsHaveDeviceTimesAndADeviceRowInTheTrace(@TempDir Path dir) throws Exception {
        Tensor x = Tensor.randn(cuda, DType.F32, new Rng(1), 1.0, 2, 3, 9, 9);
        Tensor w = Tensor.randn(cuda, DType.F32, new Rng(2), 1.0, 4, 3, 3, 3).requiresGrad(true);
        System.setProperty("lrml.profile.peak", "1000,100");
        ProfileReport r;
        try (Profiler p = Profiler.start()) {
            try (Profiler.Scope s = Profiler.step("step")) {
                Tensor loss;
                try (Profiler.Scope f = Profiler.phase("forward")) {
                    loss = Conv2d.apply(x, w, null, 1, 1, 1, 1).relu().sum();
                }
                try (Profiler.Scope b = Profiler.phase("backward")) {
                    loss.backward();
                }
            }
            p.close();
            r = p.report();
            p.writeTrace(dir.resolve("trace.json"));
        } finally {
            System.clearProperty("lrml.profile.peak");
        }
        ProfileReport.Row conv = r.row(Kind.KERNEL, "conv.forward");
        assertNotNull(conv, r.table());
        assertEquals("cuda", conv.backend());
        assertTrue(conv.deviceMs() > 0, "device time from events: " + conv);
        Map<String, Object> trace = new ObjectMapper().readValue(Files.readString(dir.resolve("trace.json")), Map.class);
        TraceCheck.requireNesting(TraceCheck.events(trace));
        long deviceEvents = ((List<Object>) trace.get("traceEvents")).stream()
                .map(o -> (Map<String, Object>) o)
                .filter(e -> "X".equals(e.get("ph")) && ((Number) e.get("pid")).intValue() == 2).count();
        assertTrue(deviceEvents >= 3, "kernels on the device row: " + deviceEvents);
    }
}
