package org.lrml.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.lrml.backend.DType;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TestData;
import org.lrml.util.Rng;

/** The nn modules: naming through nesting, PyTorch-style initialisation, modes, and state. */
class NnModulesTest {

    /** A retrieval head as a user would write it: pooling, whitening, normalisation. */
    static final class Head extends Module {
        private final Gem pool;
        private final Linear whiten;
        private final L2Norm norm;

        Head(Rng rng) {
            pool = registerModule("pool", new Gem());
            whiten = registerModule("whiten", new Linear(6, 4, true, rng));
            norm = registerModule("norm", new L2Norm());
        }

        @Override
        public Tensor forward(Tensor x) {
            return norm.forward(whiten.forward(pool.forward(x)));
        }
    }

    @Test
    void parameterNamesFollowTheNesting() {
        Rng rng = new Rng(1);
        Sequential net = new Sequential(new Linear(5, 6, false, rng), new Relu(),
                new Sequential(new Dropout(0.1, 3), new Linear(6, 2, true, rng)));
        net.add("head", new Head(rng));
        assertEquals(List.of("0.weight", "2.1.weight", "2.1.bias", "head.pool.p", "head.whiten.weight",
                "head.whiten.bias"), new ArrayList<>(net.namedParameters().keySet()));
        assertEquals(5 * 6 + 6 * 2 + 2 + 1 + 6 * 4 + 4, net.parameterCount());
        for (Tensor p : net.parameters()) {
            assertTrue(p.requiresGrad() && p.isLeaf());
        }
    }

    @Test
    void linearInitialisesAsPyTorch() {
        Linear a = new Linear(50, 300, true, new Rng(7));
        double bound = 1 / Math.sqrt(50);
        for (String name : new String[]{"weight", "bias"}) {
            double[] v = a.namedParameters().get(name).toDoubleArray();
            double max = Arrays.stream(v).map(Math::abs).max().orElseThrow();
            assertTrue(max < bound && max > 0.95 * bound, name + ": max |value| " + max + " for bound " + bound);
        }
        Linear b = new Linear(50, 300, true, new Rng(7));
        assertArrayEquals(a.weight().toFloatArray(), b.weight().toFloatArray(), "same stream, same weights");
        assertArrayEquals(a.bias().toFloatArray(), b.bias().toFloatArray());
        assertNull(new Linear(3, 2, false, new Rng(1)).bias());
    }

    @Test
    void linearForwardAndGradientsReachItsParameters() {
        Linear l = new Linear(7, 3, true, new Rng(2), org.lrml.backend.Backends.cpu(), DType.F64);
        Tensor x = TestData.randn(3, DType.F64, 2, 5, 7);
        Tensor y = l.forward(x);
        assertArrayEquals(new int[]{2, 5, 3}, y.shape());
        TestData.assertClose("module = op", org.lrml.ops.Linear.apply(x, l.weight(), l.bias()).toDoubleArray(), y);
        y.sum().backward();
        assertNotNull(l.weight().grad());
        double[] db = l.bias().grad().toDoubleArray();
        assertArrayEquals(new double[]{10, 10, 10}, db, 1e-12, "d sum / d bias = number of rows");
    }

    @Test
    void gemLearnsP() {
        Gem gem = new Gem();
        assertEquals(3.0, gem.p().item());
        assertArrayEquals(new int[]{1}, gem.p().shape());
        Tensor x = TestData.randn(4, DType.F32, 2, 3, 5, 5).abs();
        gem.forward(x).sum().backward();
        assertNotNull(gem.p().grad());
        assertTrue(gem.p().grad().item() != 0, "p receives a gradient");
    }

    @Test
    void dropoutModuleDrawsAFreshReproducibleMaskEachTrainingForward() {
        Tensor x = TestData.randn(5, DType.F32, 40, 50);
        Dropout a = new Dropout(0.5, 11);
        Dropout b = new Dropout(0.5, 11);
        float[] a1 = a.forward(x).toFloatArray();
        float[] a2 = a.forward(x).toFloatArray();
        assertFalse(Arrays.equals(a1, a2), "successive steps use different masks");
        assertArrayEquals(a1, b.forward(x).toFloatArray(), "the same seed repeats the sequence");
        assertArrayEquals(a2, b.forward(x).toFloatArray());
        assertEquals(2, a.forwardCount());
        Dropout resumed = new Dropout(0.5, 11);
        resumed.setForwardCount(1);
        assertArrayEquals(a2, resumed.forward(x).toFloatArray(), "a restored counter continues the sequence");
        a.train(false);
        assertSame(x, a.forward(x), "evaluation mode is the identity");
        assertEquals(2, a.forwardCount(), "evaluation forwards do not advance the counter");
    }

    @Test
    void flattenPoolingsAndNormShapes() {
        Tensor x = TestData.randn(6, DType.F32, 2, 3, 4, 5);
        assertArrayEquals(new int[]{2, 60}, new Flatten().forward(x).shape());
        assertArrayEquals(new int[]{2, 3, 20}, new Flatten(2).forward(x).shape());
        assertArrayEquals(new int[]{2, 3}, new Mac().forward(x).shape());
        assertArrayEquals(new int[]{2, 3}, new Spoc().forward(x).shape());
        float[] unit = new L2Norm().forward(new Flatten().forward(x)).toFloatArray();
        double s = 0;
        for (int i = 0; i < 60; i++) {
            s += unit[i] * unit[i];
        }
        assertEquals(1.0, s, 1e-5);
        float[] r = new Relu().forward(x).toFloatArray();
        for (float v : r) {
            assertTrue(v >= 0);
        }
    }

    @Test
    void parametersOutliveAScopeTheModuleWasBuiltIn() {
        Head head;
        try (MemoryScope scope = MemoryScope.open()) {
            head = new Head(new Rng(3));
            assertEquals(0, scope.size(), "parameters must not belong to the scope");
        }
        Tensor y = head.forward(TestData.randn(7, DType.F32, 2, 6, 3, 3).abs());
        assertArrayEquals(new int[]{2, 4}, y.shape());
    }

    @Test
    void stateDictRoundTripThroughModules() {
        Head a = new Head(new Rng(4));
        Head b = new Head(new Rng(5));
        Map<String, Tensor> state = a.stateDict();
        b.loadStateDict(state);
        Tensor x = TestData.randn(8, DType.F32, 3, 6, 2, 2).abs();
        assertArrayEquals(a.forward(x).toFloatArray(), b.forward(x).toFloatArray());
    }
}
