package org.lrml.nn;

import java.util.List;

import org.lrml.tensor.Tensor;

/**
 * A convolutional trunk of a retrieval network: image batch (N, 3, H, W) to the last conv block's feature map
 * (N, {@link #outChannels()}, H', W'). Its parameter names are torchvision's, so a torchvision state dict
 * (less the classifier) loads one to one.
 */
public abstract class Trunk extends Module {

    /** Channels of the feature map that the global pooling reads. */
    public abstract int outChannels();

    /**
     * The feature maps after each stage (ResNet: the stem and layer1..layer4; VGG16: after each max pool and
     * the last conv block), the last one being {@link #forward}'s result; for tests against the reference.
     */
    public abstract List<Tensor> stages(Tensor x);

    /** Freezes (true) or releases every batch norm's running statistics (cirtorch fine-tunes them frozen). */
    public final Trunk freezeBatchNorm(boolean on) {
        freeze(this, on);
        return this;
    }

    private static void freeze(Module m, boolean on) {
        if (m instanceof BatchNorm2d bn) {
            bn.freeze(on);
        }
        for (Module c : m.children().values()) {
            freeze(c, on);
        }
    }
}
