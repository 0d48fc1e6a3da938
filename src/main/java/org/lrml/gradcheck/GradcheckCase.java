package org.lrml.gradcheck;

import java.util.function.Function;

import org.lrml.util.Rng;

/**
 * A named gradient check: op name, variant (sizes, options), and a factory that builds the problem
 * from a seeded stream. Cases use odd sizes and inputs away from kinks (ReLU at 0, ties in max) so that
 * central differences are valid.
 */
public record GradcheckCase(String op, String variant, Function<Rng, Problem> factory) {

    public String name() {
        return variant.isEmpty() ? op : op + " " + variant;
    }
}
