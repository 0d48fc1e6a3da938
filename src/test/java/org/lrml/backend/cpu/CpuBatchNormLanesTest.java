package org.lrml.backend.cpu;

import org.junit.jupiter.api.Test;
import org.lrml.util.Tolerance;

/**
 * The float32 segment sums of batch norm, both the eight-lane scalar loops (the path without the Vector
 * API) and the vector ones, against double sums, on offsets and lengths around the lane widths.
 */
class CpuBatchNormLanesTest {

    @Test
    void scalarAndVectorLaneSumsMatchDoubleSums() {
        float[] v = CpuGemmFastTest.floats(7, 4000);
        float[] d = CpuGemmFastTest.floats(8, 4000);
        for (int i = 0; i < v.length; i++) {
            v[i] += 3f; // a mean away from zero, as activations have
        }
        float mu = 2.9f;
        float[] scratch = new float[64];
        int[][] segments = {{0, 1}, {3, 7}, {5, 8}, {11, 31}, {2, 32}, {1, 33}, {17, 49}, {100, 196}, {0, 784},
                {9, 1999}};
        int n = segments.length;
        double[] exact = new double[3 * n];
        double[] scalar = new double[3 * n];
        double[] vector = new double[3 * n];
        for (int i = 0; i < n; i++) {
            int from = segments[i][0];
            int len = segments[i][1];
            double s = 0;
            double sq = 0;
            double dot = 0;
            for (int j = from; j < from + len; j++) {
                s += v[j];
                sq += ((double) v[j] - mu) * ((double) v[j] - mu);
                dot += (double) d[j] * ((double) v[j] - mu);
            }
            exact[3 * i] = s;
            exact[3 * i + 1] = sq;
            exact[3 * i + 2] = dot;
            scalar[3 * i] = CpuBatchNorm.Lanes.sum(v, from, len);
            scalar[3 * i + 1] = CpuBatchNorm.Lanes.sumSquaredDeviation(v, from, len, mu);
            scalar[3 * i + 2] = CpuBatchNorm.Lanes.dotDeviation(d, v, from, len, mu);
            vector[3 * i] = CpuBatchNorm.Lanes.sum(v, from, len, scratch);
            vector[3 * i + 1] = CpuBatchNorm.Lanes.sumSquaredDeviation(v, from, len, mu, scratch);
            vector[3 * i + 2] = CpuBatchNorm.Lanes.dotDeviation(d, v, from, len, mu, scratch);
        }
        Tolerance.F32.check("eight-lane scalar sums", null, exact, scalar);
        Tolerance.F32.check("vector-lane sums", null, exact, vector);
    }
}
