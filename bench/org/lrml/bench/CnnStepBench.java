package org.lrml.bench;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backends;
import org.lrml.bench.fixture.CnnStep;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;
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
 * One training step (forward + backward, gradients cleared first) of the 3-layer CNN of {@link CnnStep}
 * on a batch of 64 x 1 x 28 x 28, float32, CPU backend. The printed FLOPs count the convolutions only
 * ({@link CnnStep#convFlops}: forward, backward filter, and backward data of conv2 and conv3).
 * <pre>bench/run CnnStepBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(1)
public class CnnStepBench {
    private CnnStep net;
    private Tensor x;

    @Setup
    public void setup() {
        Rng rng = new Rng(3);
        net = new CnnStep(rng);
        x = Tensor.randn(Backends.cpu(), DType.F32, rng, 1, 64, 1, 28, 28);
        BenchInfo.flops("CnnStepBench (convolutions only)", CnnStep.convFlops(64), Backends.cpu().describe());
    }

    @Benchmark
    public double step() {
        return net.step(x);
    }
}
