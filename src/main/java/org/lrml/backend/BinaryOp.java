package org.lrml.backend;

import java.util.function.DoubleBinaryOperator;

/**
 * Elementwise z = f(a, b) with NumPy broadcasting ({@link org.lrml.backend.family.Elementwise#binary}), each with
 * its specification in double and its number in kernels/elementwise.cu ({@code #define B_<NAME> code};
 * {@code OpCodesTest} holds the two equal). Float32 results are the specification rounded once, which for +, -, *
 * and / is exactly the float operation.
 */
public enum BinaryOp {
    /** a + b */
    ADD(0, (a, b) -> a + b),
    /** a - b */
    SUB(1, (a, b) -> a - b),
    /** a * b */
    MUL(2, (a, b) -> a * b),
    /** a / b */
    DIV(3, (a, b) -> a / b),
    /** a^b */
    POW(4, Math::pow),
    /** max(a, b); NaN wins */
    MAX(5, Math::max),
    /** min(a, b); NaN wins */
    MIN(6, Math::min),
    /** 1 if a == b else 0 (used to route max-reduction gradients to the arg-max) */
    EQ(7, (a, b) -> a == b ? 1.0 : 0.0);

    private final int code;
    private final DoubleBinaryOperator formula;

    BinaryOp(int code, DoubleBinaryOperator formula) {
        this.code = code;
        this.formula = formula;
    }

    /** The op's number in kernels/elementwise.cu. */
    public int code() {
        return code;
    }

    /** The specification: f(a, b) in double. */
    public double apply(double a, double b) {
        return formula.applyAsDouble(a, b);
    }
}
