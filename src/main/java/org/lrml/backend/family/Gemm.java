package org.lrml.backend.family;

import org.lrml.backend.GemmSpec;
import org.lrml.backend.Storage;

/** Dense matrix products (kernels/gemm.cu, or cuBLAS where it loads). */
public interface Gemm {

    /** C = alpha op(A) op(B) + beta C, batched, as {@link GemmSpec} defines it. */
    void gemm(GemmSpec spec, Storage a, Storage b, Storage c);
}
