package org.lrml.bench;

import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backends;
import org.lrml.bench.fixture.MiningPass;
import org.lrml.mining.TupleMiner;
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
 * One mining pass ({@link MiningPass}: TupleMiner, hardest negatives one per label, random positives) over 2000 queries
 * x a pool of 10000 descriptors of D = 64, CPU, float32. Prints the FLOPs of the similarity product (2.56 GFLOP).
 * <pre>bench/run MiningBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(1)
public class MiningBench {
    private MiningPass pass;

    @Setup
    public void setup() {
        pass = MiningPass.seeded(Backends.cpu(), 4);
        BenchInfo.flops("MiningBench " + MiningPass.QUERIES + " x " + MiningPass.POOL + " x " + MiningPass.DIM
                + " (similarity product)", MiningPass.flops(), Backends.cpu().describe());
    }

    @Benchmark
    public TupleMiner.Mined mine() {
        return pass.mine();
    }
}
