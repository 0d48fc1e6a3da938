package org.lrml.nn;

import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * ResNet's basic block (ResNet-18/34), torchvision names: conv1 (3x3, stride s), bn1, conv2 (3x3), bn2 and,
 * when the shape changes, downsample.0 (1x1 conv, stride s) and downsample.1 (batch norm):
 * <pre>
 *   y = relu( bn2(conv2( relu(bn1(conv1 x)) )) + (downsample ? downsample(x) : x) )
 * </pre>
 */
public final class BasicBlock extends Module {
    public static final int EXPANSION = 1;

    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final Sequential downsample;

    /** torchvisionInit: draw the weights as torchvision does (false: they are about to be loaded). */
    public BasicBlock(int inPlanes, int planes, int stride, Rng rng, boolean torchvisionInit) {
        conv1 = registerModule("conv1", ResNetLayers.conv(inPlanes, planes, 3, stride, rng.fork(1), torchvisionInit));
        bn1 = registerModule("bn1", new BatchNorm2d(planes));
        conv2 = registerModule("conv2", ResNetLayers.conv(planes, planes, 3, 1, rng.fork(2), torchvisionInit));
        bn2 = registerModule("bn2", new BatchNorm2d(planes));
        downsample = stride != 1 || inPlanes != planes * EXPANSION
                ? registerModule("downsample", ResNetLayers.downsample(inPlanes, planes * EXPANSION, stride, rng.fork(3), torchvisionInit))
                : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = bn1.forwardRelu(conv1.forward(x));
        h = bn2.forward(conv2.forward(h));
        Tensor identity = downsample == null ? x : downsample.forward(x);
        return h.add(identity).relu();
    }
}
