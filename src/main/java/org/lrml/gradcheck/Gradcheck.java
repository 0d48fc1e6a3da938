package org.lrml.gradcheck;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.lrml.autograd.CustomFunction;
import org.lrml.autograd.NoGrad;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;
import org.lrml.util.Tolerance;

/**
 * Proves a backward rule by central finite differences in double precision. The scalar checked is
 * L = sum(f(x) * R) with fixed random weights R, so every output element's gradient path is exercised.
 * Analytic dL/dx comes from autograd; the numeric one from (L(x + h e_j) - L(x - h e_j)) / 2h with
 * h = 1e-6, for every element of small inputs and a seeded sample of up to {@value #MAX_ENTRIES} of larger ones.
 */
public final class Gradcheck {
    /** Entries checked per input at most. */
    public static final int MAX_ENTRIES = 384;
    static final double H = 1e-6;
    /** Analytic against numeric gradient: the tolerance rule with these constants. */
    public static final Tolerance TOLERANCE = new Tolerance(1e-6, 1e-5);

    private Gradcheck() {
    }

    /** Outcome of one case at one seed. */
    public record Result(String name, long seed, boolean passed, int entries, double maxAbsError, String message) {
        @Override
        public String toString() {
            return String.format("%-44s seed %d  %s  %4d entries  max abs err %.2e%s", name, seed,
                    passed ? "ok  " : "FAIL", entries, maxAbsError, passed ? "" : "\n    " + message);
        }
    }

    /**
     * Checks the gradient of any differentiable function of float64 CPU tensors, e.g. a
     * {@link org.lrml.autograd.CustomFunction}'s hand-written backward: every input that requires grad is compared,
     * entry by entry (a seeded sample of large ones), with central differences of {@code sum(f(inputs) * R)} for fixed
     * random weights R, under {@link #TOLERANCE}.
     *
     * @param f      the function (evaluated many times; it must not draw random numbers)
     * @param inputs its inputs: float64, on the CPU; those with requiresGrad are checked
     * @return the outcome ({@link Result#passed()}, and the first mismatch in {@link Result#message()})
     */
    public static Result check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return run(new GradcheckCase("gradcheck", "", rng -> Problem.of(f, inputs)), 0);
    }

    /**
     * {@link #check(Function, Tensor...)} for a custom function.
     *
     * @param fn     the function
     * @param inputs float64 CPU inputs
     * @return the outcome
     */
    public static Result check(CustomFunction fn, Tensor... inputs) {
        return run(new GradcheckCase(fn.name(), "", rng -> Problem.of(fn::apply, inputs)), 0);
    }

    /**
     * One case of the suite at one seed.
     *
     * @param c    the case
     * @param seed its seed
     * @return the outcome
     */
    public static Result run(GradcheckCase c, long seed) {
        try {
            return runUnchecked(c, seed);
        } catch (RuntimeException | AssertionError e) {
            return new Result(c.name(), seed, false, 0, Double.NaN, "threw " + e);
        }
    }

    private static Result runUnchecked(GradcheckCase c, long seed) {
        Rng rng = new Rng(seed);
        Problem p = c.factory().apply(rng);
        Tensor[] inputs = p.inputs();
        for (Tensor t : inputs) {
            if (t.dtype() != DType.F64 || t.backend() != Backends.cpu()) {
                throw new IllegalStateException(c.name() + ": gradcheck inputs must be float64 CPU tensors");
            }
        }
        // Analytic
        Tensor y = p.f().apply(inputs);
        Tensor weights = Tensor.randn(Backends.cpu(), DType.F64, rng.fork(99), 1.0, y.shape());
        Tensor loss = y.mul(weights).sum();
        for (Tensor t : inputs) {
            t.setGrad(null);
        }
        loss.backward();
        int entries = 0;
        double maxAbs = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            Tensor x = inputs[i];
            if (!x.requiresGrad()) {
                continue;
            }
            if (x.grad() == null) {
                failures.add("input " + i + " " + Shape.str(x.shape()) + " received no gradient");
                continue;
            }
            double[] analytic = x.grad().toDoubleArray();
            double[] base = x.toDoubleArray();
            int[] which = entriesToCheck(base.length, rng.fork(i));
            double[] num = new double[which.length];
            double[] ana = new double[which.length];
            for (int e = 0; e < which.length; e++) {
                int j = which[e];
                num[e] = (lossAt(p, inputs, i, base, j, H, weights) - lossAt(p, inputs, i, base, j, -H, weights)) / (2 * H);
                ana[e] = analytic[j];
                maxAbs = Math.max(maxAbs, Math.abs(num[e] - ana[e]));
            }
            entries += which.length;
            String msg = TOLERANCE.compare("input " + i + " " + Shape.str(x.shape()) + " numeric vs analytic",
                    null, num, ana, true);
            if (msg != null) {
                int bad = firstBad(num, ana);
                failures.add(msg + " (element " + Tolerance.index(which[bad], x.shape()) + ")");
            }
        }
        boolean ok = failures.isEmpty() && entries > 0;
        if (entries == 0 && failures.isEmpty()) {
            failures.add("no input requires grad: nothing was checked");
        }
        return new Result(c.name(), seed, ok, entries, maxAbs, String.join("; ", failures));
    }

    private static int firstBad(double[] num, double[] ana) {
        for (int i = 0; i < num.length; i++) {
            if (!TOLERANCE.accepts(num[i], ana[i])) {
                return i;
            }
        }
        return 0;
    }

    private static int[] entriesToCheck(int n, Rng rng) {
        if (n <= MAX_ENTRIES) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] s = rng.sample(n, MAX_ENTRIES);
        s[0] = 0;
        s[1] = n - 1;
        return s;
    }

    private static double lossAt(Problem p, Tensor[] inputs, int which, double[] base, int j, double h, Tensor weights) {
        double[] moved = base.clone();
        moved[j] += h;
        Tensor[] args = inputs.clone();
        args[which] = Tensor.of(Backends.cpu(), moved, inputs[which].shape());
        try (NoGrad ng = NoGrad.enter()) {
            return p.f().apply(args).mul(weights).sum().item();
        }
    }

    /** Runs every case of the suite at each seed. */
    public static List<Result> runAll(List<GradcheckCase> cases, long[] seeds) {
        List<Result> out = new ArrayList<>();
        for (GradcheckCase c : cases) {
            for (long s : seeds) {
                out.add(run(c, s));
            }
        }
        return out;
    }
}
