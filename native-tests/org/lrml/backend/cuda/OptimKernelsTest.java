package org.lrml.backend.cuda;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Backend;
import org.lrml.backend.Storage;

/**
 * kernels/optim.cu: multi-tensor SGD (momentum, dampening, Nesterov, weight decay, first step) and Adam / AdamW
 * over tensors of very different sizes (one element to several chunks) in one launch, three steps each, against
 * the CPU backend.
 */
@Tag("gpu")
class OptimKernelsTest {
    private static final int[] SIZES = {1, 7, 4097, 70_001, 300};
    private static Backend cuda;

    @BeforeEach
    void open() {
        cuda = CudaAvailable.assumeCuda();
    }

    private static List<float[]> tensors(long seed, boolean positive) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < SIZES.length; i++) {
            out.add(positive ? Compare.uniform(seed + i, SIZES[i], 0.01, 1) : Compare.normal(seed + i, SIZES[i]));
        }
        return out;
    }

    private static List<Storage> upload(Backend b, List<float[]> ts) {
        List<Storage> out = new ArrayList<>();
        for (float[] t : ts) {
            out.add(b.upload(t));
        }
        return out;
    }

    private static double[] flat(Backend b, List<Storage> ts) {
        int n = 0;
        for (Storage s : ts) {
            n += (int) s.length();
        }
        double[] out = new double[n];
        int o = 0;
        for (Storage s : ts) {
            double[] v = Compare.values(b, s);
            System.arraycopy(v, 0, out, o, v.length);
            o += v.length;
        }
        return out;
    }

    private static double[] lr() {
        return new double[]{0.1, 0.05, 0.01, 0.2, 0.03};
    }

    private static double[] wd(boolean on) {
        return on ? new double[]{0.0, 1e-2, 5e-4, 0.1, 0.0} : new double[SIZES.length];
    }

    @Test
    void sgdMatchesTheCpu() {
        for (boolean nesterov : new boolean[]{false, true}) {
            double momentum = 0.9;
            double dampening = nesterov ? 0 : 0.1;
            double[] expected = sgd(Compare.cpu(), nesterov, momentum, dampening);
            Compare.close("sgd nesterov=" + nesterov, null, expected, sgd(cuda, nesterov, momentum, dampening));
        }
        double[] plain = sgd(Compare.cpu(), false, 0, 0);
        Compare.close("sgd without momentum", null, plain, sgd(cuda, false, 0, 0));
    }

    private static double[] sgd(Backend b, boolean nesterov, double momentum, double dampening) {
        List<Storage> p = upload(b, tensors(1, false));
        List<Storage> v = momentum == 0 ? null : upload(b, tensors(3, false));
        for (int step = 0; step < 3; step++) {
            List<Storage> g = upload(b, tensors(10 + step, false));
            b.optim().sgd(p, g, v, lr(), wd(true), momentum, dampening, nesterov, step == 0);
        }
        return flat(b, p);
    }

    @Test
    void adamAndAdamWMatchTheCpu() {
        for (boolean decoupled : new boolean[]{false, true}) {
            double[] expected = adam(Compare.cpu(), decoupled);
            Compare.close(decoupled ? "adamw" : "adam", null, expected, adam(cuda, decoupled));
        }
    }

    private static double[] adam(Backend b, boolean decoupled) {
        List<Storage> p = upload(b, tensors(1, false));
        List<Storage> m = upload(b, tensors(20, false));
        List<Storage> v = upload(b, tensors(30, true));
        for (int step = 1; step <= 3; step++) {
            List<Storage> g = upload(b, tensors(10 + step, false));
            b.optim().adam(p, g, m, v, lr(), wd(true), 0.9, 0.999, 1e-8, decoupled, step);
        }
        double[] a = flat(b, p);
        double[] mm = flat(b, m);
        double[] vv = flat(b, v);
        double[] all = java.util.Arrays.copyOf(a, a.length + mm.length + vv.length);
        System.arraycopy(mm, 0, all, a.length, mm.length);
        System.arraycopy(vv, 0, all, a.length + mm.length, vv.length);
        return all;
    }
}
