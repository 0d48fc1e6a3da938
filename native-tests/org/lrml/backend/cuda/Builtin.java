package org.lrml.backend.cuda;

import org.lrml.backend.Backend;
import org.lrml.backend.family.Conv;
import org.lrml.backend.family.Gemm;

/**
 * The built-in kernels of the families that have vendor providers, pinned for the tests that mean them: once cuBLAS
 * or cuDNN loads on a GPU machine, {@code backend.gemm()} and {@code backend.conv()} dispatch to the vendor library,
 * and a test of the built-in kernel (or of bit-identity with it) would silently test the vendor path instead. On
 * the CPU backend (the reference side of a comparison) these are the backend's own families.
 */
final class Builtin {
    private Builtin() {
    }

    static Gemm gemm(Backend b) {
        return b instanceof CudaBackend c ? c.gemmProvider("builtin") : b.gemm();
    }

    static Conv conv(Backend b) {
        return b instanceof CudaBackend c ? c.convProvider("builtin") : b.conv();
    }
}
