package org.lrml.profile;

import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.ops.Conv2d;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/** The child JVM of NvtxStandInTest: one profiled step of a convolution, then the NVTX status. */
public final class NvtxChild {
    private NvtxChild() {
    }

    public static void main(String[] args) {
        Tensor x = Tensor.randn(Backends.cpu(), DType.F32, new Rng(1), 1.0, 1, 2, 6, 6);
        Tensor w = Tensor.randn(Backends.cpu(), DType.F32, new Rng(2), 1.0, 3, 2, 3, 3).requiresGrad(true);
        try (Profiler p = Profiler.start()) {
            try (Profiler.Scope s = Profiler.step("step")) {
                Tensor loss;
                try (Profiler.Scope f = Profiler.phase("forward")) {
                    loss = Conv2d.apply(x, w, null, 1, 1, 1, 1).sum();
                }
                try (Profiler.Scope b = Profiler.phase("backward")) {
                    loss.backward();
                }
            }
            p.close();
            System.out.println("nvtx: " + p.nvtxStatus());
        }
    }
}
