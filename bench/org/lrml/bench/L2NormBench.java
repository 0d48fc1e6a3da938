package org.lrml.bench;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backends;
import org.lrml.bench.fixture.L2NormPass;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * L2 normalisation of rows ({@link L2NormPass}: the L2Normalize op, forward alone and forward + backward), CPU,
 * float32, 2^20 values per call: 16384 rows of D = 64 (a mining pool's descriptors) or 512 rows of D = 2048.
 * Prints the bytes per call (8 and 20 bytes per value).
 * <pre>bench/run L2NormBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class L2NormBench {
    @Param({"64", "2048"})
    int d;

    private L2NormPass pass;

    @Setup
    public void setup(BenchmarkParams params) {
        pass = new L2NormPass(Backends.cpu(), 5, (1 << 20) / d, d);
        String method = BenchInfo.method(params);
        BenchInfo.bytes("L2NormBench." + method + " d=" + d,
                method.equals("forward") ? pass.forwardBytes() : pass.forwardBackwardBytes(), Backends.cpu().describe());
    }

    @Benchmark
    public void forward() {
        pass.forward();
    }

    @Benchmark
    public void forwardBackward() {
        pass.forwardBackward();
    }
}
