package org.lrml.train;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import org.lrml.backend.DType;
import org.lrml.nn.RetrievalNet;
import org.lrml.optim.ParamGroup;
import org.lrml.tensor.Tensor;

/** The Fashion-MNIST {@link RetrievalNet} as the training loop's {@link RetrievalModel}. */
public final class RetrievalNetModel implements RetrievalModel {
    private final RetrievalNet net;

    public RetrievalNetModel(RetrievalNet net) {
        this.net = net;
    }

    public RetrievalNet net() {
        return net;
    }

    @Override
    public Tensor forward(Tensor images) {
        DType dtype = net.parameters().get(0).dtype();
        return net.call(images.dtype() == dtype ? images : images.to(dtype));
    }

    @Override
    public void setTraining(boolean on) {
        net.train(on);
    }

    @Override
    public boolean isTraining() {
        return net.isTraining();
    }

    @Override
    public int dim() {
        return net.config().dim();
    }

    /** Group 0: every parameter but GeM's p, in module order; group 1 (GeM only): p. */
    @Override
    public List<ParamGroup> parameterGroups(double lr, double weightDecay, double poolingLrMultiplier) {
        return RetrievalModel.groupsWithPoolingExponent(net.parameters(), net.gemP(), lr, weightDecay, poolingLrMultiplier);
    }

    @Override
    public Map<String, Tensor> stateDict() {
        return net.stateDict();
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        net.loadStateDict(state);
    }

    @Override
    public long parameterCount() {
        return net.parameterCount();
    }

    @Override
    public OptionalDouble poolingExponent() {
        Tensor p = net.gemP();
        return p == null ? OptionalDouble.empty() : OptionalDouble.of(p.item());
    }

    @Override
    public String describe() {
        return net.config().toString();
    }
}
