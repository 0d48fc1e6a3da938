package org.lrml.nn;

import org.lrml.tensor.Tensor;

/**
 * Modules applied in order; children are named "0", "1", ... unless given names. A {@link BatchNorm2d} directly followed
 * by a {@link Relu}, neither with hooks, runs as one fused op ({@link BatchNorm2d#forwardRelu}: the same values, one
 * pass over the map instead of three where the backend fuses them).
 */
public final class Sequential extends Module {
    private final java.util.List<Module> layers = new java.util.ArrayList<>();

    public Sequential(Module... modules) {
        for (Module m : modules) {
            add(String.valueOf(layers.size()), m);
        }
    }

    public Sequential add(String name, Module m) {
        registerModule(name, m);
        layers.add(m);
        return this;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = x;
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            if (m instanceof BatchNorm2d bn && i + 1 < layers.size() && layers.get(i + 1) instanceof Relu relu
                    && !bn.hasHooks() && !relu.hasHooks()) {
                h = bn.forwardRelu(h);
                i++;
            } else {
                h = m.call(h);
            }
        }
        return h;
    }
}
