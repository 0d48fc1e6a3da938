package org.lrml.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.lrml.backend.Backend;
import org.lrml.backend.Storage;
import org.lrml.tensor.Tensor;

/**
 * Adam and AdamW, PyTorch's torch.optim.Adam / AdamW (amsgrad off): per parameter at its step t
 * (1-based), with g = grad + wd p for Adam, or p *= 1 - lr wd first for AdamW (decoupled),
 * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * p -= (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 * All parameters go to the backend in one call (one per distinct t, when some parameters skipped steps).
 */
public final class Adam extends Optimizer {
    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final boolean decoupled;

    public Adam(List<ParamGroup> groups, double beta1, double beta2, double eps, boolean decoupled) {
        super(groups);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException((decoupled ? "adamW" : "adam") + ": betas (" + beta1 + ", " + beta2
                    + ") must be in [0, 1)");
        }
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException((decoupled ? "adamW" : "adam") + ": eps " + eps
                    + " must be finite and >= 0");
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.decoupled = decoupled;
    }

    /** Adam with PyTorch's defaults (betas 0.9, 0.999; eps 1e-8) over the groups. */
    public static Adam adam(List<ParamGroup> groups) {
        return new Adam(groups, 0.9, 0.999, 1e-8, false);
    }

    /** AdamW with PyTorch's default betas and eps; the groups carry the (decoupled) weight decay. */
    public static Adam adamW(List<ParamGroup> groups) {
        return new Adam(groups, 0.9, 0.999, 1e-8, true);
    }

    /** Adam with defaults over one group without weight decay. */
    public Adam(List<Tensor> params, double lr) {
        this(List.of(ParamGroup.of(params, lr)), 0.9, 0.999, 1e-8, false);
    }

    public boolean decoupled() {
        return decoupled;
    }

    @Override
    protected List<String> bufferNames() {
        return List.of(EXP_AVG, EXP_AVG_SQ);
    }

    @Override
    protected boolean countsSteps() {
        return true;
    }

    @Override
    public void step() {
        Map<Long, List<Active>> byStep = new TreeMap<>();
        for (Active a : active()) {
            long t = stateOrCreate(a.index()).steps() + 1;
            byStep.computeIfAbsent(t, k -> new ArrayList<>()).add(a);
        }
        for (Map.Entry<Long, List<Active>> e : byStep.entrySet()) {
            call(e.getValue(), e.getKey());
        }
    }

    private void call(List<Active> act, long t) {
        int n = act.size();
        List<Storage> ps = new ArrayList<>(n);
        List<Storage> gs = new ArrayList<>(n);
        List<Storage> ms = new ArrayList<>(n);
        List<Storage> vs = new ArrayList<>(n);
        double[] lr = new double[n];
        double[] wd = new double[n];
        for (int k = 0; k < n; k++) {
            Active a = act.get(k);
            ParamState s = state(a.index());
            ps.add(a.param().storage());
            gs.add(a.param().grad().storage());
            ms.add(s.buffer(EXP_AVG).storage());
            vs.add(s.buffer(EXP_AVG_SQ).storage());
            lr[k] = a.group().lr();
            wd[k] = a.group().weightDecay();
        }
        Backend b = act.get(0).param().backend();
        b.optim().adam(ps, gs, ms, vs, lr, wd, beta1, beta2, eps, decoupled, t);
        for (Active a : act) {
            state(a.index()).setSteps(t);
        }
    }
}
