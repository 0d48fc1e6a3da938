package org.lrml.nn;

import org.lrml.util.Rng;

/** The convolutions ResNet blocks are made of, initialised as torchvision does (Kaiming normal, fan out, ReLU). */
final class ResNetLayers {
    private ResNetLayers() {
    }

    /** k x k convolution without bias, padding k / 2 (so 3x3 keeps the size at stride 1). */
    static Conv2d conv(int in, int out, int k, int stride, Rng rng) {
        Conv2d c = new Conv2d(in, out, new int[]{k, k}, new int[]{stride, stride}, new int[]{k / 2, k / 2},
                new int[]{1, 1}, 1, false, rng);
        Init.kaimingNormal(c.namedParameters().get("weight"), rng.fork(7), 0, Init.FanMode.FAN_OUT,
                Init.Nonlinearity.RELU);
        return c;
    }

    /** The shortcut's projection: 1x1 convolution with stride, then batch norm ("0" and "1" as torchvision). */
    static Sequential downsample(int in, int out, int stride, Rng rng) {
        return new Sequential(conv(in, out, 1, stride, rng), new BatchNorm2d(out));
    }
}
