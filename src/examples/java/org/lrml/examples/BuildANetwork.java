package org.lrml.examples;

import java.util.Arrays;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.nn.BatchNorm2d;
import org.lrml.nn.Conv2d;
import org.lrml.nn.Flatten;
import org.lrml.nn.L2Norm;
import org.lrml.nn.Linear;
import org.lrml.nn.MaxPool2d;
import org.lrml.nn.Relu;
import org.lrml.nn.Sequential;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * docs/library.md, example 1: a small embedding network from the engine's modules, run forward on a batch, on the
 * CPU (or {@code Backends.byName("cuda")} where a GPU is).
 */
public final class BuildANetwork {
    private BuildANetwork() {
    }

    /** The network: two conv blocks, a linear projection to {@code dim}, L2 normalisation. */
    public static Sequential network(int dim, Rng rng) {
        return new Sequential()
                .add("conv1", new Conv2d(1, 8, 3, 1, 1, rng))
                .add("bn1", new BatchNorm2d(8))
                .add("relu1", new Relu())
                .add("pool1", new MaxPool2d(2))
                .add("conv2", new Conv2d(8, 16, 3, 1, 1, rng))
                .add("relu2", new Relu())
                .add("pool2", new MaxPool2d(2))
                .add("flatten", new Flatten())
                .add("proj", new Linear(16 * 7 * 7, dim, true, rng))
                .add("norm", new L2Norm());
    }

    public static void main(String[] args) {
        Backend backend = Backends.cpu();
        Sequential net = network(32, new Rng(0));
        net.to(backend);
        Tensor images = Tensor.randn(backend, DType.F32, new Rng(1), 1.0, 4, 1, 28, 28);
        Tensor descriptors = net.call(images);
        System.out.println("parameters: " + net.parameterCount());
        System.out.println("descriptors: " + Arrays.toString(descriptors.shape()) + ", first row norm "
                + Math.sqrt(descriptors.mul(descriptors).sum(new int[]{1}, false).toDoubleArray()[0]));
    }
}
