package org.lrml.backend;

/** Elementwise z = f(a, b) with NumPy broadcasting; see {@link Backend#binary}. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV,
    /** a^b */
    POW,
    MAX, MIN,
    /** 1 if a == b else 0 (used to route max-reduction gradients to the arg-max) */
    EQ
}
