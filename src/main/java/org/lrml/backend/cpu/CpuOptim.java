package org.lrml.backend.cpu;

import java.util.List;

import org.lrml.backend.Storage;

/** Placeholder until this family lands (scaffolding, replaced by its implementation). */
final class CpuOptim {
    private CpuOptim() {
    }

    static void sgd(List<Storage> params, List<Storage> grads, List<Storage> velocities, double[] lr, double[] wd, double momentum, double dampening, boolean nesterov, boolean firstStep) {
        throw new UnsupportedOperationException("not implemented yet: CpuOptim");
    }

    static void adam(List<Storage> params, List<Storage> grads, List<Storage> m, List<Storage> v, double[] lr, double[] wd, double beta1, double beta2, double eps, boolean decoupled, long t) {
        throw new UnsupportedOperationException("not implemented yet: CpuOptim");
    }
}
