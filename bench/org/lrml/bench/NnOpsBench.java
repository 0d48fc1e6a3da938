package org.lrml.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.Storage;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * CPU kernels of the nn-ops family, float32, fixed seeds. Bytes moved per call (the memory traffic each
 * kernel cannot avoid) convert the scores to GB/s:
 * softmax 1024 x 1000 (and softmaxMiddleAxis, the same values as (8, 1000, 128)): read x, write y = 8.19 MB;
 * dropoutMask 4M: write 16.8 MB;
 * adamStep 8.39M params: read p, g, m, v and write p, m, v = 235 MB; sgdStep (momentum) 8.39M params:
 * read p, g, v and write p, v = 168 MB.
 * Peer: bench/peer/torch_nn_ops.py times the same calls in PyTorch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class NnOpsBench {
    /** Parameter tensor sizes: a ResNet-ish mix of large weights and small vectors, 8.39M in all. */
    static final int[] PARAM_SIZES = paramSizes();

    private final Backend cpu = Backends.cpu();
    private Storage logits;
    private Storage probs;
    private Storage mask;
    private List<Storage> params;
    private List<Storage> grads;
    private List<Storage> m;
    private List<Storage> v;
    private double[] lr;
    private double[] wd;

    static long totalParams() {
        long n = 0;
        for (int s : PARAM_SIZES) {
            n += s;
        }
        return n;
    }

    static int[] paramSizes() {
        int[] s = new int[64];
        for (int i = 0; i < 32; i++) {
            s[2 * i] = 262144;
            s[2 * i + 1] = 131 + 7 * i;
        }
        return s;
    }

    @Setup
    public void setup(BenchmarkParams benchmark) {
        String method = BenchInfo.method(benchmark);
        double bytes = switch (method) {
            case "softmax", "logSoftmax" -> 8.0 * 1024 * 1000;
            case "dropoutMask" -> 4.0 * (1 << 22);
            case "adamStep" -> 28.0 * totalParams();
            case "sgdMomentumStep" -> 20.0 * totalParams();
            default -> throw new IllegalStateException("NnOpsBench: no byte count for " + method);
        };
        BenchInfo.bytes("NnOpsBench." + method, bytes, cpu.describe());
        Rng rng = new Rng(1);
        logits = Tensor.randn(cpu, DType.F32, rng, 3.0, 1024, 1000).storage();
        probs = cpu.allocate(DType.F32, 1024 * 1000);
        mask = cpu.allocate(DType.F32, 1 << 22);
        params = new ArrayList<>();
        grads = new ArrayList<>();
        m = new ArrayList<>();
        v = new ArrayList<>();
        for (int size : PARAM_SIZES) {
            params.add(Tensor.randn(cpu, DType.F32, rng, 0.1, size).storage());
            grads.add(Tensor.randn(cpu, DType.F32, rng, 0.01, size).storage());
            m.add(Tensor.zeros(cpu, DType.F32, size).storage());
            v.add(Tensor.zeros(cpu, DType.F32, size).storage());
        }
        lr = new double[PARAM_SIZES.length];
        wd = new double[PARAM_SIZES.length];
        java.util.Arrays.fill(lr, 1e-9);
        java.util.Arrays.fill(wd, 1e-6);
    }

    @Benchmark
    public Storage softmax() {
        return softmaxInto(false);
    }

    @Benchmark
    public Storage logSoftmax() {
        return softmaxInto(true);
    }

    /** The same 1024 x 1000 values as (8, 1000, 128): softmax over the middle axis, no copies. */
    @Benchmark
    public Storage softmaxMiddleAxis() {
        cpu.softmax().softmaxAxis(logits, 8, 1000, 128, false, probs);
        return probs;
    }

    @Benchmark
    public Storage dropoutMask() {
        return maskInto();
    }

    @Benchmark
    public List<Storage> adamStep() {
        return adamOnce();
    }

    @Benchmark
    public List<Storage> sgdMomentumStep() {
        return sgdOnce();
    }

    private Storage softmaxInto(boolean log) {
        cpu.softmax().softmax(logits, 1024, 1000, log, probs);
        return probs;
    }

    private Storage maskInto() {
        cpu.dropout().mask(7, 0.3, mask);
        return mask;
    }

    // Tiny learning rates keep the parameters (and so the work) the same from call to call.
    private List<Storage> adamOnce() {
        cpu.optim().adam(params, grads, m, v, lr, wd, 0.9, 0.999, 1e-8, false, 10);
        return params;
    }

    private List<Storage> sgdOnce() {
        cpu.optim().sgd(params, grads, m, lr, wd, 0.9, 0.0, true, false);
        return params;
    }
}
