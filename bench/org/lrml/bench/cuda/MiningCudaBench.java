package org.lrml.bench.cuda;

import java.util.concurrent.TimeUnit;

import org.lrml.bench.fixture.MiningPass;
import org.lrml.mining.TupleMiner;
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
 * One mining pass on CUDA ({@link MiningPass}: TupleMiner over 2000 queries x a pool of 10000 descriptors of D = 64,
 * hardest negatives one per label, through the fused similarity ranking); the tuples come back to the host, which
 * synchronises.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class MiningCudaBench {
    private MiningPass pass;

    @Setup(Level.Trial)
    public void setup() {
        pass = MiningPass.seeded(CudaBenchState.cuda(), 4);
        CudaBenchState.perCall("mining pass 2000 x 10000 x 64", 0, MiningPass.flops());
    }

    @Benchmark
    public TupleMiner.Mined mine() {
        return pass.mine();
    }
}
