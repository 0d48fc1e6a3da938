package org.lrml.bench;

import java.util.concurrent.TimeUnit;

import org.lrml.autograd.AnomalyMode;
import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.backend.FamilyCalls;
import org.lrml.backend.family.Elementwise;
import org.lrml.bench.fixture.TrainStep;
import org.lrml.profile.Profiler;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the profiler costs (docs/profiling.md quotes the numbers).
 * <ul>
 *   <li>Disabled, per op: {@link Op#add} is a whole op on 64 floats as every caller runs it (its hooks included);
 *   {@link Op#hooks} is only what the disabled hooks of one op add: the profiler's and anomaly mode's checks at
 *   {@code Autograd.record} and the family accessor's observer check. Their ratio is the disabled overhead of the
 *   cheapest op there is. {@link Op#addProfiled} is the same op with a profiler recording it (the op and its kernel):
 *   the difference is what recording costs per op, which times the intervals per step ({@link Paired} prints them)
 *   bounds the enabled profiler's cost per step from below the noise of a whole step.</li>
 *   <li>Enabled, per training step: {@link Step#step} is one training step of the Fashion-MNIST network
 *   ({@link TrainStep}: 25 tuples, 175 images, forward, fused LRML loss, backward, Adam) with the profiler off and
 *   on (every op, backward rule and kernel recorded). On a shared machine the two runs drift apart by more than
 *   the overhead, so {@link Paired#pair} also runs the step off and on alternately, one of each per invocation,
 *   and prints at the end the median of the per-pair ratios on/off (the number to quote) with both medians.</li>
 * </ul>
 * <pre>bench/run ProfilerOverheadBench</pre>
 */
public class ProfilerOverheadBench {

    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(1)
    public static class Op {
        private Tensor a;
        private Tensor b;
        private Backend cpu;
        private Elementwise family;

        @Setup
        public void setup() {
            cpu = Backends.cpu();
            a = Tensor.randn(cpu, DType.F32, new Rng(1), 1.0, 64);
            b = Tensor.randn(cpu, DType.F32, new Rng(2), 1.0, 64);
            family = cpu.elementwise();
        }

        @Benchmark
        public Tensor add() {
            return a.add(b);
        }

        @Benchmark
        @Measurement(iterations = 5, time = 200, timeUnit = TimeUnit.MILLISECONDS)
        public Tensor addProfiled(Recording r) {
            return a.add(b);
        }

        @Benchmark
        public boolean hooks() {
            Profiler.taped("add");
            return AnomalyMode.isEnabled() | FamilyCalls.observed(cpu, Elementwise.class, family) != family;
        }
    }

    /** A profiler running for one measurement iteration (restarted each, so its record stays small). */
    @State(Scope.Benchmark)
    public static class Recording {
        private Profiler running;

        @Setup(Level.Iteration)
        public void start() {
            System.setProperty("lrml.profile.peak", "1,1");
            running = Profiler.start();
        }

        @TearDown(Level.Iteration)
        public void stop() {
            running.close();
        }
    }

    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 4, time = 2)
    @Measurement(iterations = 8, time = 2)
    @Fork(1)
    public static class Step {
        @Param({"off", "on"})
        public String profiler;
        private TrainStep train;
        private Profiler running;

        @Setup(Level.Trial)
        public void setup() {
            train = TrainStep.seeded(Backends.cpu(), 1);
            BenchInfo.flops("ProfilerOverheadBench.Step, profiler " + profiler, train.flops(), Backends.cpu().describe());
        }

        @Setup(Level.Iteration)
        public void start() {
            if (profiler.equals("on")) {
                System.setProperty("lrml.profile.peak", "1,1");
                running = Profiler.start();
            }
        }

        @TearDown(Level.Iteration)
        public void stop() {
            if (running != null) {
                running.close();
                running = null;
            }
        }

        @Benchmark
        public double step() {
            try (Profiler.Scope s = Profiler.step("step")) {
                return train.step();
            }
        }
    }

    @State(Scope.Benchmark)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 10, time = 3)
    @Fork(1)
    public static class Paired {
        private TrainStep train;
        private final java.util.List<double[]> pairs = new java.util.ArrayList<>();
        private boolean measuring;
        private long intervalsPerStep;

        @Setup(Level.Trial)
        public void setup() {
            System.setProperty("lrml.profile.peak", "1,1");
            train = TrainStep.seeded(Backends.cpu(), 1);
        }

        @Setup(Level.Iteration)
        public void iteration() {
            measuring = true;
        }

        @TearDown(Level.Trial)
        public void report() {
            int warm = Math.min(pairs.size() / 4, 10);
            java.util.List<double[]> kept = pairs.subList(warm, pairs.size());
            double[] off = kept.stream().mapToDouble(p -> p[0]).sorted().toArray();
            double[] on = kept.stream().mapToDouble(p -> p[1]).sorted().toArray();
            double[] ratio = kept.stream().mapToDouble(p -> p[1] / p[0]).sorted().toArray();
            System.out.printf(java.util.Locale.ROOT, "%n# ProfilerOverheadBench.Paired: %d pairs (first %d dropped);"
                            + " median step off %.1f ms, on %.1f ms; median of the per-pair ratios on/off %.4f"
                            + " (quartiles %.4f .. %.4f); %d intervals recorded per step%n", kept.size(), warm,
                    off[off.length / 2], on[on.length / 2], ratio[ratio.length / 2], ratio[ratio.length / 4],
                    ratio[3 * ratio.length / 4], intervalsPerStep);
        }

        @Benchmark
        public double pair() {
            long t0 = System.nanoTime();
            double a;
            try (Profiler.Scope s = Profiler.step("step")) {
                a = train.step();
            }
            long offNs = System.nanoTime() - t0;
            double b;
            try (Profiler p = Profiler.start()) {
                long t1 = System.nanoTime();
                try (Profiler.Scope s = Profiler.step("step")) {
                    b = train.step();
                }
                long t2 = System.nanoTime();
                p.close();
                intervalsPerStep = p.report().rows().stream().mapToLong(r -> r.calls()).sum();
                if (measuring) {
                    pairs.add(new double[]{offNs / 1e6, (t2 - t1) / 1e6});
                }
            }
            return a + b;
        }
    }
}
