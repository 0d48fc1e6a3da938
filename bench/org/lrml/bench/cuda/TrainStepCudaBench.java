package org.lrml.bench.cuda;

import java.util.concurrent.TimeUnit;

import org.lrml.bench.fixture.TrainStep;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full training step of the Fashion-MNIST network on CUDA ({@link TrainStep}: 25 tuples of K = 5 -> 175 distinct
 * images through RetrievalNet, the fused LRML loss, backward, Adam), with whichever gemm and conv providers the
 * backend chose. The FLOPs count the convolutions and the whitening layer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class TrainStepCudaBench {
    private TrainStep train;

    @Setup(Level.Trial)
    public void setup() {
        train = TrainStep.seeded(CudaBenchState.cuda(), 1);
        CudaBenchState.perCall("training step, " + train.images() + " images", 0, train.flops());
    }

    /** The step ends with the loss's download, queued after the Adam launch: that synchronises. */
    @Benchmark
    public double step() {
        return train.step();
    }
}
