package org.lrml.bench.compare;

import java.util.LinkedHashMap;
import java.util.Map;

import org.lrml.bench.fixture.TrainStep;
import org.lrml.io.NpyArray;
import org.lrml.nn.RetrievalNet;
import org.lrml.util.Rng;

/**
 * One LRML training step ({@link TrainStep}: RetrievalNet, fused loss, backward, Adam) on the distinct images of a
 * batch (inputs images, tuples; weights in state/). Outputs: the loss and the step's gradients.
 */
final class TrainStepWorkload implements Workload {
    private final Inputs in;
    private final TrainStep step;
    private double loss = Double.NaN;

    TrainStepWorkload(Inputs in) {
        this.in = in;
        RetrievalNet net = new RetrievalNet(RetrievalNet.Config.fashionMnist(), new Rng(0));
        in.loadState(net, "state");
        net.to(in.backend());
        step = new TrainStep(net, in.tensor("images"), in.tuples("tuples"));
    }

    @Override
    public void run() {
        loss = step.step();
    }

    @Override
    public Map<String, NpyArray> outputs() {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        out.put("loss", Outputs.scalar(loss));
        out.putAll(Outputs.grads(step.net()));
        return out;
    }

    @Override
    public String describe() {
        return "LRML training step, " + step.images() + " images";
    }

    @Override
    public void close() {
        in.close();
    }
}
