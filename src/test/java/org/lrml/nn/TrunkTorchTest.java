package org.lrml.nn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.lrml.autograd.NoGrad;
import org.lrml.backend.Backends;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.io.TorchCheckpoint;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.Agreement;
import org.lrml.testutil.TorchFixtures;

/**
 * The trunks against torchvision itself: the fixture script builds each torchvision model with random weights and
 * realistic batch-norm statistics, saves its state dict with torch.save and its outputs for fixed images; the
 * engine imports the file and must agree to 1e-4 (relative, float32) on every stage's feature map and on the
 * pooled, normalised descriptors.
 */
class TrunkTorchTest {
    static final double BOUND = 1e-4;

    static LandmarkNet imported(Path dir, String arch, LandmarkNet.Pooling pooling, String file) throws IOException {
        LandmarkNet.Arch a = LandmarkNet.Arch.parse(arch);
        Object root = TorchCheckpoint.read(dir.resolve(file));
        TorchWeights.Found found = TorchWeights.find(root, a, file);
        LandmarkNet net = LandmarkNet.forLoading(new LandmarkNet.Spec(a, pooling, 3.0, found.whiteningDim(),
                LandmarkNet.Spec.IMAGENET_MEAN, LandmarkNet.Spec.IMAGENET_STD));
        TorchWeights.load(net, found, file);
        net.train(false);
        return net;
    }

    static Tensor load(Path dir, String name) throws IOException {
        NpyArray a = Npy.read(dir.resolve(name + ".npy"));
        return Tensor.of(Backends.cpu(), a.toFloats(), a.shape());
    }

    static void checkTrunk(String arch, String size) throws Exception {
        Path dir = TorchFixtures.get(arch + "-" + size, "trunk", arch, "--size", size);
        LandmarkNet net = imported(dir, arch, LandmarkNet.Pooling.GEM, arch + ".pth");
        Tensor x = load(dir, "x");
        try (NoGrad ng = NoGrad.enter()) {
            List<Tensor> stages = net.trunk().stages(x);
            for (int i = 0; i < stages.size(); i++) {
                Tensor ref = load(dir, "stage" + i);
                Agreement.check(arch + " " + size + " stage " + i, ref.shape(), ref.toFloatArray(), stages.get(i).shape(),
                        stages.get(i).toFloatArray(), BOUND);
            }
            Tensor last = stages.get(stages.size() - 1);
            Tensor gem = net.head(last);
            Tensor ref = load(dir, "gem");
            Agreement.check(arch + " " + size + " network head (GeM + L2)", ref.shape(), ref.toFloatArray(), gem.shape(),
                    gem.toFloatArray(), BOUND);
            for (LandmarkNet.Pooling p : LandmarkNet.Pooling.values()) {
                Module pool = switch (p) {
                    case GEM -> new Gem();
                    case MAC -> new Mac();
                    case SPOC -> new Spoc();
                    case RMAC -> new Rmac();
                };
                Tensor d = org.lrml.ops.L2Normalize.apply(pool.forward(last));
                Tensor pooledRef = load(dir, p.cliName());
                Agreement.check(arch + " " + size + " " + p.cliName() + " + L2", pooledRef.shape(), pooledRef.toFloatArray(),
                        d.shape(), d.toFloatArray(), BOUND);
            }
        }
    }

    @Test
    void resnet18() throws Exception {
        checkTrunk("resnet18", "64x80");
    }

    @Test
    void resnet50() throws Exception {
        checkTrunk("resnet50", "64x80");
    }

    @Test
    void resnet101() throws Exception {
        checkTrunk("resnet101", "64x80");
    }

    @Test
    void vgg16() throws Exception {
        checkTrunk("vgg16", "64x80");
    }
}
