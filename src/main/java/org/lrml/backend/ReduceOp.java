package org.lrml.backend;

/** Reductions over a set of axes; see {@link org.lrml.backend.family.Reduce#reduce}. */
public enum ReduceOp {
    SUM, MAX, MIN
}
