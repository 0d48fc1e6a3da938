package org.lrml.bench.compare;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.lrml.autograd.NoGrad;
import org.lrml.io.NpyArray;
import org.lrml.io.TorchCheckpoint;
import org.lrml.nn.LandmarkNet;
import org.lrml.nn.TorchWeights;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;

/**
 * Inference of a landmark network (torchvision trunk, GeM p = 3, L2) on the batch x: the weights come from the
 * torch.save file model.pth that bench/compare.py wrote, read by the engine's own importer, so the workload also
 * proves the import. Output: the descriptors (N x D).
 */
final class ResNetWorkload implements Workload {
    private final LandmarkNet net;
    private final Tensor x;
    private float[] descriptors;
    private int[] shape;

    ResNetWorkload(Inputs in, String arch) {
        LandmarkNet.Arch a = LandmarkNet.Arch.parse(arch);
        try {
            String file = in.path("model.pth").toString();
            TorchWeights.Found found = TorchWeights.find(TorchCheckpoint.read(in.path("model.pth")), a, file);
            net = LandmarkNet.forLoading(LandmarkNet.Spec.of(a, LandmarkNet.Pooling.GEM, 3.0));
            TorchWeights.load(net, found, file);
        } catch (IOException e) {
            throw new IllegalArgumentException("compare driver: " + e.getMessage(), e);
        }
        net.to(in.backend());
        net.train(false);
        x = in.tensor("x");
    }

    @Override
    public void run() {
        try (NoGrad ng = NoGrad.enter(); MemoryScope scope = MemoryScope.open()) {
            Tensor d = net.forward(x);
            descriptors = d.toFloatArray();
            shape = d.shape();
        }
    }

    @Override
    public Map<String, NpyArray> outputs() {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        out.put("descriptors", NpyArray.of(descriptors, shape));
        return out;
    }

    @Override
    public String describe() {
        return net.spec().arch().cliName() + " + GeM + L2 inference, " + x.size(0) + " x 3 x " + x.size(2) + " x "
                + x.size(3);
    }

    @Override
    public void close() {
    }
}
