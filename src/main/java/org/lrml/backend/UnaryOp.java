package org.lrml.backend;

/**
 * Elementwise maps y = f(x; p0, p1) that backends implement, each with its specification in double and its
 * number in kernels/elementwise.cu. The specification is what every backend computes: the CPU evaluates it (in
 * double, rounded once to the storage's dtype; hot ops have float loops proven equal to it), and the CUDA kernel
 * repeats it under the tolerance rule. Parameters p0 and p1 are scalars whose meaning each constant documents;
 * unused ones are ignored. Gradients are not here: each op's file writes its backward in terms of these
 * primitives.
 *
 * <p>Adding an op (docs/adding-an-op.md): a constant here with the next free code, the same {@code #define U_<NAME>}
 * and its case in kernels/elementwise.cu ({@code OpCodesTest} fails while the two differ), the op's file in
 * org.lrml.ops with its backward, and a gradcheck case.
 */
public enum UnaryOp {
    /** -x */
    NEG(0, (x, p0, p1) -> -x),
    /** e^x */
    EXP(1, (x, p0, p1) -> Math.exp(x)),
    /** ln x */
    LOG(2, (x, p0, p1) -> Math.log(x)),
    /** sqrt x */
    SQRT(3, (x, p0, p1) -> Math.sqrt(x)),
    /** |x| */
    ABS(4, (x, p0, p1) -> Math.abs(x)),
    /** sign x in {-1, 0, 1}; NaN and +-0 pass through */
    SIGN(5, (x, p0, p1) -> Math.signum(x)),
    /** max(x, 0); NaN stays NaN */
    RELU(6, (x, p0, p1) -> x > 0 ? x : (x == x ? 0.0 : x)),
    /** x^p0 */
    POW(7, (x, p0, p1) -> Math.pow(x, p0)),
    /** p0 * x + p1 */
    AFFINE(8, (x, p0, p1) -> p0 * x + p1),
    /** min(max(x, p0), p1) */
    CLAMP(9, (x, p0, p1) -> Math.min(Math.max(x, p0), p1)),
    /** 1 if p0 &lt;= x &lt;= p1 else 0 (the clamp's pass-through mask) */
    IN_RANGE(10, (x, p0, p1) -> (p0 <= x && x <= p1) ? 1.0 : 0.0),
    /** 1 if x &gt; p0 else 0 (ReLU's mask with p0 = 0) */
    GREATER(11, (x, p0, p1) -> x > p0 ? 1.0 : 0.0),
    /** 1 / x */
    RECIPROCAL(12, (x, p0, p1) -> 1.0 / x),
    /** tanh x */
    TANH(13, (x, p0, p1) -> Math.tanh(x)),
    /** 1 / (1 + e^-x), the logistic function; 0 and 1 at the extremes, never NaN for a number */
    SIGMOID(14, (x, p0, p1) -> 1.0 / (1.0 + Math.exp(-x)));

    /** f(x; p0, p1) in double. */
    @FunctionalInterface
    public interface Formula {
        double apply(double x, double p0, double p1);
    }

    private final int code;
    private final Formula formula;

    UnaryOp(int code, Formula formula) {
        this.code = code;
        this.formula = formula;
    }

    /** The op's number in kernels/elementwise.cu ({@code #define U_<NAME> code}). */
    public int code() {
        return code;
    }

    /** The specification: f(x; p0, p1) in double. */
    public double apply(double x, double p0, double p1) {
        return formula.apply(x, p0, p1);
    }
}
