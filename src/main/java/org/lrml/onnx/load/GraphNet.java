package org.lrml.onnx.load;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.lrml.nn.Module;
import org.lrml.tensor.Tensor;

/**
 * An imported ONNX graph as an engine module: its weights are buffers under the graph's state-dict keys (so the
 * checkpoint code saves and loads them like any network's), and {@link #forward} runs the nodes in order with the
 * engine's ops ({@link StepRunner}), on the backend the weights live on. Inference only: batch norms use their
 * running statistics whatever the training flag says, as the ONNX graph does.
 */
public final class GraphNet extends Module {
    private final OnnxGraph graph;

    /**
     * The graph with its weights (state-dict key to tensor, as {@link OnnxImporter} or a checkpoint gives them);
     * a missing or unexpected weight is an error naming it.
     */
    public GraphNet(OnnxGraph graph, Map<String, Tensor> weights) {
        this.graph = graph;
        for (String key : graph.weights().values()) {
            Tensor t = weights.get(key);
            if (t == null) {
                throw new IllegalArgumentException("the imported graph's weight '" + key + "' is missing");
            }
            registerBuffer(key, t);
        }
        for (String key : weights.keySet()) {
            if (!graph.weights().containsValue(key)) {
                throw new IllegalArgumentException("'" + key + "' is no weight of the imported graph");
            }
        }
    }

    public OnnxGraph graph() {
        return graph;
    }

    @Override
    public Tensor forward(Tensor x) {
        int[] xs = x.shape();
        List<Object> dims = graph.inputDims();
        if (xs.length != dims.size()) {
            throw new IllegalArgumentException("imported graph: input '" + graph.input() + "' has rank " + dims.size()
                    + ", got " + org.lrml.backend.Shape.str(xs));
        }
        for (int i = 0; i < xs.length; i++) {
            if (dims.get(i) instanceof Long d && d != xs[i]) {
                throw new IllegalArgumentException("imported graph: input '" + graph.input() + "' needs dimension " + i
                        + " = " + d + " (the file fixes it), got " + org.lrml.backend.Shape.str(xs));
            }
        }
        Map<String, Object> values = new HashMap<>(graph.integers());
        Map<String, Tensor> buffers = namedBuffers();
        graph.weights().forEach((name, key) -> values.put(name, buffers.get(key)));
        values.put(graph.input(), x);
        StepRunner runner = new StepRunner(graph.opset(), x.backend());
        for (GraphStep s : graph.steps()) {
            List<Object> in = new ArrayList<>();
            for (String name : s.inputs()) {
                in.add(name.isEmpty() ? null : values.get(name));
            }
            values.put(s.outputs().get(0), runner.run(s, in));
        }
        if (!(values.get(graph.output()) instanceof Tensor y)) {
            throw new IllegalArgumentException("imported graph: the output '" + graph.output() + "' is an integer"
                    + " tensor, not a float one");
        }
        return y;
    }
}
