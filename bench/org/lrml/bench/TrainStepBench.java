package org.lrml.bench;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backends;
import org.lrml.bench.fixture.TrainStep;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full training step of the Fashion-MNIST network ({@link TrainStep}: 25 tuples of K = 5 -> 175 distinct images
 * through RetrievalNet, the fused LRML loss, backward, Adam), CPU, float32. Prints the FLOPs of the convolutions and
 * the whitening layer (7.7 GFLOP per step).
 * <pre>bench/run TrainStepBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(1)
public class TrainStepBench {
    private TrainStep train;

    @Setup
    public void setup() {
        train = TrainStep.seeded(Backends.cpu(), 1);
        BenchInfo.flops("TrainStepBench, " + train.images() + " images (convolutions and linear only)", train.flops(),
                Backends.cpu().describe());
    }

    @Benchmark
    public double step() {
        return train.step();
    }
}
