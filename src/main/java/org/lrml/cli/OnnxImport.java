package org.lrml.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.lrml.data.FashionMnist;
import org.lrml.data.ImagePrep;
import org.lrml.data.Normalization;
import org.lrml.onnx.OnnxFiles;
import org.lrml.onnx.load.OnnxGraph;
import org.lrml.onnx.load.OnnxImporter;
import org.lrml.onnx.proto.OnnxProto.ModelProto;
import org.lrml.onnx.proto.OnnxProto.StringStringEntryProto;
import org.lrml.train.Checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code lrml import --onnx}: the model's graph in the engine's form, and how images are prepared for it: from the
 * file's own lrml metadata when 'lrml export' wrote it (so a round trip prepares images exactly as before), else
 * from --mean / --std / --image-size with ImageNet's statistics and bilinear resizing (what torchvision models
 * expect) as defaults.
 */
final class OnnxImport {
    private static final int DEFAULT_IMAGE_SIZE = LandmarkCheckpoints.DEFAULT_IMAGE_SIZE;

    private final Path onnx;
    private final Path out;
    private final String mean;
    private final String std;
    private final Integer imageSize;

    OnnxImport(Path onnx, Path out, String mean, String std, Integer imageSize) {
        this.onnx = onnx;
        this.out = out;
        this.mean = mean;
        this.std = std;
        this.imageSize = imageSize;
    }

    void run() throws IOException {
        if (!Files.isRegularFile(onnx)) {
            throw new UserError("--onnx " + onnx + ": no such file");
        }
        if (imageSize != null && imageSize < 1) {
            throw new UserError("--image-size must be positive, got " + imageSize);
        }
        ModelProto model = OnnxFiles.read(onnx);
        OnnxImporter.Imported imported;
        try {
            imported = OnnxImporter.read(model);
        } catch (IllegalArgumentException e) {
            throw new UserError(onnx + ": " + e.getMessage());
        }
        OnnxGraph graph = imported.graph();
        ImagePrep prep = prep(graph, lrmlModel(model));
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("imported_from", onnx.toAbsolutePath().toString());
        source.put("producer", graph.producer());
        Checkpoint.of(OnnxCheckpoints.meta(graph, prep, source), imported.weights(), Map.of()).write(out);
        long params = imported.weights().values().stream().mapToLong(t -> t.numel()).sum();
        System.out.println("imported " + onnx.getFileName() + " (" + graph.producer() + ", opset " + graph.opset()
                + "): " + graph.steps().size() + " nodes, " + params + " weights; input '" + graph.input() + "' "
                + graph.inputDims() + ", output '" + graph.output() + "'; images: " + prep.channels() + " channels, "
                + prep.normalization() + ", longer side " + prep.longestSide());
        System.out.println("wrote " + out);
    }

    /** The description 'lrml export' stores in the metadata (lrml.model), or an empty map. */
    private Map<?, ?> lrmlModel(ModelProto model) {
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            if (e.getKey().equals("lrml.model")) {
                try {
                    return new ObjectMapper().readValue(e.getValue(), Map.class);
                } catch (IOException ex) {
                    throw new UserError(onnx + ": metadata lrml.model is not JSON (" + ex.getMessage() + ")");
                }
            }
        }
        return Map.of();
    }

    private ImagePrep prep(OnnxGraph graph, Map<?, ?> lrml) {
        int channels = graph.inputChannels();
        if (channels != 1 && channels != 3) {
            throw new UserError(onnx + ": the input '" + graph.input() + "' " + graph.inputDims() + " is not an image"
                    + " batch of 1 or 3 channels (N, C, H, W)");
        }
        Normalization norm;
        ImagePrep.Resampling resampling = ImagePrep.Resampling.BILINEAR;
        int size;
        if ("fashion".equals(lrml.get("type"))) {
            norm = channels == 1 ? Normalization.FASHION_MNIST : Normalization.IMAGENET;
            resampling = ImagePrep.Resampling.ANTIALIASED;
            size = FashionMnist.SIZE;
        } else if ("landmark".equals(lrml.get("type")) && lrml.get("mean") instanceof List<?> m
                && lrml.get("std") instanceof List<?> s) {
            norm = new Normalization("lrml export", floats(m), floats(s));
            size = DEFAULT_IMAGE_SIZE;
        } else {
            norm = channels == 3 ? Normalization.IMAGENET : new Normalization("none", new float[]{0f}, new float[]{1f});
            size = fixedSize(graph);
        }
        if (mean != null || std != null) {
            norm = new Normalization("given", mean != null ? numbers(mean, "--mean", channels) : norm.mean(),
                    std != null ? numbers(std, "--std", channels) : norm.std());
        }
        try {
            return new ImagePrep(channels, imageSize != null ? imageSize : size, norm, resampling, false);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** The longer side of a graph input fixed in size, else the landmark default. */
    private static int fixedSize(OnnxGraph graph) {
        List<Object> d = graph.inputDims();
        return d.get(2) instanceof Long h && d.get(3) instanceof Long w ? Math.toIntExact(Math.max(h, w))
                : DEFAULT_IMAGE_SIZE;
    }

    private static float[] floats(List<?> l) {
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) l.get(i)).floatValue();
        }
        return out;
    }

    private static float[] numbers(String text, String flag, int channels) {
        String[] parts = text.split(",");
        if (parts.length != channels) {
            throw new UserError(flag + ": expected " + channels + " comma-separated numbers (one per channel), got '"
                    + text + "'");
        }
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Float.parseFloat(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new UserError(flag + ": '" + parts[i].strip() + "' is not a number");
            }
        }
        return out;
    }
}
