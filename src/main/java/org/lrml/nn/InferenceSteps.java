package org.lrml.nn;

import org.lrml.autograd.NoGrad;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;

/**
 * Runs a layer in its own memory scope when no gradient is recorded, keeping only its output: a deep trunk's
 * intermediate maps (a 1024-pixel ResNet-101 makes gigabytes of them) are released block by block instead of
 * at the end of the image. While training the graph needs them all, so the layer runs plainly.
 */
final class InferenceSteps {
    private InferenceSteps() {
    }

    static Tensor run(Module layer, Tensor x) {
        if (NoGrad.gradEnabled()) {
            return layer.forward(x);
        }
        try (MemoryScope scope = MemoryScope.open()) {
            return MemoryScope.keep(layer.forward(x));
        }
    }
}
