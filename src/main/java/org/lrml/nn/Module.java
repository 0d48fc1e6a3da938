package org.lrml.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.lrml.autograd.Autograd;
import org.lrml.autograd.HookHandle;
import org.lrml.backend.Backend;
import org.lrml.backend.DType;
import org.lrml.tensor.MemoryScope;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * A layer or network: named parameters (leaves that require grad), named buffers (state that is not
 * trained, e.g. batch-norm running statistics), child modules, and a training flag. Names are dotted
 * paths ("block1.conv.weight") and are the keys of checkpoints.
 *
 * <p>Subclasses read their tensors through {@link #param} and {@link #buffer} rather than keeping
 * fields, so {@link #to(Backend)} and {@link #loadStateDict} can replace them.
 *
 * <p>{@link #call} runs {@link #forward} with the module's hooks (forward pre-hooks, forward hooks, backward hooks,
 * like PyTorch's {@code module(x)}); containers call their children through it. Without hooks it is exactly
 * {@code forward}.
 */
public abstract class Module {
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;
    private List<UnaryOperator<Tensor>> preHooks;
    private List<ForwardHook> forwardHooks;
    private List<BackwardHook> backwardHooks;

    /**
     * The layer's computation.
     *
     * @param x the input
     * @return the output
     */
    public abstract Tensor forward(Tensor x);

    /** Sees (and may replace) a module's output each time it runs. */
    @FunctionalInterface
    public interface ForwardHook {
        /**
         * @param module the module
         * @param input  its input
         * @param output its output
         * @return null to keep the output, or the tensor to use instead
         */
        Tensor apply(Module module, Tensor input, Tensor output);
    }

    /** Sees (and may replace) the gradient of a module's input during backward. */
    @FunctionalInterface
    public interface BackwardHook {
        /**
         * @param module     the module
         * @param gradInput  dL/d(input), or null when the input does not require grad
         * @param gradOutput dL/d(output)
         * @return null to keep gradInput, or the gradient to pass on instead (same shape)
         */
        Tensor apply(Module module, Tensor gradInput, Tensor gradOutput);
    }

    /**
     * Runs {@link #forward} with this module's hooks: pre-hooks may replace the input, forward hooks the output, and
     * backward hooks see (and may replace) the input's gradient once backward has it. Without hooks this is
     * {@code forward(x)} and nothing else.
     *
     * @param x the input
     * @return the output
     */
    /** Whether any pre-, forward or backward hook is registered (a container fuses only modules without hooks). */
    public final boolean hasHooks() {
        return (preHooks != null && !preHooks.isEmpty()) || (forwardHooks != null && !forwardHooks.isEmpty())
                || (backwardHooks != null && !backwardHooks.isEmpty());
    }

    public final Tensor call(Tensor x) {
        if (preHooks == null && forwardHooks == null && backwardHooks == null) {
            return forward(x);
        }
        Tensor in = x;
        if (preHooks != null) {
            for (UnaryOperator<Tensor> h : List.copyOf(preHooks)) {
                Tensor r = h.apply(in);
                in = r != null ? r : in;
            }
        }
        Tensor[] gradOutput = new Tensor[1];
        boolean hooked = backwardHooks != null && !backwardHooks.isEmpty();
        Tensor input = in;
        Tensor fin = hooked && in.requiresGrad() ? Autograd.record("backward hooks of " + kind(),
                Tensor.wrap(in.storage(), in.shape()), (dy, needs) -> new Tensor[]{runBackwardHooks(dy, gradOutput[0])},
                in) : in;
        Tensor out = forward(fin);
        if (forwardHooks != null) {
            for (ForwardHook h : List.copyOf(forwardHooks)) {
                Tensor r = h.apply(this, input, out);
                out = r != null ? r : out;
            }
        }
        if (hooked && out.requiresGrad()) {
            boolean inputHasGrad = in.requiresGrad();
            out = Autograd.record("output gradient of " + kind(), Tensor.wrap(out.storage(), out.shape()),
                    (dy, needs) -> {
                        gradOutput[0] = dy;
                        if (!inputHasGrad) {
                            runBackwardHooks(null, dy);
                        }
                        return new Tensor[]{dy};
                    }, out);
        }
        return out;
    }

    private Tensor runBackwardHooks(Tensor gradInput, Tensor gradOutput) {
        Tensor g = gradInput;
        for (BackwardHook h : List.copyOf(backwardHooks)) {
            Tensor r = h.apply(this, g, gradOutput);
            if (r != null) {
                if (g != null && !java.util.Arrays.equals(r.shape(), g.shape())) {
                    throw new IllegalStateException("a backward hook of " + kind() + " returned a gradient of shape "
                            + Shape.str(r.shape()) + " for an input of shape " + Shape.str(g.shape()));
                }
                g = r;
            }
        }
        return g;
    }

    private String kind() {
        return getClass().getSimpleName();
    }

    /**
     * Calls {@code hook} with the input before each {@link #call}; a non-null result replaces the input.
     *
     * @param hook the hook
     * @return the handle that removes it
     */
    public final HookHandle registerForwardPreHook(UnaryOperator<Tensor> hook) {
        if (preHooks == null) {
            preHooks = new ArrayList<>();
        }
        return add(preHooks, hook);
    }

    /**
     * Calls {@code hook} with input and output after each {@link #call}; a non-null result replaces the output.
     *
     * @param hook the hook
     * @return the handle that removes it
     */
    public final HookHandle registerForwardHook(ForwardHook hook) {
        if (forwardHooks == null) {
            forwardHooks = new ArrayList<>();
        }
        return add(forwardHooks, hook);
    }

    /**
     * Calls {@code hook} in backward with the gradients of this module's input and output (of calls made after
     * registering); a non-null result replaces the input's gradient.
     *
     * @param hook the hook
     * @return the handle that removes it
     */
    public final HookHandle registerBackwardHook(BackwardHook hook) {
        if (backwardHooks == null) {
            backwardHooks = new ArrayList<>();
        }
        return add(backwardHooks, hook);
    }

    private <H> HookHandle add(List<H> list, H hook) {
        list.add(java.util.Objects.requireNonNull(hook, "hook"));
        return () -> list.remove(hook);
    }

    protected final Tensor registerParameter(String name, Tensor t) {
        checkName(name);
        t.requiresGrad(true);
        params.put(name, t);
        return t;
    }

    protected final Tensor registerBuffer(String name, Tensor t) {
        checkName(name);
        buffers.put(name, t);
        return t;
    }

    protected final <M extends Module> M registerModule(String name, M m) {
        checkName(name);
        children.put(name, m);
        return m;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".") || params.containsKey(name) || buffers.containsKey(name)
                || children.containsKey(name)) {
            throw new IllegalArgumentException("bad or duplicate module entry name '" + name + "'");
        }
    }

    /** A parameter of this module (not of children). */
    protected final Tensor param(String name) {
        Tensor t = params.get(name);
        if (t == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " has no parameter '" + name + "'");
        }
        return t;
    }

    protected final Tensor buffer(String name) {
        Tensor t = buffers.get(name);
        if (t == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " has no buffer '" + name + "'");
        }
        return t;
    }

    public final Map<String, Module> children() {
        return java.util.Collections.unmodifiableMap(children);
    }

    /** All parameters, depth first, with dotted names. */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, false);
        return out;
    }

    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out, boolean wantBuffers) {
        for (Map.Entry<String, Tensor> e : (wantBuffers ? buffers : params).entrySet()) {
            out.put(prefix + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collect(prefix + e.getKey() + ".", out, wantBuffers);
        }
    }

    /** Parameters and buffers by dotted name (the checkpoint content). */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = namedParameters();
        out.putAll(namedBuffers());
        return out;
    }

    /**
     * Overwrites every parameter and buffer from the map (values copied, on this module's backend).
     * Missing, unexpected or mis-shaped entries are an error that names them.
     */
    public final void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> mine = stateDict();
        List<String> missing = new ArrayList<>();
        for (String k : mine.keySet()) {
            if (!state.containsKey(k)) {
                missing.add(k);
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String k : state.keySet()) {
            if (!mine.containsKey(k)) {
                unexpected.add(k);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new IllegalArgumentException("state does not fit " + getClass().getSimpleName() + ": missing "
                    + missing + ", unexpected " + unexpected);
        }
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (!java.util.Arrays.equals(src.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("state entry '" + e.getKey() + "' has shape " + Shape.str(src.shape())
                        + " but the module expects " + Shape.str(e.getValue().shape()));
            }
            e.getValue().copyFrom(src.dtype() == e.getValue().dtype() ? src : src.to(e.getValue().dtype()));
        }
    }

    /** Moves every parameter and buffer to the backend (new leaf tensors; gradients dropped). */
    public final Module to(Backend backend) {
        try (MemoryScope.Untracked u = MemoryScope.untracked()) {
            params.replaceAll((k, t) -> t.backend() == backend ? t : t.to(backend).requiresGrad(true));
            buffers.replaceAll((k, t) -> t.to(backend));
        }
        for (Module m : children.values()) {
            m.to(backend);
        }
        return this;
    }

    /**
     * Converts every parameter and buffer to {@code dtype} (new leaf tensors; gradients dropped), e.g. float64 for
     * exact experiments on the CPU.
     *
     * @param dtype the element type
     * @return this module
     */
    public final Module to(DType dtype) {
        try (MemoryScope.Untracked u = MemoryScope.untracked()) {
            params.replaceAll((k, t) -> t.dtype() == dtype ? t : t.to(dtype).requiresGrad(true));
            buffers.replaceAll((k, t) -> t.to(dtype));
        }
        for (Module m : children.values()) {
            m.to(dtype);
        }
        return this;
    }

    /** Training mode (batch statistics, dropout on) or evaluation mode; recursive. */
    public Module train(boolean on) {
        training = on;
        for (Module m : children.values()) {
            m.train(on);
        }
        return this;
    }

    public final boolean isTraining() {
        return training;
    }

    public final void zeroGrad() {
        for (Tensor p : parameters()) {
            p.zeroGrad();
        }
    }

    /** Number of trainable scalars. */
    public final long parameterCount() {
        long n = 0;
        for (Tensor p : parameters()) {
            n += p.numel();
        }
        return n;
    }
}
