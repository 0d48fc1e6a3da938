package org.lrml.train.sfm;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import org.lrml.nn.LandmarkNet;
import org.lrml.optim.ParamGroup;
import org.lrml.tensor.Tensor;
import org.lrml.train.RetrievalModel;

/**
 * A {@link LandmarkNet} (trunk, GeM, L2) as the loop's {@link RetrievalModel}, its batch norm frozen as cirtorch
 * fine-tunes ({@code set_batchnorm_eval}): the running statistics normalise in training mode too and never
 * change, while the affine weights train. Checkpoints carry the network's {@code "model"} description, so
 * {@code lrml eval --checkpoint} and {@code lrml extract} read them as landmark networks.
 */
public final class LandmarkModel implements RetrievalModel {
    private final LandmarkNet net;

    /** Freezes {@code net}'s batch norm. */
    public LandmarkModel(LandmarkNet net) {
        this.net = net;
        net.freezeBatchNorm(true);
    }

    public LandmarkNet net() {
        return net;
    }

    @Override
    public Tensor forward(Tensor images) {
        return net.call(images);
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
        return net.dim();
    }

    /** Group 0: every parameter but GeM's p, in module order; group 1 (GeM only): p, as cirtorch's optimiser. */
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
        return net.spec() + ", frozen batch norm";
    }

    @Override
    public Map<String, Object> checkpointMeta() {
        return Map.of("model", net.spec().toMap());
    }
}
