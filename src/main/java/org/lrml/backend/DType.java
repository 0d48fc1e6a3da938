package org.lrml.backend;

/**
 * Element types a {@code Tensor} can hold. Training runs in {@link #F32}; {@link #F64} exists so that
 * gradients can be proven by finite differences in double precision and so that the loss can be
 * evaluated in double for external comparisons. The CUDA backend holds F32 only.
 */
public enum DType {
    F32(4, "float32"),
    F64(8, "float64");

    private final int bytes;
    private final String numpyName;

    DType(int bytes, String numpyName) {
        this.bytes = bytes;
        this.numpyName = numpyName;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** The NumPy spelling (float32, float64), used in messages so users see familiar names. */
    public String numpyName() {
        return numpyName;
    }

    /** The wider of two types: mixing F32 and F64 in one op is an error, this is for conversions. */
    public static DType wider(DType a, DType b) {
        return a.bytes >= b.bytes ? a : b;
    }
}
