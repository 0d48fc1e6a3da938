package org.lrml.autograd;

import java.util.ArrayDeque;
import java.util.Locale;

import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * Finds the op that made the first NaN or infinity. While it is on, every op's output is checked when the op is
 * taped (forward), and every gradient a backward rule returns (backward); the first non-finite value stops the
 * computation with an {@link AnomalyException} that names the op, the line of the caller's code that created it,
 * and the statistics of its inputs (and, in backward, of the incoming gradient). It costs a copy of every result to
 * the host, so it is for hunting a NaN, not for training runs ({@code lrml train --detect-anomaly}).
 *
 * <pre>
 *   try (AnomalyMode a = AnomalyMode.enable()) {
 *       loss = model.forward(x) ...; loss.backward();
 *   }
 * </pre>
 * Process-wide (the trainer's step and any helper threads it starts are covered); scopes nest.
 */
public final class AnomalyMode implements AutoCloseable {
    private static volatile int depth;
    /** The backward rules running on this thread (ops taped inside one are reported as its). */
    private static final ThreadLocal<ArrayDeque<GradFn>> IN_BACKWARD = ThreadLocal.withInitial(ArrayDeque::new);
    private boolean closed;

    private AnomalyMode() {
        synchronized (AnomalyMode.class) {
            depth++;
        }
    }

    /**
     * Turns anomaly detection on until the returned scope closes.
     *
     * @return the scope
     */
    public static AnomalyMode enable() {
        return new AnomalyMode();
    }

    /**
     * Whether anomaly detection is on.
     *
     * @return true inside an {@link #enable()} scope
     */
    public static boolean isEnabled() {
        return depth > 0;
    }

    @Override
    public void close() {
        synchronized (AnomalyMode.class) {
            if (!closed) {
                closed = true;
                depth--;
            }
        }
    }

    /** The first frame of the stack outside the engine's tensor machinery: where the user's code made the op. */
    static StackTraceElement creationSite() {
        for (StackTraceElement e : new Throwable().getStackTrace()) {
            String c = e.getClassName();
            if (!(c.startsWith("org.lrml.autograd.") || c.startsWith("org.lrml.ops.") || c.startsWith("org.lrml.tensor.")
                    || c.startsWith("org.lrml.nn.") || c.startsWith("org.lrml.profile.") || c.startsWith("java.")
                    || c.startsWith("jdk.") || c.startsWith("sun."))) {
                return e;
            }
        }
        return null;
    }

    static void enterBackward(GradFn fn) {
        IN_BACKWARD.get().push(fn);
    }

    static void exitBackward() {
        IN_BACKWARD.get().pop();
    }

    /** Forward: the op's output must be finite. Inside a backward rule, the rule is blamed. */
    static void checkForward(String op, Tensor out, Tensor[] inputs) {
        String bad = nonFinite(out);
        if (bad == null) {
            return;
        }
        GradFn inBackward = IN_BACKWARD.get().peek();
        if (inBackward != null) {
            throw new AnomalyException(inBackward.op(), true, inBackward.site(), String.format(Locale.ROOT,
                    "the backward of %s produced %s in its %s step%n%s", inBackward.op(), bad, op,
                    describe("inputs of that step", inputs)) + "\n" + describe("inputs of " + inBackward.op(),
                    inBackward.inputs()));
        }
        StackTraceElement site = creationSite();
        throw new AnomalyException(op, false, site, String.format(Locale.ROOT, "%s produced %s in its output %s%s%n%s",
                op, bad, Shape.str(out.shape()), at(site), describe("inputs", inputs)));
    }

    /** Backward: every gradient the rule returned must be finite. */
    static void checkBackward(GradFn fn, Tensor dy, Tensor[] grads) {
        for (int i = 0; i < grads.length; i++) {
            String bad = grads[i] == null ? null : nonFinite(grads[i]);
            if (bad != null) {
                throw new AnomalyException(fn.op(), true, fn.site(), String.format(Locale.ROOT,
                        "the backward of %s produced %s in the gradient of input %d%s%n%s%n%s", fn.op(), bad, i,
                        at(fn.site()), describe("incoming gradient", new Tensor[]{dy}),
                        describe("inputs of " + fn.op(), fn.inputs())));
            }
        }
    }

    private static String at(StackTraceElement site) {
        return site == null ? "" : " (the op was created at " + site + ")";
    }

    /** "NaN at [2, 3]" for the first non-finite element, or null when all are finite. */
    private static String nonFinite(Tensor t) {
        double[] v = t.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                return (Double.isNaN(v[i]) ? "NaN" : v[i] > 0 ? "+Inf" : "-Inf") + " at element " + i;
            }
        }
        return null;
    }

    /** One line per tensor: shape, dtype, min, max, mean, and the counts of NaN, Inf and zeros. */
    static String describe(String what, Tensor[] ts) {
        StringBuilder sb = new StringBuilder(what).append(':');
        for (int k = 0; k < ts.length; k++) {
            Tensor t = ts[k];
            sb.append("\n  ").append(k).append(": ");
            if (t == null) {
                sb.append("none");
                continue;
            }
            if (t.storage().isClosed()) {
                sb.append(Shape.str(t.shape())).append(" (released)");
                continue;
            }
            double[] v = t.toDoubleArray();
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            int finite = 0;
            int nan = 0;
            int inf = 0;
            int zeros = 0;
            for (double x : v) {
                if (Double.isNaN(x)) {
                    nan++;
                } else if (Double.isInfinite(x)) {
                    inf++;
                } else {
                    finite++;
                    sum += x;
                    min = Math.min(min, x);
                    max = Math.max(max, x);
                }
                if (x == 0) {
                    zeros++;
                }
            }
            sb.append(String.format(Locale.ROOT, "%s %s min %.6g max %.6g mean %.6g, %d NaN, %d Inf, %d zeros",
                    Shape.str(t.shape()), t.dtype().numpyName(), finite == 0 ? Double.NaN : min,
                    finite == 0 ? Double.NaN : max, finite == 0 ? Double.NaN : sum / finite, nan, inf, zeros));
        }
        return sb.toString();
    }
}
