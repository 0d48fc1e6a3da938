package org.lrml.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;

/** The autograd engine's contract: accumulation, repeated backward, no-grad, detach, errors. */
class AutogradTest {

    private static Tensor var(double... v) {
        return Tensor.of(Backends.cpu(), v, v.length).requiresGrad(true);
    }

    @Test
    void tensorUsedTwiceGetsBothContributions() {
        Tensor x = var(1, 2, 3);
        Tensor y = x.mul(x).add(x.mul(3.0)).sum(); // d/dx = 2x + 3
        y.backward();
        assertArrayEquals(new double[]{5, 7, 9}, x.grad().toDoubleArray());
    }

    @Test
    void diamondGraphSumsPaths() {
        Tensor x = var(0.5, -1.5);
        Tensor a = x.exp();
        Tensor y = a.mul(a).add(a).sum(); // d/dx = (2a + 1) a
        y.backward();
        double[] g = x.grad().toDoubleArray();
        for (int i = 0; i < 2; i++) {
            double av = Math.exp(new double[]{0.5, -1.5}[i]);
            assertTrue(Math.abs(g[i] - (2 * av + 1) * av) < 1e-12);
        }
    }

    @Test
    void backwardTwiceAccumulates() {
        Tensor x = var(1, 2);
        Tensor y = x.mul(2.0).sum();
        y.backward();
        y.backward();
        assertArrayEquals(new double[]{4, 4}, x.grad().toDoubleArray());
        x.zeroGrad();
        assertArrayEquals(new double[]{0, 0}, x.grad().toDoubleArray());
    }

    @Test
    void noGradRecordsNothing() {
        Tensor x = var(1, 2);
        Tensor y;
        try (NoGrad ng = NoGrad.enter()) {
            y = x.mul(x);
        }
        assertFalse(y.requiresGrad());
        assertNull(y.gradFn());
        assertThrows(IllegalStateException.class, () -> y.sum().backward());
    }

    @Test
    void detachStopsGradient() {
        Tensor x = var(1, 2);
        Tensor y = x.mul(x.detach()).sum(); // only the first factor carries gradient: d/dx = x
        y.backward();
        assertArrayEquals(new double[]{1, 2}, x.grad().toDoubleArray());
    }

    @Test
    void retainGradKeepsIntermediateGradient() {
        Tensor x = var(1, 2);
        Tensor h = x.mul(3.0).retainGrad();
        h.sum().backward();
        assertArrayEquals(new double[]{1, 1}, h.grad().toDoubleArray());
        assertArrayEquals(new double[]{3, 3}, x.grad().toDoubleArray());
    }

    @Test
    void backwardOfNonScalarNeedsSeed() {
        Tensor x = var(1, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.mul(2.0).backward());
        assertTrue(e.getMessage().contains("seed"), e.getMessage());
    }

    @Test
    void leafGradientsSurviveTheStepScope() {
        Tensor w = Tensor.of(Backends.cpu(), new float[]{1, 2}, 2).requiresGrad(true);
        try (MemoryScope step = MemoryScope.open()) {
            Tensor loss = w.mul(w).sum();
            loss.backward();
            assertTrue(step.size() > 0);
        }
        assertArrayEquals(new double[]{2, 4}, w.grad().toDoubleArray());
        assertTrue(w.grad().dtype() == DType.F32);
    }

    @Test
    void scopeReleasesIntermediatesAndKeepMovesOut() {
        Tensor kept;
        Tensor dropped;
        try (MemoryScope outer = MemoryScope.open()) {
            try (MemoryScope inner = MemoryScope.open()) {
                dropped = Tensor.zeros(3).add(1.0);
                kept = MemoryScope.keep(Tensor.zeros(3).add(2.0));
            }
            assertTrue(dropped.storage().isClosed());
            assertFalse(kept.storage().isClosed());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> dropped.add(1.0));
            assertTrue(e.getMessage().contains("released"), e.getMessage());
        }
        assertTrue(kept.storage().isClosed(), "the outer scope owns what keep() moved out");
    }
}
