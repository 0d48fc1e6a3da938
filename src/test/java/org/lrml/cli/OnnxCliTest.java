package org.lrml.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.autograd.NoGrad;
import org.lrml.io.Npy;
import org.lrml.nn.LandmarkNet;
import org.lrml.nn.Module;
import org.lrml.nn.RetrievalNet;
import org.lrml.onnx.Ort;
import org.lrml.onnx.RealisticWeights;
import org.lrml.onnx.export.OnnxExport;
import org.lrml.onnx.proto.OnnxProto.GraphProto;
import org.lrml.onnx.proto.OnnxProto.ModelProto;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.Agreement;
import org.lrml.train.Checkpoint;
import org.lrml.train.NetExtractor;
import org.lrml.train.TrainConfig;
import org.lrml.util.Rng;

/**
 * lrml export and lrml import --onnx as a user runs them: a checkpoint exported, run by ONNX Runtime, imported back
 * and used by lrml extract gives the descriptors the checkpoint gives; bad options and unsupported graphs end in
 * one error line.
 */
class OnnxCliTest {
    private static final Path IMAGES = Path.of("src/test/resources/landmark/images");

    private static float[] images(int n, int c, int h, int w) {
        Rng rng = new Rng(5);
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

    @Test
    void landmarkCheckpointRoundTripsThroughOnnx(@TempDir Path dir) throws Exception {
        LandmarkNet.Spec spec = LandmarkNet.Spec.of(LandmarkNet.Arch.RESNET18, LandmarkNet.Pooling.GEM, 2.5)
                .withWhitening(32);
        LandmarkNet net = RealisticWeights.batchNorms(new LandmarkNet(spec, new Rng(3)), 4);
        Path ckpt = dir.resolve("r18.ckpt");
        Checkpoint.of(LandmarkCheckpoints.meta(spec, Map.of("test", "onnx")), net.stateDict(), Map.of()).write(ckpt);
        Path onnx = dir.resolve("r18.onnx");
        String out = CliTest.run(0, "export", "--checkpoint", ckpt.toString(), "--onnx", onnx.toString(),
                "--dynamic-batch")[0];
        assertTrue(out.contains("opset 17, batch N (dynamic)") && out.contains("wrote " + onnx), out);
        float[] x = images(2, 3, 64, 64);
        Ort.Output ort = Ort.run(Files.readAllBytes(onnx), x, 2, 3, 64, 64);
        Agreement.check("lrml export resnet18", new int[]{2, 32}, engine(net, x, 2, 3, 64, 64), ort.intShape(),
                ort.values(), 1e-5);

        Path imported = dir.resolve("imported.ckpt");
        String in = CliTest.run(0, "import", "--onnx", onnx.toString(), "--out", imported.toString())[0];
        assertTrue(in.contains("input 'images' [N, 3, H, W], output 'descriptors'"), in);
        Path fromOnnx = dir.resolve("onnx.npy");
        Path fromCkpt = dir.resolve("ckpt.npy");
        CliTest.run(0, "extract", "--checkpoint", imported.toString(), "--images", IMAGES.toString(), "--image-size",
                "48", "--out", fromOnnx.toString());
        CliTest.run(0, "extract", "--checkpoint", ckpt.toString(), "--images", IMAGES.toString(), "--image-size",
                "48", "--out", fromCkpt.toString());
        float[] a = Npy.read(fromCkpt).toFloats();
        float[] b = Npy.read(fromOnnx).toFloats();
        Agreement.check("extract: imported graph vs checkpoint", Npy.read(fromCkpt).shape(), a,
                Npy.read(fromOnnx).shape(), b, 1e-5);
    }

    /** A small Fashion-MNIST network's checkpoint as the trainer writes one, batch norms with statistics. */
    private static Path fashionCheckpoint(Path dir) throws IOException {
        TrainConfig cfg = TrainConfig.builder().backend("cpu")
                .net(new RetrievalNet.Config(1, new int[]{4, 6, 8}, 8, RetrievalNet.Pooling.GEM, 3.0)).build();
        RetrievalNet trained = RealisticWeights.batchNorms(new RetrievalNet(cfg.net(), new Rng(0).fork(0)), 6);
        Path ckpt = dir.resolve("fashion.ckpt");
        Checkpoint.of(Map.of("epoch", 1, "config", cfg.toMap()), trained.stateDict(), Map.of()).write(ckpt);
        return ckpt;
    }

    @Test
    void fashionCheckpointExportsWithAFixedBatch(@TempDir Path dir) throws Exception {
        Path ckpt = fashionCheckpoint(dir);
        Path onnx = dir.resolve("fashion.onnx");
        CliTest.run(0, "export", "--checkpoint", ckpt.toString(), "--onnx", onnx.toString(), "--batch", "2",
                "--opset", "18");
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(onnx));
        assertEquals(18, m.getOpsetImport(0).getVersion());
        assertEquals(2, m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimValue());
        float[] x = images(2, 1, 28, 28);
        Ort.Output ort = Ort.run(Files.readAllBytes(onnx), x, 2, 1, 28, 28);
        Agreement.check("lrml export fashion", new int[]{2, 8}, engine(NetExtractor.load(ckpt).net(), x, 2, 1, 28, 28),
                ort.intShape(), ort.values(), 1e-5);
    }

