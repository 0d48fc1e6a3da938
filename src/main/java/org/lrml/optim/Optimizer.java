package org.lrml.optim;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.tensor.MemoryScope;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * Updates parameters from their gradients. Parameters are numbered in group order (group 0's tensors
 * first); that number keys the per-parameter state (moment buffers, step counts) in {@link #stateDict},
 * as in PyTorch. A parameter whose {@code grad} is null is skipped by {@link #step} and its state does not
 * advance; {@link #zeroGrad} fills gradients with zeros (they then still take part, e.g. in weight decay).
 *
 * <p>Create the optimiser after moving the model to its backend: {@code Module.to} replaces the
 * parameter tensors, and the optimiser keeps the ones it was given.
 */
public abstract class Optimizer {
    private static final Pattern PARAM_KEY = Pattern.compile("param\\.(\\d+)\\.(\\w+)");
    private static final Pattern GROUP_KEY = Pattern.compile("group\\.(\\d+)\\.(lr|weight_decay)");
    private static final String STEP = "step";

    private final List<ParamGroup> groups;
    private final List<Tensor> params = new ArrayList<>();
    private final List<ParamGroup> groupOf = new ArrayList<>();
    private final List<ParamState> states = new ArrayList<>();

    /** Per-parameter state: named buffers (shaped like the parameter) and the number of steps taken. */
    protected static final class ParamState {
        final Map<String, Tensor> buffers = new LinkedHashMap<>();
        long steps;

        public Tensor buffer(String name) {
            return buffers.get(name);
        }

        public long steps() {
            return steps;
        }

        public void setSteps(long steps) {
            this.steps = steps;
        }
    }

    /** A parameter that takes part in this step: its number, tensor and group. */
    protected record Active(int index, Tensor param, ParamGroup group) {
    }

    protected Optimizer(List<ParamGroup> groups) {
        if (groups == null || groups.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": needs at least one parameter group");
        }
        this.groups = List.copyOf(groups);
        Map<Tensor, Integer> seen = new IdentityHashMap<>();
        for (int g = 0; g < this.groups.size(); g++) {
            for (Tensor p : this.groups.get(g).params()) {
                if (!p.isLeaf()) {
                    throw new IllegalArgumentException(getClass().getSimpleName() + ": group " + g + " holds a non-leaf"
                            + " tensor " + Shape.str(p.shape()) + " (made by " + p.gradFn().op()
                            + "); optimise the leaf parameters");
                }
                Integer before = seen.put(p, params.size());
                if (before != null) {
                    throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter " + params.size()
                            + " " + Shape.str(p.shape()) + " is the same tensor as parameter " + before
                            + "; each tensor may appear in one group once");
                }
                params.add(p);
                groupOf.add(this.groups.get(g));
                states.add(null);
            }
        }
    }

    /** Applies one update to every parameter that has a gradient. */
    public abstract void step();

    /** Names of the buffers each parameter's state holds once it exists (in stateDict order). */
    protected abstract List<String> bufferNames();

    /** Whether the per-parameter step count is part of the state (Adam's bias correction needs it). */
    protected abstract boolean countsSteps();

    public final List<ParamGroup> paramGroups() {
        return groups;
    }

    /** Sets every group's gradient to zeros (keeps the buffers). */
    public final void zeroGrad() {
        for (Tensor p : params) {
            p.zeroGrad();
        }
    }

    /** The parameters in state order. */
    public final List<Tensor> params() {
        return List.copyOf(params);
    }

    /** Parameters whose gradient is set, all on one backend (checked, since a step is one backend call). */
    protected final List<Active> active() {
        List<Active> out = new ArrayList<>();
        Backend backend = null;
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (p.grad() == null) {
                continue;
            }
            if (backend == null) {
                backend = p.backend();
            } else if (p.backend() != backend) {
                throw new IllegalStateException(getClass().getSimpleName() + ": parameter " + i + " lives on "
                        + p.backend().name() + " but others on " + backend.name()
                        + "; move the model first, then create the optimiser");
            }
            if (p.grad().dtype() != p.dtype()) {
                throw new IllegalStateException(getClass().getSimpleName() + ": parameter " + i + " is "
                        + p.dtype().numpyName() + " but its gradient is " + p.grad().dtype().numpyName());
            }
            out.add(new Active(i, p, groupOf.get(i)));
        }
        return out;
    }

    /** State of parameter i, or null before its first step. */
    protected final ParamState state(int i) {
        return states.get(i);
    }

    /** State of parameter i, created with zero-filled buffers (outside any memory scope) if missing. */
    protected final ParamState stateOrCreate(int i) {
        ParamState s = states.get(i);
        if (s == null) {
            s = new ParamState();
            Tensor p = params.get(i);
            try (MemoryScope.Untracked u = MemoryScope.untracked()) {
                for (String name : bufferNames()) {
                    s.buffers.put(name, Tensor.zeros(p.backend(), p.dtype(), p.shape()));
                }
            }
            states.set(i, s);
        }
        return s;
    }

    // ---------------------------------------------------------------- state round trip

    /**
     * Copies of everything a resumed run needs to continue bit for bit: "param.I.NAME" for each buffer of
     * parameter I (its backend and dtype), "param.I.step" (Adam; float64 scalar on the CPU) and
     * "group.G.lr" / "group.G.weight_decay" (float64 scalars on the CPU). Parameters that have not taken
     * a step yet have no entries. The copies belong to the current memory scope, if any.
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            out.put("group." + g + ".lr", hostScalar(groups.get(g).lr()));
            out.put("group." + g + ".weight_decay", hostScalar(groups.get(g).weightDecay()));
        }
        for (int i = 0; i < states.size(); i++) {
            ParamState s = states.get(i);
            if (s == null) {
                continue;
            }
            for (Map.Entry<String, Tensor> e : s.buffers.entrySet()) {
                out.put("param." + i + "." + e.getKey(), e.getValue().copy());
            }
            if (countsSteps()) {
                out.put("param." + i + "." + STEP, hostScalar(s.steps));
            }
        }
        return out;
    }

    /**
     * Restores a {@link #stateDict} of an optimiser of the same kind over parameters of the same shapes
     * (values copied onto each parameter's backend and dtype). Every group entry must be present; a
     * parameter's entries are all present or all absent; anything else is an error naming the key.
     */
    public final void loadStateDict(Map<String, Tensor> state) {
        String who = getClass().getSimpleName() + ".loadStateDict";
        List<String> expectedPerParam = new ArrayList<>(bufferNames());
        if (countsSteps()) {
            expectedPerParam.add(STEP);
        }
        Map<Integer, Map<String, Tensor>> perParam = new LinkedHashMap<>();
        double[] lr = new double[groups.size()];
        double[] wd = new double[groups.size()];
        boolean[][] groupSeen = new boolean[groups.size()][2];
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            Matcher pm = PARAM_KEY.matcher(key);
            Matcher gm = GROUP_KEY.matcher(key);
            if (pm.matches()) {
                int i = parseIndex(who, key, pm.group(1), params.size(), "parameter");
                if (!expectedPerParam.contains(pm.group(2))) {
                    throw new IllegalArgumentException(who + ": unexpected entry '" + key + "'; a parameter's state"
                            + " holds " + expectedPerParam);
                }
                perParam.computeIfAbsent(i, k -> new LinkedHashMap<>()).put(pm.group(2), e.getValue());
            } else if (gm.matches()) {
                int g = parseIndex(who, key, gm.group(1), groups.size(), "group");
                boolean isLr = gm.group(2).equals("lr");
                (isLr ? lr : wd)[g] = scalar(who, key, e.getValue());
                groupSeen[g][isLr ? 0 : 1] = true;
            } else {
                throw new IllegalArgumentException(who + ": unexpected entry '" + key + "'");
            }
        }
        for (int g = 0; g < groups.size(); g++) {
            if (!groupSeen[g][0] || !groupSeen[g][1]) {
                throw new IllegalArgumentException(who + ": missing 'group." + g + (groupSeen[g][0] ? ".weight_decay"
                        : ".lr") + "' (this optimiser has " + groups.size() + " groups)");
            }
            if (!(lr[g] >= 0 && wd[g] >= 0) || Double.isInfinite(lr[g]) || Double.isInfinite(wd[g])) {
                throw new IllegalArgumentException(who + ": group " + g + " has lr " + lr[g] + " and weight decay "
                        + wd[g] + "; both must be finite and >= 0");
            }
        }
        for (Map.Entry<Integer, Map<String, Tensor>> e : perParam.entrySet()) {
            int i = e.getKey();
            for (String name : expectedPerParam) {
                if (!e.getValue().containsKey(name)) {
                    throw new IllegalArgumentException(who + ": parameter " + i + " has state but no 'param." + i
                            + "." + name + "'");
                }
            }
            for (String name : bufferNames()) {
                Tensor src = e.getValue().get(name);
                if (!java.util.Arrays.equals(src.shape(), params.get(i).shape())) {
                    throw new IllegalArgumentException(who + ": 'param." + i + "." + name + "' has shape "
                            + Shape.str(src.shape()) + " but parameter " + i + " has shape "
                            + Shape.str(params.get(i).shape()));
                }
            }
        }
        // Everything checked: now overwrite, so a rejected state leaves the optimiser as it was.
        for (int g = 0; g < groups.size(); g++) {
            groups.get(g).setLr(lr[g]);
            groups.get(g).setWeightDecay(wd[g]);
        }
        for (int i = 0; i < states.size(); i++) {
            Map<String, Tensor> entries = perParam.get(i);
            if (entries == null) {
                states.set(i, null);
                continue;
            }
            ParamState s = stateOrCreate(i);
            Tensor p = params.get(i);
            for (String name : bufferNames()) {
                Tensor src = entries.get(name);
                s.buffers.get(name).copyFrom(src.dtype() == p.dtype() ? src : src.to(p.dtype()));
            }
            if (countsSteps()) {
                double steps = scalar(who, "param." + i + "." + STEP, entries.get(STEP));
                if (steps < 0 || steps != Math.rint(steps)) {
                    throw new IllegalArgumentException(who + ": 'param." + i + ".step' = " + steps
                            + " is not a step count");
                }
                s.steps = (long) steps;
            }
        }
    }

    private static int parseIndex(String who, String key, String digits, int limit, String what) {
        int i;
        try {
            i = Integer.parseInt(digits);
        } catch (NumberFormatException ex) {
            i = Integer.MAX_VALUE;
        }
        if (i >= limit) {
            throw new IllegalArgumentException(who + ": entry '" + key + "' names " + what + " " + digits
                    + " but this optimiser has " + limit);
        }
        return i;
    }

    private static double scalar(String who, String key, Tensor t) {
        if (t.numel() != 1) {
            throw new IllegalArgumentException(who + ": '" + key + "' must hold one value, has shape "
                    + Shape.str(t.shape()));
        }
        return t.item();
    }

    private static Tensor hostScalar(double v) {
        return Tensor.full(Backends.cpu(), DType.F64, v);
    }
}
