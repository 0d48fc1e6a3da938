package org.lrml.backend.cuda.kernels;

/** Test access to LayoutKernels' host-side CSR builder. */
public final class LayoutKernelsAccess {
    private LayoutKernelsAccess() {
    }

    public static int[] csr(int[] rows, int tableRows) {
        return LayoutKernels.csr(rows, tableRows);
    }
}
