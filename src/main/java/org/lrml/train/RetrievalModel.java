package org.lrml.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import org.lrml.optim.ParamGroup;
import org.lrml.tensor.Tensor;

/**
 * The network a run trains: images in, unit descriptors out (spec section 1). {@link RetrievalNetModel} adapts
 * the Fashion-MNIST network; a pretrained trunk (ResNet with frozen batch norm) implements the same few methods.
 */
public interface RetrievalModel {
    /** N x C x H x W images to N x D descriptors, recorded for autograd, in the current mode. */
    Tensor forward(Tensor images);

    /**
     * Training mode (batch statistics, dropout) or inference mode. A trunk whose batch norm is frozen keeps
     * its statistics fixed even when asked for training mode. (Not named {@code train}: a {@code nn.Module}
     * subclass, whose {@code train} returns the module, can implement this interface.)
     */
    void setTraining(boolean on);

    boolean isTraining();

    /** Descriptor size D. */
    int dim();

    /**
     * The trainable parameters as optimiser groups, in a fixed order (the order keys the optimiser's saved state).
     * A learnable pooling exponent (GeM's p) gets {@code lr * poolingLrMultiplier} and no weight decay, as in
     * Radenović et al.; everything else {@code lr} and {@code weightDecay}.
     */
    List<ParamGroup> parameterGroups(double lr, double weightDecay, double poolingLrMultiplier);

    /**
     * The groups {@link #parameterGroups} describes, for a network whose parameters include the pooling exponent
     * {@code p} (or none, when null): group 0 every other parameter in the given order, group 1 p alone.
     */
    static List<ParamGroup> groupsWithPoolingExponent(List<Tensor> parameters, Tensor p, double lr, double weightDecay,
                                                      double poolingLrMultiplier) {
        List<Tensor> rest = new ArrayList<>();
        for (Tensor t : parameters) {
            if (t != p) {
                rest.add(t);
            }
        }
        List<ParamGroup> groups = new ArrayList<>();
        groups.add(new ParamGroup(rest, lr, weightDecay));
        if (p != null) {
            groups.add(new ParamGroup(List.of(p), lr * poolingLrMultiplier, 0.0));
        }
        return groups;
    }

    /** Parameters and buffers by dotted name: the checkpoint's model entries. */
    Map<String, Tensor> stateDict();

    /** Overwrites parameters and buffers; missing, unexpected or mis-shaped entries are an error naming them. */
    void loadStateDict(Map<String, Tensor> state);

    /** Trainable scalars, for the run's header line. */
    long parameterCount();

    /** GeM's current p, recorded per epoch; empty for a pooling without a learnable exponent. */
    OptionalDouble poolingExponent();

    /** The architecture in a few words, for the run's header line. */
    String describe();

    /**
     * Entries this model adds to every checkpoint's meta.json, e.g. the {@code "model"} description from which
     * {@code lrml eval} and {@code lrml extract} rebuild a landmark network; none by default (the Fashion-MNIST
     * network is rebuilt from the config).
     */
    default Map<String, Object> checkpointMeta() {
        return Map.of();
    }
}
