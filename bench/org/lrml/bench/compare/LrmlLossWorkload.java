package org.lrml.bench.compare;

import java.util.LinkedHashMap;
import java.util.Map;

import org.lrml.io.NpyArray;
import org.lrml.backend.LossSpec;
import org.lrml.loss.TupleLoss;
import org.lrml.loss.Tuples;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;

/**
 * The fused LRML loss (spec defaults) forward + backward over descriptors x (N x D) and tuples (M x (2+K)), as
 * LossBench times it. Outputs: the loss and dL/dx.
 */
final class LrmlLossWorkload implements Workload {
    private final Inputs in;
    private final Tensor x;
    private final Tuples tuples;
    private final LossSpec spec = LossSpec.lrml();
    private double loss = Double.NaN;

    LrmlLossWorkload(Inputs in) {
        this.in = in;
        x = in.tensor("x").requiresGrad(true);
        tuples = in.tuples("tuples");
    }

    @Override
    public void run() {
        x.setGrad(null);
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor l = TupleLoss.apply(x, tuples, spec);
            l.backward();
            loss = l.item();
        }
    }

    @Override
    public Map<String, NpyArray> outputs() {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        out.put("loss", Outputs.scalar(loss));
        out.put("dx", NpyArray.of(x.grad()));
        return out;
    }

    @Override
    public String describe() {
        return "LRML fused fwd+bwd, M " + tuples.m() + ", K " + tuples.k() + ", N " + x.size(0) + ", D " + x.size(1);
    }

    @Override
    public void close() {
        in.close();
    }
}
