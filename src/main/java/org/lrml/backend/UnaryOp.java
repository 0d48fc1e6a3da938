package org.lrml.backend;

/**
 * Elementwise maps y = f(x; p0, p1) that backends implement. Parameters p0 and p1 are scalars whose
 * meaning each constant documents; unused ones are ignored. Gradients are not here: each op's file
 * writes its backward in terms of these primitives.
 */
public enum UnaryOp {
    /** -x */
    NEG,
    /** e^x */
    EXP,
    /** ln x */
    LOG,
    /** sqrt x */
    SQRT,
    /** |x| */
    ABS,
    /** sign x in {-1, 0, 1} */
    SIGN,
    /** max(x, 0) */
    RELU,
    /** x^p0 */
    POW,
    /** p0 * x + p1 */
    AFFINE,
    /** min(max(x, p0), p1) */
    CLAMP,
    /** 1 if p0 <= x <= p1 else 0 (the clamp's pass-through mask) */
    IN_RANGE,
    /** 1 if x > p0 else 0 (ReLU's mask with p0 = 0) */
    GREATER,
    /** 1 / x */
    RECIPROCAL
}
