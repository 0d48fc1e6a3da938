package org.lrml.nn;

import java.util.ArrayList;
import java.util.List;

import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * VGG16's convolutional part (Simonyan and Zisserman 2015) as torchvision's {@code vgg16().features} less its
 * last max pool, which is how cirtorch uses it: thirteen 3x3 convolutions (padding 1, with bias) each followed
 * by ReLU, 2x2 max pools after the 2nd, 4th, 7th and 10th. Children are numbered as torchvision numbers them
 * (convolutions at 0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28; pools at 4, 9, 16, 23), so the parameter
 * names are {@code 0.weight} ... {@code 28.bias}, and {@code features.N.*} inside a {@link LandmarkNet} like
 * torchvision's and cirtorch's own keys. Input (N, 3, H, W), output (N, 512, H/16, W/16). Weights start as
 * torchvision initialises them (Kaiming normal with fan out, zero bias).
 */
public final class Vgg16 extends Trunk {
    /** Output channels per conv, 0 for a max pool (torchvision's configuration "D"). */
    private static final int[] CONFIG = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512};

    private final List<Module> layers = new ArrayList<>();
    /** Indices of the layers after which {@link #stages} reports the map. */
    private final List<Integer> stageEnds = new ArrayList<>();

    /** With torchvision's initialisation. */
    public Vgg16(Rng rng) {
        this(rng, true);
    }

    /** torchvisionInit false skips torchvision's weight draw, for a network whose weights are about to be loaded. */
    public Vgg16(Rng rng, boolean torchvisionInit) {
        int in = 3;
        int index = 0;
        for (int width : CONFIG) {
            if (width == 0) {
                add(index++, new MaxPool2d(2));
                stageEnds.add(index - 1);
                continue;
            }
            Conv2d conv = new Conv2d(in, width, 3, 1, 1, rng.fork(index));
            if (torchvisionInit) {
                ResNetLayers.kaiming(conv, rng.fork(1000 + index));
                Tensor bias = conv.namedParameters().get("bias");
                bias.copyFrom(Tensor.zeros(bias.backend(), bias.dtype(), bias.shape()));
            }
            add(index++, conv);
            add(index++, new Relu());
            in = width;
        }
        stageEnds.add(index - 1);
    }

    private void add(int index, Module m) {
        registerModule(String.valueOf(index), m);
        layers.add(m);
    }

    @Override
    public int outChannels() {
        return 512;
    }

    @Override
    public Tensor forward(Tensor x) {
        List<Tensor> s = stages(x);
        return s.get(s.size() - 1);
    }

    /** The maps after the four max pools, then the last ReLU's (features.29). */
    @Override
    public List<Tensor> stages(Tensor x) {
        if (x.rank() != 4 || x.size(1) != 3) {
            throw new IllegalArgumentException("VGG16: input must be (N, 3, H, W), got " + Shape.str(x.shape()));
        }
        List<Tensor> out = new ArrayList<>();
        Tensor h = x;
        for (int i = 0; i < layers.size(); i++) {
            h = InferenceSteps.run(layers.get(i), h);
            if (stageEnds.contains(i)) {
                out.add(h);
            }
        }
        return out;
    }
}
