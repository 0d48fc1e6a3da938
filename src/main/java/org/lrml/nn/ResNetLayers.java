package org.lrml.nn;

import org.lrml.util.Rng;

/**
 * The convolutions ResNet blocks are made of, initialised as torchvision does (Kaiming normal, fan out, ReLU), or,
 * for a network whose weights are about to be loaded, left at the convolution's default draw (the normal draw
 * costs about 1.5 s for ResNet-101's 44 M weights).
 */
final class ResNetLayers {
    private ResNetLayers() {
    }

    /** k x k convolution without bias, padding k / 2 (so 3x3 keeps the size at stride 1). */
    static Conv2d conv(int in, int out, int k, int stride, Rng rng, boolean torchvisionInit) {
        Conv2d c = new Conv2d(in, out, new int[]{k, k}, new int[]{stride, stride}, new int[]{k / 2, k / 2},
                new int[]{1, 1}, 1, false, rng);
        if (torchvisionInit) {
            kaiming(c, rng.fork(7));
        }
        return c;
    }

    /** torchvision's initialisation of a convolution's weight. */
    static void kaiming(Conv2d c, Rng rng) {
        Init.kaimingNormal(c.namedParameters().get("weight"), rng, 0, Init.FanMode.FAN_OUT, Init.Nonlinearity.RELU);
    }

    /** The shortcut's projection: 1x1 convolution with stride, then batch norm ("0" and "1" as torchvision). */
    static Sequential downsample(int in, int out, int stride, Rng rng, boolean torchvisionInit) {
        return new Sequential(conv(in, out, 1, stride, rng, torchvisionInit), new BatchNorm2d(out));
    }
}
