package org.lrml.backend;

/** The tuple losses the engine computes with one signature (spec sections 3 and 5). */
public enum LossKind {
    LRML, CONTRASTIVE, TRIPLET;

    public static LossKind parse(String s) {
        for (LossKind k : values()) {
            if (k.name().equalsIgnoreCase(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown loss '" + s + "': expected lrml, contrastive or triplet");
    }
}
