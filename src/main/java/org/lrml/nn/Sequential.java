package org.lrml.nn;

import org.lrml.tensor.Tensor;

/** Modules applied in order; children are named "0", "1", ... unless given names. */
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
        for (Module m : layers) {
            h = m.call(h);
        }
        return h;
    }
}
