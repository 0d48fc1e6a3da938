package org.lrml.optim;

import java.util.ArrayList;
import java.util.List;

import org.lrml.backend.Backend;
import org.lrml.backend.Storage;
import org.lrml.tensor.Tensor;

/**
 * Stochastic gradient descent with momentum, PyTorch's torch.optim.SGD: per parameter,
 * g = grad + wd p; v = g on the first step, else v = momentum v + (1 - dampening) g;
 * step = nesterov ? g + momentum v : v; p -= lr step. Without momentum there is no state.
 * All parameters go to the backend in one call (two on a step where some parameters take their first
 * momentum step and others do not, since the first step initialises v differently).
 */
public final class Sgd extends Optimizer {
    static final String VELOCITY = "momentum_buffer";

    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    public Sgd(List<ParamGroup> groups, double momentum, double dampening, boolean nesterov) {
        super(groups);
        if (!(momentum >= 0) || Double.isInfinite(momentum)) {
            throw new IllegalArgumentException("sgd: momentum " + momentum + " must be finite and >= 0");
        }
        if (!Double.isFinite(dampening)) {
            throw new IllegalArgumentException("sgd: dampening " + dampening + " must be finite");
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("sgd: Nesterov momentum needs momentum > 0 and dampening 0, got"
                    + " momentum " + momentum + ", dampening " + dampening);
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
    }

    /** Plain SGD over one group: no momentum, no weight decay. */
    public Sgd(List<Tensor> params, double lr) {
        this(List.of(ParamGroup.of(params, lr)), 0.0, 0.0, false);
    }

    public double momentum() {
        return momentum;
    }

    @Override
    protected List<String> bufferNames() {
        return momentum == 0 ? List.of() : List.of(VELOCITY);
    }

    @Override
    protected boolean countsSteps() {
        return false;
    }

    @Override
    public void step() {
        List<Active> act = active();
        if (act.isEmpty()) {
            return;
        }
        if (momentum == 0) {
            call(act, false);
            return;
        }
        List<Active> first = new ArrayList<>();
        List<Active> later = new ArrayList<>();
        for (Active a : act) {
            (state(a.index()) == null ? first : later).add(a);
        }
        if (!later.isEmpty()) {
            call(later, false);
        }
        if (!first.isEmpty()) {
            call(first, true);
        }
    }

    private void call(List<Active> act, boolean firstStep) {
        int n = act.size();
        List<Storage> ps = new ArrayList<>(n);
        List<Storage> gs = new ArrayList<>(n);
        List<Storage> vs = momentum == 0 ? null : new ArrayList<>(n);
        double[] lr = new double[n];
        double[] wd = new double[n];
        for (int k = 0; k < n; k++) {
            Active a = act.get(k);
            ps.add(a.param().storage());
            gs.add(a.param().grad().storage());
            if (vs != null) {
                vs.add(stateOrCreate(a.index()).buffer(VELOCITY).storage());
            }
            lr[k] = a.group().lr();
            wd[k] = a.group().weightDecay();
        }
        Backend b = act.get(0).param().backend();
        b.optim().sgd(ps, gs, vs, lr, wd, momentum, dampening, nesterov, firstStep);
    }
}
