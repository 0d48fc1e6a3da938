package org.lrml.bench.compare;

import java.util.LinkedHashMap;
import java.util.Map;

import org.lrml.bench.fixture.CnnStep;
import org.lrml.io.NpyArray;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * Forward + backward of the benchmark CNN ({@link CnnStep}, loss = sum of the output) on the batch x, weights from
 * the state/ folder. Outputs: the loss and the gradient of every parameter.
 */
final class CnnWorkload implements Workload {
    private final Inputs in;
    private final CnnStep net;
    private final Tensor x;
    private double loss = Double.NaN;

    CnnWorkload(Inputs in) {
        this.in = in;
        net = new CnnStep(new Rng(0));
        in.loadState(net, "state");
        net.to(in.backend());
        x = in.tensor("x");
    }

    @Override
    public void run() {
        loss = net.step(x);
    }

    @Override
    public Map<String, NpyArray> outputs() {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        out.put("loss", Outputs.scalar(loss));
        out.putAll(Outputs.grads(net));
        return out;
    }

    @Override
    public String describe() {
        return "cnn fwd+bwd, batch " + x.size(0);
    }

    @Override
    public void close() {
        in.close();
    }
}
