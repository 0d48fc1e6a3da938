package org.lrml.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.lrml.backend.Backends;
import org.lrml.data.ImagePrep;
import org.lrml.data.Normalization;
import org.lrml.onnx.load.GraphExtractor;
import org.lrml.onnx.load.GraphNet;
import org.lrml.onnx.load.OnnxGraph;
import org.lrml.train.Checkpoint;

/**
 * Checkpoints of imported ONNX graphs: meta.json's "model" is the graph ({@link OnnxGraph#toMap}) plus "prep", how
 * images are prepared for it (channels, mean, std, resampling, default image size), which 'lrml import --onnx'
 * decides once so that 'lrml extract' and 'lrml eval' prepare images the same way every time.
 */
final class OnnxCheckpoints {
    private OnnxCheckpoints() {
    }

    /** Whether a checkpoint holds an imported ONNX graph. */
    static boolean isGraph(Checkpoint c) {
        return c.meta().get("model") instanceof Map<?, ?> m && OnnxGraph.TYPE.equals(m.get("type"));
    }

    /** meta.json of an imported graph. */
    static Map<String, Object> meta(OnnxGraph graph, ImagePrep prep, Map<String, Object> source) {
        Map<String, Object> model = graph.toMap();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("channels", prep.channels());
        p.put("mean", floats(prep.normalization().mean()));
        p.put("std", floats(prep.normalization().std()));
        p.put("resampling", prep.resampling().name().toLowerCase(java.util.Locale.ROOT));
        p.put("image_size", prep.longestSide());
        model.put("prep", p);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("epoch", 0);
        meta.put("config", Map.of());
        meta.put("model", model);
        meta.put("source", source);
        return meta;
    }

    /** The extractor of an imported graph; imageSize null means the size chosen on import. */
    static GraphExtractor extractor(Checkpoint c, Path file, String backendName, Integer imageSize)
            throws IOException {
        Map<?, ?> model = (Map<?, ?>) c.meta().get("model");
        try {
            OnnxGraph graph = OnnxGraph.fromMap(model, file + " meta.json");
            Map<?, ?> p = (Map<?, ?>) model.get("prep");
            float[] mean = floats((List<?>) p.get("mean"));
            float[] std = floats((List<?>) p.get("std"));
            ImagePrep prep = new ImagePrep(((Number) p.get("channels")).intValue(), imageSize != null ? imageSize
                    : ((Number) p.get("image_size")).intValue(), new Normalization("imported", mean, std),
                    ImagePrep.Resampling.valueOf(String.valueOf(p.get("resampling")).toUpperCase(java.util.Locale.ROOT)),
                    false);
            return new GraphExtractor(new GraphNet(graph, c.modelTensors()), Backends.byName(backendName), prep);
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static List<Double> floats(float[] v) {
        List<Double> out = new java.util.ArrayList<>();
        for (float f : v) {
            out.add((double) f);
        }
        return out;
    }

    private static float[] floats(List<?> v) {
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) v.get(i)).floatValue();
        }
        return out;
    }
}
