package org.lrml.onnx;

import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.nn.BatchNorm2d;
import org.lrml.nn.Module;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * Batch norms of a freshly built network hold mean 0, variance 1, gamma 1 and beta 0, under which a missing or
 * misplaced batch norm in an export would go unnoticed: these give every one of them statistics and affine
 * parameters of their own (means +-0.1, variances 0.5..1.5, gamma 0.5..1.5, beta +-0.1).
 */
public final class RealisticWeights {
    private RealisticWeights() {
    }

    public static <M extends Module> M batchNorms(M net, long seed) {
        perturb(net, new Rng(seed));
        return net;
    }

    private static void perturb(Module m, Rng rng) {
        if (m instanceof BatchNorm2d bn) {
            set(bn.namedBuffers().get("running_mean"), rng, -0.1, 0.1);
            set(bn.namedBuffers().get("running_var"), rng, 0.5, 1.5);
            if (bn.isAffine()) {
                set(bn.namedParameters().get("weight"), rng, 0.5, 1.5);
                set(bn.namedParameters().get("bias"), rng, -0.1, 0.1);
            }
        }
        long i = 0;
        for (Module c : m.children().values()) {
            perturb(c, rng.fork(++i));
        }
    }

    private static void set(Tensor t, Rng rng, double lo, double hi) {
        t.copyFrom(Tensor.uniform(Backends.defaultBackend(), DType.F32, rng, lo, hi, t.shape()));
    }
}
