package org.lrml.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.Storage;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TestData;

/**
 * The optimiser kernels over tensor lists whose sizes put chunk boundaries inside tensors, at their
 * edges, and across empty tensors, against a straight per-element loop of the documented formulas.
 */
class CpuOptimTest {
    /** Sizes around the 32768-element chunk: a chunk spans several tensors, one tensor spans chunks. */
    private static final int[] SIZES = {40000, 0, 3, 25533, 1, 32768, 7};
    private final Backend cpu = Backends.cpu();

    private List<Tensor> tensors(long seed, DType dt, double scale) {
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < SIZES.length; i++) {
            out.add(TestData.randn(seed + i, dt, SIZES[i]).mul(scale));
        }
        return out;
    }

    private static List<Storage> storages(List<Tensor> ts) {
        List<Storage> out = new ArrayList<>();
        for (Tensor t : ts) {
            out.add(t.storage());
        }
        return out;
    }

    private static double[] perTensor(double base) {
        double[] d = new double[SIZES.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = base * (1 + i);
        }
        return d;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void sgdNesterovMatchesTheFormula(DType dt) {
        List<Tensor> p = tensors(1, dt, 1);
        List<Tensor> g = tensors(100, dt, 1);
        List<Tensor> v = tensors(200, dt, 0.5);
        double[] lr = perTensor(0.01);
        double[] wd = perTensor(1e-3);
        double momentum = 0.9;
        List<double[]> expectP = new ArrayList<>();
        List<double[]> expectV = new ArrayList<>();
        for (int t = 0; t < SIZES.length; t++) {
            double[] pv = p.get(t).toDoubleArray();
            double[] gv = g.get(t).toDoubleArray();
            double[] vv = v.get(t).toDoubleArray();
            for (int i = 0; i < pv.length; i++) {
                double d = gv[i] + wd[t] * pv[i];
                vv[i] = momentum * vv[i] + d;
                pv[i] -= lr[t] * (d + momentum * vv[i]);
            }
            expectP.add(pv);
            expectV.add(vv);
        }
        cpu.optim().sgd(storages(p), storages(g), storages(v), lr, wd, momentum, 0.0, true, false);
        for (int t = 0; t < SIZES.length; t++) {
            if (SIZES[t] > 0) {
                TestData.assertClose("sgd param " + t + " " + dt, expectP.get(t), p.get(t));
                TestData.assertClose("sgd velocity " + t + " " + dt, expectV.get(t), v.get(t));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void adamWMatchesTheFormula(DType dt) {
        List<Tensor> p = tensors(1, dt, 1);
        List<Tensor> g = tensors(100, dt, 1);
        List<Tensor> m = tensors(200, dt, 0.1);
        List<Tensor> v = tensors(300, dt, 0.1);
        for (int t = 0; t < v.size(); t++) {
            v.set(t, v.get(t).mul(v.get(t)));
        }
        double[] lr = perTensor(1e-3);
        double[] wd = perTensor(0.01);
        double b1 = 0.9;
        double b2 = 0.99;
        double eps = 1e-8;
        long step = 7;
        List<double[]> expect = new ArrayList<>();
        for (int t = 0; t < SIZES.length; t++) {
            double[] pv = p.get(t).toDoubleArray();
            double[] gv = g.get(t).toDoubleArray();
            double[] mv = m.get(t).toDoubleArray();
            double[] vv = v.get(t).toDoubleArray();
            for (int i = 0; i < pv.length; i++) {
                pv[i] *= 1 - lr[t] * wd[t];
                mv[i] = b1 * mv[i] + (1 - b1) * gv[i];
                vv[i] = b2 * vv[i] + (1 - b2) * gv[i] * gv[i];
                double mHat = mv[i] / (1 - Math.pow(b1, step));
                double vHat = vv[i] / (1 - Math.pow(b2, step));
                pv[i] -= lr[t] * mHat / (Math.sqrt(vHat) + eps);
            }
            expect.add(pv);
        }
        cpu.optim().adam(storages(p), storages(g), storages(m), storages(v), lr, wd, b1, b2, eps, true, step);
        for (int t = 0; t < SIZES.length; t++) {
            if (SIZES[t] > 0) {
                TestData.assertClose("adamW param " + t + " " + dt, expect.get(t), p.get(t));
            }
        }
    }

    @Test
    void mismatchedListsAreRejected() {
        List<Tensor> p = tensors(1, DType.F32, 1);
        List<Tensor> g = tensors(2, DType.F32, 1);
        g.set(3, Tensor.zeros(5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cpu.optim().sgd(storages(p),
                storages(g), null, perTensor(0.1), perTensor(0), 0, 0, false, false));
        assertTrue(e.getMessage().contains("tensor 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cpu.optim().sgd(storages(p), storages(p), null,
                new double[2], new double[2], 0, 0, false, false));
        assertThrows(IllegalArgumentException.class, () -> cpu.optim().adam(storages(p), storages(p), storages(p),
                storages(p), perTensor(0.1), perTensor(0), 0.9, 0.99, 1e-8, false, 0));
    }
}
