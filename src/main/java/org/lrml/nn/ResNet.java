package org.lrml.nn;

import java.util.ArrayList;
import java.util.List;

import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * The ResNet trunks of torchvision (He et al. 2016; torchvision's v1.5, whose bottleneck strides its 3x3
 * convolution) without the classifier: the stem conv1 (7x7, stride 2, padding 3, no bias), bn1, ReLU and a
 * 3x3 max pool (stride 2, padding 1), then layer1..layer4 of blocks, the first block of layer2..layer4 with
 * stride 2. Input (N, 3, H, W), output (N, 512 e, ~H/32, ~W/32) with e = 1 for basic blocks, 4 for
 * bottlenecks. Parameter and buffer names are torchvision's ({@code conv1.weight},
 * {@code layer3.5.bn2.running_var}, {@code layer2.0.downsample.0.weight}, ...), so a torchvision state dict
 * loads as it is once its {@code fc.*} entries are dropped. Weights start as torchvision initialises them
 * (convolutions Kaiming normal with fan out; batch norm 1 and 0).
 */
public final class ResNet extends Trunk {

    /** The five depths torchvision defines: block type and blocks per layer. */
    public enum Depth {
        R18(false, 2, 2, 2, 2), R34(false, 3, 4, 6, 3), R50(true, 3, 4, 6, 3), R101(true, 3, 4, 23, 3),
        R152(true, 3, 8, 36, 3);

        final boolean bottleneck;
        final int[] blocks;

        Depth(boolean bottleneck, int... blocks) {
            this.bottleneck = bottleneck;
            this.blocks = blocks;
        }

        public int expansion() {
            return bottleneck ? Bottleneck.EXPANSION : BasicBlock.EXPANSION;
        }
    }

    private final Depth depth;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final MaxPool2d maxpool = new MaxPool2d(3, 2, 1);
    private final List<Sequential> layers = new ArrayList<>();

    /** With torchvision's initialisation. */
    public ResNet(Depth depth, Rng rng) {
        this(depth, rng, true);
    }

    /** torchvisionInit false skips torchvision's weight draw, for a network whose weights are about to be loaded. */
    public ResNet(Depth depth, Rng rng, boolean torchvisionInit) {
        this.depth = depth;
        conv1 = registerModule("conv1", new Conv2d(3, 64, new int[]{7, 7}, new int[]{2, 2}, new int[]{3, 3},
                new int[]{1, 1}, 1, false, rng.fork(1)));
        if (torchvisionInit) {
            ResNetLayers.kaiming(conv1, rng.fork(2));
        }
        bn1 = registerModule("bn1", new BatchNorm2d(64));
        int inPlanes = 64;
        for (int l = 0; l < 4; l++) {
            int planes = 64 << l;
            Sequential layer = new Sequential();
            for (int b = 0; b < depth.blocks[l]; b++) {
                int stride = l > 0 && b == 0 ? 2 : 1;
                Rng r = rng.fork(100L * (l + 1) + b);
                layer.add(String.valueOf(b), depth.bottleneck ? new Bottleneck(inPlanes, planes, stride, r, torchvisionInit)
                        : new BasicBlock(inPlanes, planes, stride, r, torchvisionInit));
                inPlanes = planes * depth.expansion();
            }
            layers.add(registerModule("layer" + (l + 1), layer));
        }
    }

    /** The stem's max pool (3x3, stride 2, padding 1), which is not a registered child: it has no state. */
    public MaxPool2d stemPool() {
        return maxpool;
    }

    public Depth depth() {
        return depth;
    }

    @Override
    public int outChannels() {
        return 512 * depth.expansion();
    }

    @Override
    public Tensor forward(Tensor x) {
        List<Tensor> s = stages(x);
        return s.get(s.size() - 1);
    }

    /** The stem's output (after the max pool), then layer1..layer4's. */
    @Override
    public List<Tensor> stages(Tensor x) {
        if (x.rank() != 4 || x.size(1) != 3) {
            throw new IllegalArgumentException("ResNet: input must be (N, 3, H, W), got " + Shape.str(x.shape()));
        }
        List<Tensor> out = new ArrayList<>();
        Tensor h = maxpool.forward(bn1.forwardRelu(conv1.forward(x)));
        out.add(h);
        for (Sequential layer : layers) {
            for (Module block : layer.children().values()) {
                h = InferenceSteps.run(block, h);
            }
            out.add(h);
        }
        return out;
    }
}
