package org.lrml.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.lrml.autograd.NoGrad;
import org.lrml.nn.LandmarkNet;
import org.lrml.nn.Module;
import org.lrml.nn.RetrievalNet;
import org.lrml.onnx.export.OnnxExport;
import org.lrml.onnx.proto.OnnxProto.ModelProto;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.Agreement;
import org.lrml.util.Rng;

/**
 * Engine -> ONNX -> ONNX Runtime gives the engine's descriptors (issue 16: within 1e-5 relative) for the
 * Fashion-MNIST network and the landmark networks (ResNet-18/50 and VGG16 trunks with GeM; ResNet-18 with MAC,
 * SPoC, R-MAC and the whitening layer), with a fixed batch of 2 and a symbolic one run at batch 3. Inputs are
 * small (64 x 64, the other heads 32 x 48) to keep the suite fast; every layer is fully convolutional, so the size changes nothing in the
 * graph.
 */
class ExportRuntimeTest {
    private static final double BOUND = 1e-5;

    private static float[] images(int n, int c, int h, int w, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[n * c * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }

    private static float[] engine(Module net, float[] x, int... shape) {
        net.train(false);
        try (NoGrad ng = NoGrad.enter()) {
            return net.forward(Tensor.of(x, shape)).toFloatArray();
        }
    }

    /** Fixed batch 2, then the dynamic export at batch 3, each against the engine on the same images. */
    private static void agree(String what, Module net, java.util.function.Function<OnnxExport.Options, ModelProto> export,
                              int c, int h, int w, int[] fixedSize, int opset) throws Exception {
        byte[] fixed = export.apply(new OnnxExport.Options(opset, false, 2, fixedSize)).toByteArray();
        byte[] dynamic = export.apply(new OnnxExport.Options(opset, true, 1, fixedSize)).toByteArray();
        for (int n : new int[]{2, 3}) {
            float[] x = images(n, c, h, w, 7 + n);
            float[] ours = engine(net, x, n, c, h, w);
            Ort.Output ort = Ort.run(n == 2 ? fixed : dynamic, x, n, c, h, w);
            int dim = ours.length / n;
            Agreement.check(what + (n == 2 ? " fixed batch 2" : " dynamic batch " + n), new int[]{n, dim}, ours,
                    ort.intShape(), ort.values(), BOUND);
        }
    }

    @Test
    void fashionNetwork() throws Exception {
        RetrievalNet net = RealisticWeights.batchNorms(new RetrievalNet(RetrievalNet.Config.fashionMnist(),
                new Rng(1)), 2);
        agree("fashion", net, o -> OnnxExport.export(net, o), 1, 28, 28, null, OnnxExport.DEFAULT_OPSET);
    }

    private static LandmarkNet landmark(LandmarkNet.Arch arch, LandmarkNet.Pooling pooling, int whitening, long seed) {
        LandmarkNet.Spec spec = LandmarkNet.Spec.of(arch, pooling, 2.7);
        return RealisticWeights.batchNorms(new LandmarkNet(whitening > 0 ? spec.withWhitening(whitening) : spec,
                new Rng(seed)), seed + 1);
    }

    @Test
    void resnet18Gem() throws Exception {
        LandmarkNet net = landmark(LandmarkNet.Arch.RESNET18, LandmarkNet.Pooling.GEM, 0, 3);
        agree("resnet18 gem", net, o -> OnnxExport.export(net, o), 3, 64, 64, null, OnnxExport.DEFAULT_OPSET);
    }

    @Test
    void resnet50Gem() throws Exception {
        LandmarkNet net = landmark(LandmarkNet.Arch.RESNET50, LandmarkNet.Pooling.GEM, 0, 5);
        agree("resnet50 gem", net, o -> OnnxExport.export(net, o), 3, 64, 64, null, OnnxExport.DEFAULT_OPSET);
    }

    @Test
    void vgg16Gem() throws Exception {
        LandmarkNet net = landmark(LandmarkNet.Arch.VGG16, LandmarkNet.Pooling.GEM, 0, 7);
        agree("vgg16 gem", net, o -> OnnxExport.export(net, o), 3, 64, 64, null, OnnxExport.DEFAULT_OPSET);
    }

    /** The other poolings and the whitening layer, and opset 18, where the reductions take their axes as an input. */
    @Test
    void resnet18OtherHeadsAndOpset18() throws Exception {
        for (LandmarkNet.Pooling p : new LandmarkNet.Pooling[]{LandmarkNet.Pooling.MAC, LandmarkNet.Pooling.SPOC}) {
            LandmarkNet net = landmark(LandmarkNet.Arch.RESNET18, p, 0, 11);
            agree("resnet18 " + p.cliName(), net, o -> OnnxExport.export(net, o), 3, 32, 48, null, 18);
        }
        LandmarkNet white = landmark(LandmarkNet.Arch.RESNET18, LandmarkNet.Pooling.GEM, 128, 13);
        agree("resnet18 gem + whitening", white, o -> OnnxExport.export(white, o), 3, 32, 48, null, 17);
        LandmarkNet rmac = landmark(LandmarkNet.Arch.RESNET18, LandmarkNet.Pooling.RMAC, 64, 17);
        agree("resnet18 rmac + whitening", rmac, o -> OnnxExport.export(rmac, o), 3, 96, 64, new int[]{96, 64}, 17);
    }

    @Test
    void rmacNeedsAFixedSize() {
        LandmarkNet net = landmark(LandmarkNet.Arch.RESNET18, LandmarkNet.Pooling.RMAC, 0, 19);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExport.export(net, OnnxExport.Options.of(true, null)));
        assertTrue(e.getMessage().contains("--input-size"), e.getMessage());
    }

    /** What a consumer reads: input and output names and dimensions, opset, metadata. */
    @Test
    void modelDescribesItsInputAndOutput() {
        RetrievalNet net = new RetrievalNet(RetrievalNet.Config.fashionMnist(), new Rng(1));
        ModelProto m = OnnxExport.export(net, OnnxExport.Options.of(true, null));
        assertEquals("images", m.getGraph().getInput(0).getName());
        assertEquals("descriptors", m.getGraph().getOutput(0).getName());
        assertEquals("N", m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals(17, m.getOpsetImport(0).getVersion());
        assertArrayEquals(new String[]{"lrml.model", "lrml.input"}, m.getMetadataPropsList().stream()
                .map(e -> e.getKey()).toArray(String[]::new));
        assertTrue(m.getMetadataProps(0).getValue().contains("\"type\":\"fashion\""));
        assertTrue(Arrays.asList(m.getGraph().getInitializerList().stream().map(t -> t.getName()).toArray())
                .contains("features.conv1.weight"));
    }
}
