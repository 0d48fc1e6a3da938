package org.lrml.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.backend.Backends;
import org.lrml.backend.cuda.DeviceMemoryProbe;
import org.lrml.loss.Tuples;
import org.lrml.nn.RetrievalNet;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TinyFashion;
import org.lrml.train.fashion.FashionTraining;

/**
 * A long run (issue 15): 1,000 optimiser steps of the Fashion recipe on a small synthetic set, sampling the Java
 * heap (after a full GC) and, on the CUDA backend, the device memory the allocator has handed out, every 100 steps:
 * after the first 200 steps (warm-up: caches, JIT, the allocator's pools) neither may grow. Runs only with
 * {@code -Dlrml.longrun=true} ({@code mvn -B test -Dlrml.longrun=true -Dtest=LongRunMemoryTest}, about a minute on
 * the CPU); the GPU half skips with the reason where no GPU is usable.
 */
@EnabledIfSystemProperty(named = "lrml.longrun", matches = "true")
class LongRunMemoryTest {
    private static final int STEPS = 1000;
    private static final long HEAP_SLACK = 24L << 20;

    @TempDir
    Path tmp;

    @Test
    void heapDoesNotGrowOverAThousandStepsOnTheCpu() throws IOException {
        run("cpu");
    }

    @Test
    void deviceMemoryDoesNotGrowOverAThousandStepsOnTheGpu() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Backends.cudaUnavailableReason() == null,
                () -> "no usable GPU: " + Backends.cudaUnavailableReason());
        run("cuda");
    }

    private void run(String backend) throws IOException {
        Path data = TinyFashion.write(tmp.resolve("data"), 400, 100, 21);
        TrainConfig cfg = TrainConfig.builder().data(data).backend(backend).epochs(12).queries(100).pool(200)
                .tuplesPerStep(1).seed(3).evalEvery(0).describeBatch(64)
                .net(new RetrievalNet.Config(1, new int[]{8, 8, 8}, 8, RetrievalNet.Pooling.GEM, 3.0)).build();
        TrainingParts p = FashionTraining.assemble(cfg);
        Sampling loss = new Sampling(p.loss(), p.backend());
        TrainingParts sampled = new TrainingParts(p.backend(), p.data(), p.model(), p.mining(), loss, p.optimizer(),
                p.lrSchedule(), p.evaluation());
        Trainer.start(sampled, cfg.schedule(), cfg.toMap(), RunFolder.at(tmp.resolve(backend)),
                new PrintStream(new ByteArrayOutputStream())).run();
        assertTrue(loss.steps >= STEPS, "ran " + loss.steps + " steps");
        System.out.printf(Locale.ROOT, "long run on %s: %d steps; heap MiB %s%s%n", backend, loss.steps, mib(loss.heap),
                backend.equals("cuda") ? "; device MiB " + mib(loss.device) : "");
        long base = loss.heap.get(1);
        long most = loss.heap.subList(1, loss.heap.size()).stream().mapToLong(Long::longValue).max().orElse(base);
        assertTrue(most - base < HEAP_SLACK, "heap grew by " + (most - base) + " bytes after step 200: " + loss.heap);
        if (backend.equals("cuda")) {
            long d0 = loss.device.get(1);
            long d1 = loss.device.subList(1, loss.device.size()).stream().mapToLong(Long::longValue).max().orElse(d0);
            assertTrue(d1 - d0 < (1L << 20), "device memory grew by " + (d1 - d0) + " bytes: " + loss.device);
        }
    }

    private static String mib(List<Long> bytes) {
        return bytes.stream().map(b -> String.format(Locale.ROOT, "%.1f", b / 1048576.0)).toList().toString();
    }

    /** The run's loss, sampling memory every 100 steps (up to the 1000th) before the step's own allocations. */
    private static final class Sampling implements TrainingLoss {
        final TrainingLoss inner;
        final org.lrml.backend.Backend backend;
        final List<Long> heap = new ArrayList<>();
        final List<Long> device = new ArrayList<>();
        int steps;

        Sampling(TrainingLoss inner, org.lrml.backend.Backend backend) {
            this.inner = inner;
            this.backend = backend;
        }

        @Override
        public Tensor apply(Tensor descriptors, Tuples tuples) {
            steps++;
            if (steps % 100 == 0 && steps <= STEPS) {
                backend.synchronize();
                Runtime rt = Runtime.getRuntime();
                System.gc();
                System.gc();
                heap.add(rt.totalMemory() - rt.freeMemory());
                device.add(DeviceMemoryProbe.bytesInUse(backend));
            }
            return inner.apply(descriptors, tuples);
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public String describe() {
            return inner.describe();
        }
    }
}