    @Test
    void badOptionsAndUnsupportedGraphsEndInOneLine(@TempDir Path dir) throws IOException {
        Path ckpt = fashionCheckpoint(dir);
        String opset = BadInputCliTest.error("export", "--checkpoint", ckpt.toString(), "--onnx",
                dir.resolve("m.onnx").toString(), "--opset", "9");
        assertTrue(opset.contains("opset 9 is not supported: lrml writes opsets 13 to 21"), opset);
        String size = BadInputCliTest.error("export", "--checkpoint", ckpt.toString(), "--onnx",
                dir.resolve("m.onnx").toString(), "--input-size", "64");
        assertTrue(size.contains("--input-size: expected HEIGHTxWIDTH"), size);
        String both = BadInputCliTest.error("import", "--onnx", "a.onnx", "--torch", "b.pth", "--out", "c.ckpt");
        assertTrue(both.contains("give one of --torch FILE.pth or --onnx FILE.onnx"), both);

        ModelProto m = OnnxExport.export(NetExtractor.load(ckpt).net(), OnnxExport.Options.of(true, null));
        GraphProto.Builder g = m.getGraph().toBuilder();
        g.setNode(3, g.getNode(3).toBuilder().setOpType("MaxRoiPool"));
        Path bad = dir.resolve("bad.onnx");
        Files.write(bad, m.toBuilder().setGraph(g).build().toByteArray());
        String op = BadInputCliTest.error("import", "--onnx", bad.toString(), "--out", dir.resolve("x.ckpt").toString());
        assertTrue(op.contains(bad + ": node 'features.pool1/MaxPool' (MaxRoiPool): the op MaxRoiPool is not"
                + " supported"), op);
        Path garbage = Files.writeString(dir.resolve("garbage.onnx"), "not a model");
        String notOnnx = BadInputCliTest.error("import", "--onnx", garbage.toString(), "--out",
                dir.resolve("y.ckpt").toString());
        assertTrue(notOnnx.contains("garbage.onnx: not an ONNX model"), notOnnx);
        assertTrue(!Files.exists(dir.resolve("x.ckpt")) && !Files.exists(dir.resolve("y.ckpt")));
    }

    @Test
    void helpListsExport() {
        String help = CliTest.run(0, "--help")[0];
        assertTrue(help.contains("export"), help);
        String importHelp = CliTest.run(0, "import", "--help")[0];
        assertTrue(importHelp.contains("--onnx"), importHelp);
    }
}
