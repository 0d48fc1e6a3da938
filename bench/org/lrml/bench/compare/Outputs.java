package org.lrml.bench.compare;

import java.util.LinkedHashMap;
import java.util.Map;

import org.lrml.backend.RankResult;
import org.lrml.io.NpyArray;
import org.lrml.nn.Module;
import org.lrml.tensor.Tensor;

/** The arrays workloads hand back for comparison: a loss, gradients by parameter name, a ranking. */
final class Outputs {
    private Outputs() {
    }

    static NpyArray scalar(double v) {
        return NpyArray.of(new double[]{v}, 1);
    }

    /** "grad.<name>" for every parameter of the module (its gradients of the last step). */
    static Map<String, NpyArray> grads(Module m) {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
            Tensor g = e.getValue().grad();
            if (g == null) {
                throw new IllegalStateException("compare driver: parameter " + e.getKey() + " has no gradient after the"
                        + " step");
            }
            out.put("grad." + e.getKey(), NpyArray.of(g));
        }
        return out;
    }

    static Map<String, NpyArray> ranking(RankResult r) {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        out.put("values", NpyArray.of(r.values(), r.rows(), r.k()));
        out.put("indices", NpyArray.of(r.indices(), r.rows(), r.k()));
        return out;
    }
}
