package org.lrml.testutil;

import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;
import org.lrml.util.Tolerance;

/** Seeded inputs and the project's tolerance rule, for tests on every backend. */
public final class TestData {
    private TestData() {
    }

    public static double[] normal(long seed, int n) {
        Rng r = new Rng(seed);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = r.nextGaussian();
        }
        return d;
    }

    public static double[] uniform(long seed, int n, double lo, double hi) {
        Rng r = new Rng(seed);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = lo + (hi - lo) * r.nextDouble();
        }
        return d;
    }

    /** A CPU tensor of the given dtype holding (rounded) normal values. */
    public static Tensor randn(long seed, DType dtype, int... shape) {
        return Tensor.fromDoubles(Backends.cpu(), dtype, normal(seed, Math.toIntExact(Shape.numel(shape))), shape);
    }

    /** Values as the tensor holds them (so float32 references start from the same rounded inputs). */
    public static double[] values(Tensor t) {
        return t.toDoubleArray();
    }

    public static Tolerance tol(DType dtype) {
        return dtype == DType.F32 ? Tolerance.F32 : Tolerance.F64;
    }

    /** Asserts with the tolerance rule of the dtype. */
    public static void assertClose(String what, double[] expected, Tensor actual) {
        tol(actual.dtype()).check(what, actual.shape(), expected, actual.toDoubleArray());
    }

    public static void assertClose(String what, double[] expected, double[] actual, Tolerance tol) {
        tol.check(what, null, expected, actual);
    }
}
