package org.lrml.onnx.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.lrml.autograd.NoGrad;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.data.Normalization;
import org.lrml.nn.LandmarkNet;
import org.lrml.nn.Module;
import org.lrml.nn.RetrievalNet;
import org.lrml.onnx.proto.OnnxProto.GraphProto;
import org.lrml.onnx.proto.OnnxProto.ModelProto;
import org.lrml.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.lrml.onnx.proto.OnnxProto.StringStringEntryProto;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;
import org.lrml.util.Version;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An engine network as a standard ONNX model: input {@code images} (N, C, H, W) float32, prepared as the engine
 * prepares them (the metadata says how), output {@code descriptors} (N, D) unit rows, in inference mode (batch
 * norm with running statistics). The batch is a fixed size or the symbolic {@code N}; H and W are fixed when an
 * input size is given, else symbolic (every layer but R-MAC takes any size). Metadata: {@code lrml.model} holds the
 * engine's model description (JSON), {@code lrml.input} the preparation, so {@code lrml import} recognises its own
 * exports and a service knows what to feed.
 */
public final class OnnxExport {
    /** The opsets written: 13 (Softmax over any axis, ReduceSum's axes as input) to 21. */
    public static final int MIN_OPSET = 13;
    public static final int MAX_OPSET = 21;
    public static final int DEFAULT_OPSET = 17;
    /** ONNX IR version 8 (ONNX 1.10+), the version of the committed onnx.proto and what every current runtime reads. */
    private static final long IR_VERSION = 8;

    /**
     * How to export.
     *
     * @param opset        the default domain's opset, {@link #MIN_OPSET}..{@link #MAX_OPSET}
     * @param dynamicBatch a symbolic batch size N instead of {@code batch}
     * @param batch        the fixed batch size (ignored when dynamic)
     * @param inputSize    {height, width} fixed, or null for symbolic sizes (the Fashion network defaults to 28 x 28)
     */
    public record Options(int opset, boolean dynamicBatch, int batch, int[] inputSize) {
        public Options {
            if (opset < MIN_OPSET || opset > MAX_OPSET) {
                throw new IllegalArgumentException("opset " + opset + " is not supported: lrml writes opsets "
                        + MIN_OPSET + " to " + MAX_OPSET);
            }
            if (batch < 1) {
                throw new IllegalArgumentException("the batch size must be at least 1, got " + batch);
            }
            if (inputSize != null && (inputSize.length != 2 || inputSize[0] < 1 || inputSize[1] < 1)) {
                throw new IllegalArgumentException("the input size must be two positive numbers (height, width)");
            }
            inputSize = inputSize == null ? null : inputSize.clone();
        }

        /** Opset 17, symbolic batch or batch 1, symbolic or given size. */
        public static Options of(boolean dynamicBatch, int[] inputSize) {
            return new Options(DEFAULT_OPSET, dynamicBatch, 1, inputSize);
        }

        @Override
        public int[] inputSize() {
            return inputSize == null ? null : inputSize.clone();
        }
    }

    private OnnxExport() {
    }

    /** The Fashion-MNIST network (features, pooling, linear, L2), 28 x 28 unless the options fix another size. */
    public static ModelProto export(RetrievalNet net, Options o) {
        RetrievalNet.Config cfg = net.config();
        int[] size = o.inputSize() != null ? o.inputSize() : new int[]{28, 28};
        GraphBuilder g = new GraphBuilder("lrml-fashion", o.opset());
        String x = input(g, o, cfg.inChannels(), size);
        Map<String, Module> c = net.children();
        ModuleWriter w = new ModuleWriter(g, null);
        String h = w.write(c.get("features"), "features", x);
        h = w.write(c.get("pool"), "pool", h);
        h = w.write(c.get("whiten"), "whiten", h);
        h = w.l2("norm", h);
        output(g, o, h, cfg.dim());
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "fashion");
        model.put("in_channels", cfg.inChannels());
        model.put("widths", cfg.widths());
        model.put("dim", cfg.dim());
        model.put("pooling", cfg.pooling().name().toLowerCase(Locale.ROOT));
        model.put("gem_p", cfg.gemP());
        Normalization norm = cfg.inChannels() == 1 ? Normalization.FASHION_MNIST : Normalization.IMAGENET;
        return model(g.build(), o, model, "grey or RGB pixels in [0, 1] (the training images' channels, longest side"
                + " 28), normalised per channel with mean " + fmt(norm.mean()) + " and std " + fmt(norm.std()));
    }

    /** A landmark network: trunk, pooling, L2, optional whitening and L2; H and W symbolic unless fixed. */
    public static ModelProto export(LandmarkNet net, Options o) {
        LandmarkNet.Spec spec = net.spec();
        int[] size = o.inputSize();
        GraphBuilder g = new GraphBuilder("lrml-landmark-" + spec.arch().cliName(), o.opset());
        String x = input(g, o, 3, size);
        Map<String, Module> c = net.children();
        ModuleWriter w = new ModuleWriter(g, size == null ? null : mapSize(net, size));
        String h = w.write(c.get("features"), "features", x);
        h = w.write(c.get("pool"), "pool", h);
        h = w.l2("norm", h);
        if (c.containsKey("whiten")) {
            h = w.write(c.get("whiten"), "whiten", h);
            h = w.l2("whiten_norm", h);
        }
        output(g, o, h, spec.dim());
        return model(g.build(), o, spec.toMap(), "RGB pixels in [0, 1], the longer side resized to the image size"
                + " (bilinear, align_corners=False), normalised per channel with mean " + fmt(spec.mean())
                + " and std " + fmt(spec.std()));
    }

    /** The trunk's output height and width for an input size (R-MAC's regions), by running it on zeros. */
    private static int[] mapSize(LandmarkNet net, int[] size) {
        boolean was = net.isTraining();
        net.train(false);
        try (NoGrad ng = NoGrad.enter(); MemoryScope scope = MemoryScope.open()) {
            Tensor probe = Tensor.zeros(net.gemP() != null ? net.gemP().backend() : Backends.defaultBackend(),
                    DType.F32, 1, 3, size[0], size[1]);
            Tensor map = net.trunk().forward(probe);
            return new int[]{map.size(2), map.size(3)};
        } finally {
            net.train(was);
        }
    }

    private static String input(GraphBuilder g, Options o, int channels, int[] size) {
        List<Object> dims = new ArrayList<>();
        dims.add(o.dynamicBatch() ? (Object) "N" : (Object) o.batch());
        dims.add(channels);
        dims.add(size == null ? "H" : size[0]);
        dims.add(size == null ? "W" : size[1]);
        g.input("images", dims);
        return "images";
    }

    private static void output(GraphBuilder g, Options o, String last, int dim) {
        g.renameLastOutput("descriptors");
        g.output("descriptors", List.of(o.dynamicBatch() ? "N" : o.batch(), dim));
    }

    private static ModelProto model(GraphProto graph, Options o, Map<String, Object> description, String input) {
        String json;
        try {
            json = new ObjectMapper().writeValueAsString(description);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("model description to JSON: " + e.getMessage(), e);
        }
        return ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("lrml")
                .setProducerVersion(Version.get()).setModelVersion(1)
                .setDocString("Descriptors (unit rows) of images: " + input + ".")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(o.opset()))
                .addMetadataProps(entry("lrml.model", json)).addMetadataProps(entry("lrml.input", input))
                .setGraph(graph).build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static String fmt(float[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            s.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return s.append(']').toString();
    }
}
