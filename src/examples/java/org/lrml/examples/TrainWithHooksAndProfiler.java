package org.lrml.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.lrml.autograd.AnomalyMode;
import org.lrml.autograd.CustomFunction;
import org.lrml.autograd.HookHandle;
import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.nn.Sequential;
import org.lrml.ops.IndexSelect;
import org.lrml.optim.Adam;
import org.lrml.profile.Profiler;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * docs/library.md, example 3: a training loop of one's own on made-up data (three classes of blurred blobs), with
 * the custom loss of {@link CustomLoss}, a tensor hook that records the descriptors' gradient norm, a module hook on
 * the projection layer, anomaly mode on, and the profiler around a few steps, whose table is printed and whose
 * trace is written.
 */
public final class TrainWithHooksAndProfiler {
    private TrainWithHooksAndProfiler() {
    }

    /** n images of 28 x 28: class c has a bright square at its own place, on noise. */
    static Tensor images(Backend backend, int n, Rng rng) {
        float[] v = new float[n * 28 * 28];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    boolean on = y / 9 == c && x / 9 == c;
                    v[i * 784 + y * 28 + x] = (float) ((on ? 1.5 : 0) + 0.3 * rng.nextGaussian());
                }
            }
        }
        return Tensor.of(backend, v, n, 1, 28, 28);
    }

    /** Rows of x picked by index. */
    static Tensor rows(Tensor x, int[] idx) {
        return IndexSelect.apply(x, idx);
    }

    public static void main(String[] args) throws IOException {
        Path out = Files.createTempDirectory("lrml-example");
        train(Backends.cpu(), 12, out);
    }

    /** Trains for {@code steps} steps (the last three profiled); returns the step losses. */
    public static List<Double> train(Backend backend, int steps, Path traceDir) throws IOException {
        Rng rng = new Rng(1);
        Sequential net = BuildANetwork.network(16, rng.fork(0));
        net.to(backend);
        Adam adam = new Adam(net.parameters(), 1e-2);
        CustomFunction loss = CustomLoss.tripletMargin(0.5);
        Tensor data = images(backend, 30, rng.fork(1));
        List<Double> gradNorms = new ArrayList<>();
        HookHandle hook = net.children().get("proj").registerForwardHook((m, in, y) -> {
            if (!Double.isFinite(y.sum().item())) {
                throw new IllegalStateException("the projection produced a non-finite value");
            }
            return null;
        });
        List<Double> losses = new ArrayList<>();
        Profiler profiler = null;
        try (AnomalyMode anomaly = AnomalyMode.enable()) {
            for (int s = 0; s < steps; s++) {
                if (s == steps - 3) {
                    profiler = Profiler.start();
                }
                // anchors: images 0..8, positives: the next image of the same class, negatives: of the next class
                int[] a = new int[9];
                int[] p = new int[9];
                int[] n = new int[9];
                for (int i = 0; i < 9; i++) {
                    a[i] = (s * 9 + i) % 27;
                    p[i] = a[i] + 3;
                    n[i] = a[i] + 1;
                }
                try (MemoryScope scope = MemoryScope.open(); Profiler.Scope step = Profiler.step("step")) {
                    Tensor d;
                    Tensor l;
                    try (Profiler.Scope ph = Profiler.phase("forward")) {
                        d = net.call(data);
                        d.registerHook(g -> {
                            gradNorms.add(Math.sqrt(g.mul(g).sum().item()));
                            return null;
                        });
                        l = loss.apply(rows(d, a), rows(d, p), rows(d, n));
                        losses.add(l.item());
                    }
                    try (Profiler.Scope ph = Profiler.phase("backward")) {
                        l.backward();
                    }
                    try (Profiler.Scope ph = Profiler.phase("optimizer")) {
                        adam.step();
                        adam.zeroGrad();
                    }
                }
            }
        } finally {
            hook.remove();
            if (profiler != null) {
                profiler.close();
            }
        }
        System.out.printf(Locale.ROOT, "loss %.4f -> %.4f; descriptor gradient norm %.3g -> %.3g%n", losses.get(0),
                losses.get(losses.size() - 1), gradNorms.get(0), gradNorms.get(gradNorms.size() - 1));
        System.out.print(profiler.report().table(8));
        profiler.writeTrace(traceDir.resolve("trace.json"));
        profiler.writeProfileJson(traceDir.resolve("profile.json"));
        System.out.println("trace: " + traceDir.resolve("trace.json"));
        return losses;
    }
}
