package org.lrml.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.lrml.autograd.NoGrad;
import org.lrml.nn.LandmarkNet;
import org.lrml.nn.Module;
import org.lrml.nn.RetrievalNet;
import org.lrml.onnx.export.OnnxExport;
import org.lrml.onnx.load.OnnxImporter;
import org.lrml.onnx.proto.OnnxProto.AttributeProto;
import org.lrml.onnx.proto.OnnxProto.GraphProto;
import org.lrml.onnx.proto.OnnxProto.ModelProto;
import org.lrml.onnx.proto.OnnxProto.NodeProto;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.Agreement;
import org.lrml.testutil.TorchFixtures;
import org.lrml.util.Rng;

/**
 * ONNX -> engine gives what ONNX Runtime gives on the same file (issue 16: within 1e-4): torchvision's ResNet-18,
 * ResNet-50 and VGG16 trunks with GeM and F.normalize as {@code torch.onnx.export} writes them (batch norms folded
 * into the convolutions, F.normalize's Shape - Expand), the whole ResNet-18 classifier (global average pool,
 * flatten, Gemm), and the engine's own exports (batch norm, max pool, Gemm, opset 18's reduction axes as inputs).
 * The PyTorch files come from src/test/resources/onnx/make_onnx_fixtures.py (skipped without python3 and torch).
 */
class ImportRuntimeTest {
    private static final Path SCRIPT = Path.of("src/test/resources/onnx/make_onnx_fixtures.py");
    private static final double BOUND = 1e-4;

    private static float[] images(int n, int c, int h, int w, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[n * c * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }

    private static float[] run(Module net, float[] x, int... shape) {
        try (NoGrad ng = NoGrad.enter()) {
            Tensor y = net.forward(Tensor.of(x, shape));
            return y.toFloatArray();
        }
    }

    /** The imported network and ONNX Runtime on the same images, at each given input shape. */
    private static void agree(String what, byte[] file, int[]... shapes) throws Exception {
        Module net = OnnxImporter.read(ModelProto.parseFrom(file)).network();
        long seed = 1;
        for (int[] shape : shapes) {
            float[] x = images(shape[0], shape[1], shape[2], shape[3], seed++);
            Ort.Output ort = Ort.run(file, x, shape);
            float[] ours = run(net, x, shape);
            Agreement.check(what + " " + java.util.Arrays.toString(shape), ort.intShape(), ort.values(),
                    ort.intShape(), ours, BOUND);
        }
    }

    private static byte[] torchFile(String arch, String file) throws Exception {
        return Files.readAllBytes(TorchFixtures.get(SCRIPT, "onnx-" + arch, arch).resolve(file));
    }

    @Test
    void torchResnet18Gem() throws Exception {
        agree("torch resnet18 gem", torchFile("resnet18", "resnet18-gem.onnx"), new int[]{2, 3, 64, 64},
                new int[]{3, 3, 48, 80});
    }

    @Test
    void torchResnet50Gem() throws Exception {
        agree("torch resnet50 gem", torchFile("resnet50", "resnet50-gem.onnx"), new int[]{2, 3, 64, 64});
    }

    @Test
    void torchVgg16Gem() throws Exception {
        agree("torch vgg16 gem", torchFile("vgg16", "vgg16-gem.onnx"), new int[]{2, 3, 64, 64});
    }

    /** Opset 9, as older exporters write by default: Clip's bounds as attributes, the classifier's Flatten - Gemm. */
    @Test
    void torchResnet18Opset9() throws Exception {
        Path dir = TorchFixtures.get(SCRIPT, "onnx-resnet18-opset9", "resnet18", "--opset", "9");
        agree("torch resnet18 gem opset 9", Files.readAllBytes(dir.resolve("resnet18-gem.onnx")),
                new int[]{2, 3, 64, 64});
        agree("torch resnet18 classifier opset 9", Files.readAllBytes(dir.resolve("resnet18-classifier.onnx")),
                new int[]{2, 3, 64, 64});
    }

    @Test
    void torchResnet18Classifier() throws Exception {
        agree("torch resnet18 classifier", torchFile("resnet18", "resnet18-classifier.onnx"),
                new int[]{2, 3, 64, 64});
    }

    @Test
    void engineFashionExport() throws Exception {
        RetrievalNet net = RealisticWeights.batchNorms(new RetrievalNet(RetrievalNet.Config.fashionMnist(),
                new Rng(1)), 2);
        agree("engine fashion", OnnxExport.export(net, OnnxExport.Options.of(true, null)).toByteArray(),
                new int[]{2, 1, 28, 28}, new int[]{1, 1, 28, 28});
    }

    @Test
    void engineLandmarkExportOpset18() throws Exception {
        LandmarkNet net = RealisticWeights.batchNorms(new LandmarkNet(LandmarkNet.Spec.of(LandmarkNet.Arch.RESNET18,
                LandmarkNet.Pooling.GEM, 2.7).withWhitening(64), new Rng(3)), 4);
        agree("engine resnet18 gem whitening opset 18", OnnxExport.export(net,
                new OnnxExport.Options(18, true, 1, null)).toByteArray(), new int[]{2, 3, 48, 48});
    }

    private static ModelProto fashionWith(UnaryOperator<NodeProto> change) {
        ModelProto m = OnnxExport.export(new RetrievalNet(RetrievalNet.Config.fashionMnist(), new Rng(1)),
                OnnxExport.Options.of(true, null));
        GraphProto.Builder g = m.getGraph().toBuilder();
        g.setNode(0, change.apply(g.getNode(0)));
        return m.toBuilder().setGraph(g).build();
    }

    private static String refusal(ModelProto m) {
        return assertThrows(IllegalArgumentException.class, () -> OnnxImporter.read(m)).getMessage();
    }

    /** Unsupported ops, attributes and attribute values end in one line naming the node, the op and the attribute. */
    @Test
    void unsupportedNodesAreNamed() {
        String op = refusal(fashionWith(n -> n.toBuilder().setOpType("ConvInteger").build()));
        assertTrue(op.startsWith("node 'features.conv1/Conv' (ConvInteger): the op ConvInteger is not supported"), op);
        String attr = refusal(fashionWith(n -> n.toBuilder().addAttribute(AttributeProto.newBuilder()
                .setName("auto_pad").setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8("SAME_UPPER"))).build()));
        assertEquals("node 'features.conv1/Conv' (Conv): attribute 'auto_pad' = SAME_UPPER is not supported (only"
                + " NOTSET and VALID (explicit symmetric pads))", attr);
        String unknown = refusal(fashionWith(n -> n.toBuilder().addAttribute(AttributeProto.newBuilder()
                .setName("fancy").setType(AttributeProto.AttributeType.INT).setI(1)).build()));
        assertTrue(unknown.startsWith("node 'features.conv1/Conv' (Conv): attribute 'fancy' is not supported"),
                unknown);
        for (String m : new String[]{op, attr, unknown}) {
            assertTrue(!m.contains("\n"), m);
        }
    }
}
