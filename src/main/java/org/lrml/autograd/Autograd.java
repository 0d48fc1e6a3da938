package org.lrml.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import java.util.function.UnaryOperator;

import org.lrml.backend.Shape;
import org.lrml.profile.Profiler;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;

/**
 * Reverse-mode automatic differentiation: ops {@link #record} how they were made, and {@link #backward}
 * walks the graph in reverse topological order, summing the contributions that reach each tensor
 * (a tensor used twice receives both) and accumulating (+=) into the {@code grad} of leaves.
 * The graph is kept after backward, so calling backward twice accumulates twice.
 *
 * <p>Every op passes through {@link #record}, so it is also where the {@link Profiler} learns of ops and where
 * {@link AnomalyMode} checks their outputs. In backward, a tensor's gradient hooks ({@link Tensor#registerHook}) see
 * its complete gradient before it is stored (leaves, {@code retainGrad}) or passed on.
 */
public final class Autograd {
    private Autograd() {
    }

    /**
     * Attaches the graph node to a freshly computed output if gradients are enabled and any input requires
     * them; returns the output either way.
     */
    public static Tensor record(String op, Tensor out, Backward backward, Tensor... inputs) {
        Profiler.taped(op);
        return recordUntaped(op, out, backward, inputs);
    }

    /** {@link #record} for an op whose time the profiler already took in a scope of its own (custom functions). */
    static Tensor recordUntaped(String op, Tensor out, Backward backward, Tensor... inputs) {
        boolean anomaly = AnomalyMode.isEnabled();
        if (anomaly) {
            AnomalyMode.checkForward(op, out, inputs);
        }
        if (!NoGrad.gradEnabled()) {
            return out;
        }
        boolean any = false;
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                any = true;
                break;
            }
        }
        if (any) {
            out.attachGradFn(new GradFn(op, inputs, backward, anomaly ? AnomalyMode.creationSite() : null));
        }
        return out;
    }

    /** dL/d(everything) from root with dL/d root = seed (same shape as root); accumulates into leaves. */
    public static void backward(Tensor root, Tensor seed) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: this tensor does not require grad (it was made from tensors"
                    + " without requiresGrad, or under NoGrad)");
        }
        Shape.requireSame(root.shape(), seed.shape(), "backward seed");
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> pending = new IdentityHashMap<>();
        pending.put(root, seed);
        try (NoGrad ng = NoGrad.enter()) {
            for (int idx = order.size() - 1; idx >= 0; idx--) {
                Tensor t = order.get(idx);
                Tensor g = pending.remove(t);
                if (g == null) {
                    continue;
                }
                if (!t.gradHooks().isEmpty()) {
                    g = runHooks(t, g);
                }
                GradFn fn = t.gradFn();
                if (fn == null) {
                    accumulateLeaf(t, g);
                    continue;
                }
                if (t.retainsGrad()) {
                    accumulateLeaf(t, g);
                }
                boolean[] needs = new boolean[fn.arity()];
                for (int i = 0; i < needs.length; i++) {
                    needs[i] = fn.input(i) != null && fn.input(i).requiresGrad();
                }
                Tensor[] gin = applyRule(fn, g, needs);
                if (gin.length != needs.length) {
                    throw new IllegalStateException(fn.op() + ": backward returned " + gin.length
                            + " gradients for " + needs.length + " inputs");
                }
                for (int i = 0; i < gin.length; i++) {
                    if (!needs[i]) {
                        continue;
                    }
                    Tensor in = fn.input(i);
                    if (gin[i] == null) {
                        throw new IllegalStateException(fn.op() + ": backward gave no gradient for input " + i);
                    }
                    if (!Arrays.equals(gin[i].shape(), in.shape())) {
                        throw new IllegalStateException(fn.op() + ": gradient of input " + i + " has shape "
                                + Shape.str(gin[i].shape()) + " but the input has shape " + Shape.str(in.shape()));
                    }
                    Tensor prev = pending.get(in);
                    pending.put(in, prev == null ? gin[i] : prev.add(gin[i]));
                }
            }
        }
    }

    /** Runs one backward rule: timed by the profiler, and checked by anomaly mode. */
    private static Tensor[] applyRule(GradFn fn, Tensor g, boolean[] needs) {
        try (Profiler.Scope s = Profiler.backwardOf(fn.op())) {
            if (!AnomalyMode.isEnabled()) {
                return fn.apply(g, needs);
            }
            Tensor[] gin;
            AnomalyMode.enterBackward(fn);
            try {
                gin = fn.apply(g, needs);
            } finally {
                AnomalyMode.exitBackward();
            }
            AnomalyMode.checkBackward(fn, g, gin);
            return gin;
        }
    }

    /** A tensor's gradient hooks in the order registered; a hook's non-null result replaces the gradient. */
    private static Tensor runHooks(Tensor t, Tensor g) {
        for (UnaryOperator<Tensor> hook : t.gradHooks()) {
            Tensor r = hook.apply(g);
            if (r != null) {
                if (!Arrays.equals(r.shape(), g.shape()) || r.dtype() != g.dtype() || r.backend() != g.backend()) {
                    throw new IllegalStateException("a gradient hook of " + describe(t) + " returned a "
                            + r.dtype().numpyName() + " tensor " + Shape.str(r.shape()) + " on " + r.backend().name()
                            + "; it must return null or a gradient like the one it was given (" + g.dtype().numpyName()
                            + " " + Shape.str(g.shape()) + " on " + g.backend().name() + ")");
                }
                g = r;
            }
        }
        return g;
    }

    private static String describe(Tensor t) {
        return (t.name() != null ? "'" + t.name() + "' " : "") + Shape.str(t.shape())
                + (t.gradFn() != null ? " (made by " + t.gradFn().op() + ")" : " (a leaf)");
    }

    private static void accumulateLeaf(Tensor leaf, Tensor g) {
        try (Profiler.Scope s = Profiler.opScope("accumulate grad")) {
            accumulate(leaf, g);
        }
    }

    private static void accumulate(Tensor leaf, Tensor g) {
        Tensor grad = leaf.grad();
        if (grad == null) {
            // Gradients of leaves outlive any step scope: copy them out of it.
            try (MemoryScope.Untracked u = MemoryScope.untracked()) {
                leaf.setGrad(g.copy());
            }
        } else {
            grad.backend().elementwise().axpy(1.0, g.storage(), grad.storage());
        }
    }

    /** Tensors reachable from root through gradFn inputs, inputs before outputs (iterative DFS). */
    static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[]{root, 0});
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Tensor t = (Tensor) top[0];
            int next = (Integer) top[1];
            GradFn fn = t.gradFn();
            if (fn != null && next < fn.arity()) {
                top[1] = next + 1;
                Tensor in = fn.input(next);
                if (in != null && in.requiresGrad() && !seen.containsKey(in)) {
                    seen.put(in, Boolean.TRUE);
                    stack.push(new Object[]{in, 0});
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
