package org.lrml.optim;

import java.util.List;

import org.lrml.tensor.Tensor;

/**
 * Parameters that share a learning rate and a weight decay. Several groups let one optimiser train
 * parts of a model differently, e.g. GeM's p at 10x the learning rate and without weight decay.
 * Both values may change between steps (learning-rate schedules set {@link #setLr}).
 */
public final class ParamGroup {
    private final List<Tensor> params;
    private double lr;
    private double weightDecay;

    public ParamGroup(List<Tensor> params, double lr, double weightDecay) {
        if (params == null || params.isEmpty()) {
            throw new IllegalArgumentException("a parameter group needs at least one tensor");
        }
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i) == null) {
                throw new IllegalArgumentException("parameter group entry " + i + " is null");
            }
        }
        this.params = List.copyOf(params);
        setLr(lr);
        setWeightDecay(weightDecay);
    }

    /** A group without weight decay. */
    public static ParamGroup of(List<Tensor> params, double lr) {
        return new ParamGroup(params, lr, 0.0);
    }

    public List<Tensor> params() {
        return params;
    }

    public double lr() {
        return lr;
    }

    public void setLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate " + lr + " must be finite and >= 0");
        }
        this.lr = lr;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public void setWeightDecay(double weightDecay) {
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay " + weightDecay + " must be finite and >= 0");
        }
        this.weightDecay = weightDecay;
    }
}
