package org.lrml.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.lrml.backend.Backend;
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
 */
public abstract class Module {
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** The layer's computation. */
    public abstract Tensor forward(Tensor x);

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
