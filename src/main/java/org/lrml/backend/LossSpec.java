package org.lrml.backend;

/**
 * A tuple loss and all its parameters (spec sections 3 and 5). Tuples are (q, p, n_1..n_K).
 *
 * <ul>
 *   <li>LRML: alpha (negative boundary), margin m (positive boundary alpha - m), temperature T,
 *       lambda (weight of L_neg), delta (rank-graded boundary step), mu (weight of L_order),
 *       orderEps (eps_o).</li>
 *   <li>CONTRASTIVE: margin (default 0.7); other fields ignored.</li>
 *   <li>TRIPLET: margin (default 0.1); other fields ignored.</li>
 * </ul>
 * Distances use d = sqrt(max(2 - 2s, EPS)) with EPS = 1e-12.
 */
public record LossSpec(LossKind kind, double alpha, double margin, double temperature, double lambda,
                       double delta, double mu, double orderEps) {

    /** The eps inside d = sqrt(max(2 - 2s, eps)). */
    public static final double EPS = 1e-12;

    public LossSpec {
        if (kind == null) {
            throw new IllegalArgumentException("loss kind is required");
        }
        check("alpha", alpha, false);
        check("margin", margin, true);
        check("temperature", temperature, true);
        check("lambda", lambda, true);
        check("delta", delta, true);
        check("mu", mu, true);
        check("order-eps", orderEps, false);
    }

    /**
     * One parameter, named as its command-line flag is (the message is printed as is by lrml lossgrad and train);
     * the record's own toString cannot be used here, the fields are not assigned yet.
     */
    private static void check(String name, double v, boolean nonNegative) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("loss parameter --" + name + " must be finite, got " + v);
        }
        if (nonNegative && v < 0) {
            throw new IllegalArgumentException("loss parameter --" + name + " must be >= 0, got " + v);
        }
    }

    /** LRML with the spec's defaults: alpha 1.2, m 0.4, T 10, lambda 1, delta 0, mu 0, eps_o 0.05. */
    public static LossSpec lrml() {
        return new LossSpec(LossKind.LRML, 1.2, 0.4, 10.0, 1.0, 0.0, 0.0, 0.05);
    }

    public static LossSpec contrastive(double margin) {
        return new LossSpec(LossKind.CONTRASTIVE, 0, margin, 0, 0, 0, 0, 0);
    }

    public static LossSpec triplet(double margin) {
        return new LossSpec(LossKind.TRIPLET, 0, margin, 0, 0, 0, 0, 0);
    }

    /** The defaults of a kind (contrastive margin 0.7, triplet margin 0.1). */
    public static LossSpec defaults(LossKind kind) {
        return switch (kind) {
            case LRML -> lrml();
            case CONTRASTIVE -> contrastive(0.7);
            case TRIPLET -> triplet(0.1);
        };
    }

    public LossSpec withAlpha(double v) {
        return new LossSpec(kind, v, margin, temperature, lambda, delta, mu, orderEps);
    }

    public LossSpec withMargin(double v) {
        return new LossSpec(kind, alpha, v, temperature, lambda, delta, mu, orderEps);
    }

    public LossSpec withTemperature(double v) {
        return new LossSpec(kind, alpha, margin, v, lambda, delta, mu, orderEps);
    }

    public LossSpec withLambda(double v) {
        return new LossSpec(kind, alpha, margin, temperature, v, delta, mu, orderEps);
    }

    public LossSpec withDelta(double v) {
        return new LossSpec(kind, alpha, margin, temperature, lambda, v, mu, orderEps);
    }

    public LossSpec withMu(double v) {
        return new LossSpec(kind, alpha, margin, temperature, lambda, delta, v, orderEps);
    }

    public LossSpec withOrderEps(double v) {
        return new LossSpec(kind, alpha, margin, temperature, lambda, delta, mu, v);
    }
}
