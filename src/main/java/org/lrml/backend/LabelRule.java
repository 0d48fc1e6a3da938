package org.lrml.backend;

/** Which columns a ranking row may select, given row and column labels (spec section 6). */
public enum LabelRule {
    /** every column (labels ignored) */
    ANY,
    /** only columns whose label equals the row's */
    SAME,
    /** only columns whose label differs from the row's */
    DIFFERENT
}
