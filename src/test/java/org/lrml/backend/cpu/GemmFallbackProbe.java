package org.lrml.backend.cpu;

import org.lrml.backend.GemmSpec;

/**
 * Run in a JVM without jdk.incubator.vector by {@link CpuGemmFallbackTest}: prints which kernel serves
 * float32 products, then the bits of a fixed product, one value per line.
 */
public final class GemmFallbackProbe {
    private GemmFallbackProbe() {
    }

    static float[] product() {
        int m = 21;
        int n = 70;
        int k = 300;
        float[] a = CpuGemmFastTest.floats(5, m * k);
        float[] b = CpuGemmFastTest.floats(6, k * n);
        float[] c = new float[m * n];
        CpuGemmFast.gemm(GemmSpec.of(false, false, m, n, k), a, b, c);
        return c;
    }

    public static void main(String[] args) {
        System.out.println(CpuGemmFast.describe());
        for (float v : product()) {
            System.out.println(Float.floatToRawIntBits(v));
        }
    }
}
