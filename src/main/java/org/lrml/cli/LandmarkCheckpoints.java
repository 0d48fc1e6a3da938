package org.lrml.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.data.FashionMnist;
import org.lrml.eval.DescriptorExtractor;
import org.lrml.eval.LandmarkExtractor;
import org.lrml.nn.LandmarkNet;
import org.lrml.train.Checkpoint;
import org.lrml.train.NetExtractor;

/**
 * Engine checkpoints to descriptor extractors. A checkpoint whose meta.json holds a {@code "model"} object of
 * type {@code "landmark"} ({@link LandmarkNet.Spec#toMap}: written by {@code lrml import}, and by trainers of landmark
 * networks) becomes a {@link LandmarkExtractor}; any other is the trainer's Fashion-MNIST network
 * ({@link NetExtractor}), loaded as before.
 */
final class LandmarkCheckpoints {
    /** The default longer side of landmark images (cirtorch's test size). */
    static final int DEFAULT_IMAGE_SIZE = 1024;

    private LandmarkCheckpoints() {
    }

    /** The landmark model description of a checkpoint's meta, or null for other checkpoints. */
    static Map<?, ?> landmarkModel(Checkpoint c) {
        return c.meta().get("model") instanceof Map<?, ?> m && "landmark".equals(m.get("type")) ? m : null;
    }

    /** The network of a landmark checkpoint, weights loaded, on the CPU. */
    static LandmarkNet network(Checkpoint c, Path file) throws IOException {
        Map<?, ?> model = landmarkModel(c);
        if (model == null) {
            throw new IOException(file + ": not a landmark network checkpoint (meta.json has no \"model\" of type"
                    + " \"landmark\")");
        }
        LandmarkNet.Spec spec;
        try {
            spec = LandmarkNet.Spec.fromMap(model, file + " meta.json");
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        LandmarkNet net = LandmarkNet.forLoading(spec);
        try {
            net.loadStateDict(c.modelTensors());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return net;
    }

    /**
     * The extractor of any engine checkpoint. imageSize null means the model's default (1024 for landmark
     * networks, 28 for the Fashion-MNIST network); scales apply to landmark networks only.
     */
    static DescriptorExtractor load(Path file, String backendName, Integer imageSize, double[] scales)
            throws IOException {
        Checkpoint c = Checkpoint.read(file);
        if (landmarkModel(c) == null) {
            if (scales != null && !(scales.length == 1 && scales[0] == 1.0)) {
                throw new UserError("--scales: multi-scale descriptors are for landmark networks; " + file
                        + " holds the Fashion-MNIST network");
            }
            return NetExtractor.load(file, backendName, imageSize == null ? FashionMnist.SIZE : imageSize);
        }
        LandmarkNet net = network(c, file);
        Backend b = Backends.byName(backendName);
        net.to(b);
        return new LandmarkExtractor(net, b, imageSize == null ? DEFAULT_IMAGE_SIZE : imageSize,
                scales == null ? new double[]{1.0} : scales);
    }

    /** meta.json of an imported or freshly built landmark network. */
    static Map<String, Object> meta(LandmarkNet.Spec spec, Map<String, Object> source) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("epoch", 0);
        meta.put("config", Map.of());
        meta.put("model", spec.toMap());
        meta.put("source", source);
        return meta;
    }

    /** "1,0.7071,0.5" -> {1, 0.7071, 0.5}; the error names the flag. */
    static double[] parseScales(String text) {
        if (text == null) {
            return null;
        }
        String[] parts = text.split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new UserError("--scales: '" + parts[i].strip() + "' is not a number (expected e.g. 1,0.7071,0.5)");
            }
            if (!(out[i] > 0) || !Double.isFinite(out[i])) {
                throw new UserError("--scales: scale " + parts[i].strip() + " must be positive");
            }
        }
        return out;
    }
}
