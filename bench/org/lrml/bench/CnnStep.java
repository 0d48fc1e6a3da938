package org.lrml.bench;

import org.lrml.nn.AvgPool2d;
import org.lrml.nn.BatchNorm2d;
import org.lrml.nn.Conv2d;
import org.lrml.nn.MaxPool2d;
import org.lrml.nn.Module;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * The benchmark CNN: conv 1->32 3x3 pad 1, BN, ReLU, max-pool 2; conv 32->64, BN, ReLU, max-pool 2;
 * conv 64->128, BN, ReLU; global average pool; loss = sum. PyTorch's twin is in bench/peer_cpu.py.
 */
final class CnnStep {
    private final Conv2d conv1;
    private final Conv2d conv2;
    private final Conv2d conv3;
    private final BatchNorm2d bn1 = new BatchNorm2d(32);
    private final BatchNorm2d bn2 = new BatchNorm2d(64);
    private final BatchNorm2d bn3 = new BatchNorm2d(128);
    private final MaxPool2d pool = new MaxPool2d(2);
    private final AvgPool2d global = new AvgPool2d(7);
    private final Module[] layers;

    CnnStep(Rng rng) {
        conv1 = new Conv2d(1, 32, 3, 1, 1, rng);
        conv2 = new Conv2d(32, 64, 3, 1, 1, rng);
        conv3 = new Conv2d(64, 128, 3, 1, 1, rng);
        layers = new Module[]{conv1, conv2, conv3, bn1, bn2, bn3};
    }

    Tensor forward(Tensor x) {
        Tensor h = pool.forward(bn1.forward(conv1.forward(x)).relu());
        h = pool.forward(bn2.forward(conv2.forward(h)).relu());
        h = bn3.forward(conv3.forward(h)).relu();
        return global.forward(h);
    }

    /** Clears the gradients, runs forward and backward of sum(forward(x)), and returns the loss. */
    double step(Tensor x) {
        for (Module m : layers) {
            m.zeroGrad();
        }
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor loss = forward(x).sum();
            loss.backward();
            return loss.item();
        }
    }
}
