package org.lrml.eval;

/** Which average-precision formula a protocol uses (spec section 7). */
public enum ApForm {
    /** Non-interpolated: the mean over the positives of the precision at each positive's rank. */
    STANDARD("standard"),
    /**
     * The Oxford/Paris benchmark form (also the Holidays script's): trapezoids under the precision-recall
     * curve, p0 = i/r (1 when r = 0) and p1 = (i+1)/(r+1) for the i-th positive at rank r.
     */
    OXFORD("oxford");

    private final String label;

    ApForm(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
