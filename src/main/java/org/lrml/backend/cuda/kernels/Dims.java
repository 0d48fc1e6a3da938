package org.lrml.backend.cuda.kernels;

import java.util.Arrays;

import org.lrml.backend.cuda.KernelArgs;

/**
 * Shapes and strides for the kernels' {@code Dims8} parameter (common.cuh): at most {@value #MAX_RANK} axes,
 * packed as eight 64-bit integers. Launchers merge axes first, so only tensors whose layout truly needs more
 * than eight axes are refused.
 */
final class Dims {
    static final int MAX_RANK = 8;

    private Dims() {
    }

    /** Adds a Dims8 struct argument (values padded with the given filler). */
    static KernelArgs add(KernelArgs args, String name, long[] values, int rank, long filler, String op) {
        if (rank > MAX_RANK) {
            throw new IllegalArgumentException(op + ": the CUDA kernels take at most " + MAX_RANK + " axes after merging"
                    + " contiguous ones, this layout needs " + rank + " (" + Arrays.toString(Arrays.copyOf(values, rank))
                    + ")");
        }
        long[] d = new long[MAX_RANK];
        Arrays.fill(d, filler);
        System.arraycopy(values, 0, d, 0, rank);
        return args.structOfLongs(name, d);
    }

    /** Row-major strides of a shape. */
    static long[] strides(long[] shape, int rank) {
        long[] s = new long[rank];
        long acc = 1;
        for (int i = rank - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
