package org.lrml.backend.cuda.vendor;


import org.lrml.util.Setting;

/**
 * The cuBLAS math mode every handle gets: CUBLAS_DEFAULT_MATH, which for float32 GEMM is plain FP32 (TF32 tensor
 * cores need CUBLAS_TF32_TENSOR_OP_MATH, which is never set), or with {@code -Dlrml.cuda.cublas.math=pedantic}
 * CUBLAS_PEDANTIC_MATH, which also rules out any reduced-precision internal path (slower; for checks).
 */
public final class CublasMath {
    public static final String PROPERTY = "lrml.cuda.cublas.math";
    static final int DEFAULT_MATH = 0;
    static final int PEDANTIC_MATH = 2;

    private CublasMath() {
    }

    public static int mode() {
        return Setting.CUDA_CUBLAS_MATH.choice("default", "default", "pedantic").equals("pedantic") ? PEDANTIC_MATH
                : DEFAULT_MATH;
    }

    public static String describe() {
        return mode() == PEDANTIC_MATH ? "CUBLAS_PEDANTIC_MATH" : "CUBLAS_DEFAULT_MATH (FP32, no TF32)";
    }
}
