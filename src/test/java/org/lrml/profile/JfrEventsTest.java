package org.lrml.profile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.ops.Conv2d;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/** A JFR recording made while the profiler runs holds the engine's ops, kernels and phases as events. */
class JfrEventsTest {
    @Test
    void aRecordingSeesOpsKernelsAndPhases(@TempDir Path dir) throws Exception {
        Tensor x = Tensor.randn(Backends.cpu(), DType.F32, new Rng(1), 1.0, 1, 2, 6, 6);
        Tensor w = Tensor.randn(Backends.cpu(), DType.F32, new Rng(2), 1.0, 3, 2, 3, 3).requiresGrad(true);
        Path file = dir.resolve("rec.jfr");
        System.setProperty("lrml.profile.peak", "1,1");
        try (Recording rec = new Recording()) {
            rec.enable("lrml.Op").withoutThreshold();
            rec.enable("lrml.Kernel").withoutThreshold();
            rec.enable("lrml.Phase").withoutThreshold();
            rec.start();
            try (Profiler p = Profiler.start()) {
                assertTrue(p.jfrStatus().startsWith("on"), p.jfrStatus());
                try (Profiler.Scope s = Profiler.phase("forward")) {
                    Conv2d.apply(x, w, null, 1, 1, 1, 1).relu().sum().backward();
                }
            }
            rec.stop();
            rec.dump(file);
        } finally {
            System.clearProperty("lrml.profile.peak");
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Set<String> seen = new TreeSet<>();
        for (RecordedEvent e : events) {
            if (e.getEventType().getName().startsWith("lrml.")) {
                seen.add(e.getEventType().getName() + " " + e.getString("name"));
            }
        }
        for (String want : List.of("lrml.Op conv2d", "lrml.Op relu", "lrml.Op conv2d (backward)",
                "lrml.Kernel conv.forward", "lrml.Phase forward")) {
            assertTrue(seen.contains(want), want + " not in " + seen);
        }
    }
}
