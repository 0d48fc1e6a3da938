package org.lrml.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.lrml.nn.LandmarkNet;
import org.lrml.nn.RetrievalNet;
import org.lrml.onnx.OnnxFiles;
import org.lrml.onnx.export.OnnxExport;
import org.lrml.onnx.proto.OnnxProto.ModelProto;
import org.lrml.train.Checkpoint;
import org.lrml.train.NetExtractor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrml export}: an engine checkpoint as a standard ONNX model for any runtime. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write the network of a checkpoint as an ONNX model (input 'images' N x C x H x W float32, output",
                "'descriptors' N x D unit rows, inference mode) that ONNX Runtime, TensorRT or OpenVINO run without lrml.",
                "The Fashion-MNIST network and every landmark network (ResNet-18..152 or VGG16 trunk, GeM, MAC, SPoC or",
                "R-MAC pooling, L2, optional whitening and L2) export; GeM as Clip - Pow - ReduceMean - Pow with the",
                "learned p, L2 as ReduceL2 - Clip - Div (the engine's max(norm, eps)). H and W are symbolic unless",
                "--input-size fixes them (R-MAC needs that: its regions depend on the map size). The model's metadata",
                "says how to prepare images (lrml.input) and describes the network (lrml.model)."},
        footer = {"", "Examples:",
                "  lrml export --checkpoint r101-gem.ckpt --onnx r101-gem.onnx --dynamic-batch",
                "  lrml export --checkpoint runs/x/checkpoints/epoch-010.ckpt --onnx fashion.onnx --opset 18 --batch 32"})
final class ExportCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "C.ckpt",
            description = "Engine checkpoint (a run's checkpoints/epoch-NNN.ckpt, or lrml import --torch's output).")
    Path checkpoint;

    @Option(names = "--onnx", required = true, paramLabel = "FILE.onnx", description = "ONNX model to write.")
    Path onnx;

    @Option(names = "--opset", paramLabel = "N", description = "ONNX opset, " + OnnxExport.MIN_OPSET + " to "
            + OnnxExport.MAX_OPSET + " (default: ${DEFAULT-VALUE}; from 18 the reductions take their axes as an input).")
    int opset = OnnxExport.DEFAULT_OPSET;

    @Option(names = "--dynamic-batch", description = "A symbolic batch size N instead of --batch.")
    boolean dynamicBatch;

    @Option(names = "--batch", paramLabel = "N", description = "The fixed batch size (default: ${DEFAULT-VALUE}).")
    int batch = 1;

    @Option(names = "--input-size", paramLabel = "HxW",
            description = "Fix the image height and width (default: symbolic; the Fashion-MNIST network: 28x28).")
    String inputSize;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(checkpoint)) {
            throw new UserError("--checkpoint " + checkpoint + ": no such file");
        }
        OnnxExport.Options options;
        try {
            options = new OnnxExport.Options(opset, dynamicBatch, batch, size(inputSize));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        Checkpoint c = Checkpoint.read(checkpoint);
        ModelProto model;
        String what;
        if (LandmarkCheckpoints.landmarkModel(c) != null) {
            LandmarkNet net = LandmarkCheckpoints.network(c, checkpoint);
            model = OnnxExport.export(net, options);
            what = net.spec().toString();
        } else if (OnnxCheckpoints.isGraph(c)) {
            throw new UserError(checkpoint + " holds an imported ONNX graph: use the .onnx file it was imported from");
        } else {
            RetrievalNet net = NetExtractor.load(checkpoint, "cpu", 28).net();
            model = OnnxExport.export(net, options);
            what = net.config().toString();
        }
        OnnxFiles.write(onnx, model);
        System.out.println("exported " + what + ": opset " + opset + ", batch " + (dynamicBatch ? "N (dynamic)"
                : String.valueOf(batch)) + ", " + model.getGraph().getNodeCount() + " nodes, "
                + model.getGraph().getInitializerCount() + " initializers");
        System.out.println("wrote " + onnx);
        return 0;
    }

    /** "HxW" to {H, W}, or null. */
    static int[] size(String text) {
        if (text == null) {
            return null;
        }
        String[] p = text.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                return new int[]{Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip())};
            }
        } catch (NumberFormatException e) {
            // the error below
        }
        throw new UserError("--input-size: expected HEIGHTxWIDTH such as 224x224, got '" + text + "'");
    }
}
