package org.lrml.backend.family;

import java.util.List;

import org.lrml.backend.Storage;

/** Optimiser steps, one call for all tensors of a model (kernels/optim.cu). */
public interface Optim {

    /**
     * SGD with momentum on each (param, grad, velocity) triple, in place, PyTorch semantics:
     * g = grad + wd[i] param; v = momentum v + (1 - dampening) g (v = g on the first step when
     * {@code firstStep}); step = nesterov ? g + momentum v : v; param -= lr[i] step.
     * velocities may be null when momentum is 0.
     */
    void sgd(List<Storage> params, List<Storage> grads, List<Storage> velocities, double[] lr, double[] wd,
             double momentum, double dampening, boolean nesterov, boolean firstStep);

    /**
     * Adam / AdamW on each tensor, in place, PyTorch semantics with bias correction at step t (1-based).
     * decoupled = false (Adam): g = grad + wd param; decoupled = true (AdamW): param *= 1 - lr wd first.
     */
    void adam(List<Storage> params, List<Storage> grads, List<Storage> m, List<Storage> v,
              double[] lr, double[] wd, double beta1, double beta2, double eps, boolean decoupled, long t);
}
