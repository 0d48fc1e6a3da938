package org.lrml.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.tensor.MemoryScope;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TestData;

/** State round trips, parameters that skip steps, memory scopes, and the errors users meet. */
class OptimizerStateTest {
    private static final int[][] SHAPES = {{5, 7}, {7}, {1}};

    private static List<Tensor> params(long seed) {
        List<Tensor> ps = new ArrayList<>();
        for (int i = 0; i < SHAPES.length; i++) {
            ps.add(TestData.randn(seed + i, DType.F32, SHAPES[i]).requiresGrad(true));
        }
        return ps;
    }

    private static List<Tensor> copies(List<Tensor> ps) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor p : ps) {
            out.add(p.copy().requiresGrad(true));
        }
        return out;
    }

    /** Two groups: the second (GeM's p, say) at 10x the learning rate and without decay. */
    private static List<ParamGroup> groups(List<Tensor> ps, double lr) {
        return List.of(new ParamGroup(ps.subList(0, 2), lr, 1e-3), new ParamGroup(ps.subList(2, 3), 10 * lr, 0.0));
    }

    private static void setGrads(List<Tensor> ps, long step) {
        for (int i = 0; i < ps.size(); i++) {
            ps.get(i).setGrad(TestData.randn(1000 * step + i, DType.F32, ps.get(i).shape()));
        }
    }

    private static float[][] values(List<Tensor> ps) {
        float[][] v = new float[ps.size()][];
        for (int i = 0; i < v.length; i++) {
            v[i] = ps.get(i).toFloatArray();
        }
        return v;
    }

    private static void roundTrip(String what, Function<List<ParamGroup>, Optimizer> make) {
        List<Tensor> a = params(1);
        Optimizer optA = make.apply(groups(a, 0.01));
        for (int step = 1; step <= 3; step++) {
            setGrads(a, step);
            optA.step();
        }
        Map<String, Tensor> state = optA.stateDict();
        List<Tensor> b = copies(a);
        Optimizer optB = make.apply(groups(b, 0.5));
        optB.loadStateDict(state);
        List<Tensor> fresh = copies(a);
        Optimizer optFresh = make.apply(groups(fresh, 0.01));
        for (int step = 4; step <= 5; step++) {
            setGrads(a, step);
            setGrads(b, step);
            setGrads(fresh, step);
            optA.step();
            optB.step();
            optFresh.step();
            float[][] va = values(a);
            float[][] vb = values(b);
            for (int i = 0; i < va.length; i++) {
                assertArrayEquals(va[i], vb[i], what + ": resumed run differs at step " + step + ", param " + i);
            }
        }
        assertFalse(Arrays.equals(values(a)[0], values(fresh)[0]),
                what + ": a run without the saved state should differ (else this test proves nothing)");
    }

    @Test
    void stateRoundTripContinuesBitForBit() {
        roundTrip("sgd nesterov", g -> new Sgd(g, 0.9, 0.0, true));
        roundTrip("sgd momentum dampening", g -> new Sgd(g, 0.8, 0.3, false));
        roundTrip("adam", Adam::adam);
        roundTrip("adamW", Adam::adamW);
    }

    @Test
    void stateDictNamesItsEntriesAndHoldsCopies() {
        List<Tensor> ps = params(2);
        Adam opt = Adam.adam(groups(ps, 0.01));
        setGrads(ps, 1);
        opt.step();
        opt.step();
        Map<String, Tensor> s = opt.stateDict();
        assertEquals(List.of("group.0.lr", "group.0.weight_decay", "group.1.lr", "group.1.weight_decay",
                "param.0.exp_avg", "param.0.exp_avg_sq", "param.0.step", "param.1.exp_avg", "param.1.exp_avg_sq",
                "param.1.step", "param.2.exp_avg", "param.2.exp_avg_sq", "param.2.step"), new ArrayList<>(s.keySet()));
        assertEquals(2.0, s.get("param.1.step").item());
        assertEquals(0.1, s.get("group.1.lr").item());
        float[] saved = s.get("param.0.exp_avg").toFloatArray();
        opt.step();
        assertArrayEquals(saved, s.get("param.0.exp_avg").toFloatArray(), "the state dict must not change with later steps");
    }

    @Test
    void loadStateDictRejectsStateThatDoesNotFit() {
        List<Tensor> ps = params(3);
        Sgd opt = new Sgd(groups(ps, 0.01), 0.9, 0.0, false);
        setGrads(ps, 1);
        opt.step();
        Map<String, Tensor> good = opt.stateDict();

        Map<String, Tensor> missingGroup = new LinkedHashMap<>(good);
        missingGroup.remove("group.1.lr");
        assertMessage(opt, missingGroup, "group.1.lr");

        Map<String, Tensor> wrongShape = new LinkedHashMap<>(good);
        wrongShape.put("param.1.momentum_buffer", Tensor.zeros(8));
        assertMessage(opt, wrongShape, "[8]");

        Map<String, Tensor> unknown = new LinkedHashMap<>(good);
        unknown.put("param.1.exp_avg", Tensor.zeros(7));
        assertMessage(opt, unknown, "param.1.exp_avg");

        Map<String, Tensor> tooMany = new LinkedHashMap<>(good);
        tooMany.put("param.3.momentum_buffer", Tensor.zeros(7));
        assertMessage(opt, tooMany, "parameter 3");

        Map<String, Tensor> adamState = Adam.adam(groups(params(4), 0.01)).stateDict();
        adamState.put("param.0.step", Tensor.full(Backends.cpu(), DType.F64, 2.0));
        adamState.put("param.0.exp_avg", Tensor.zeros(5, 7));
        Adam adam = Adam.adam(groups(params(4), 0.01));
        assertMessage(adam, adamState, "param.0.exp_avg_sq");
        assertEquals(0.01, opt.paramGroups().get(0).lr(), "a rejected state leaves the optimiser unchanged");
    }

    private static void assertMessage(Optimizer opt, Map<String, Tensor> state, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(state));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void parametersWithoutGradientsSkipTheStepAndKeepTheirOwnCount() {
        // p1 has no gradient on step 1, so its first Adam step is at t = 1 while p0 is at t = 2.
        List<Tensor> ps = params(5).subList(0, 2);
        Adam opt = new Adam(List.of(new ParamGroup(ps, 0.01, 0.0)), 0.9, 0.999, 1e-8, false);
        float[] p1Before = ps.get(1).toFloatArray();
        ps.get(0).setGrad(TestData.randn(50, DType.F32, 5, 7));
        opt.step();
        assertArrayEquals(p1Before, ps.get(1).toFloatArray(), "a parameter without a gradient must not move");
        setGrads(ps, 2);
        opt.step();
        Map<String, Tensor> s = opt.stateDict();
        assertEquals(2.0, s.get("param.0.step").item());
        assertEquals(1.0, s.get("param.1.step").item());
        // The same first step on p1 alone.
        Tensor alone = Tensor.of(p1Before, 7).requiresGrad(true);
        alone.setGrad(ps.get(1).grad().copy());
        new Adam(List.of(alone), 0.01).step();
        assertArrayEquals(alone.toFloatArray(), ps.get(1).toFloatArray());
    }

    @Test
    void sgdInitialisesLateMomentumBuffersWithTheGradient() {
        // With dampening, v = g on a parameter's first step but (1 - d) g + m v later: p1 joins on step 2.
        List<Tensor> ps = params(6).subList(0, 2);
        Sgd opt = new Sgd(List.of(ParamGroup.of(ps, 0.1)), 0.9, 0.5, false);
        float[] p1Before = ps.get(1).toFloatArray();
        ps.get(0).setGrad(TestData.randn(60, DType.F32, 5, 7));
        opt.step();
        setGrads(ps, 2);
        opt.step();
        Tensor alone = Tensor.of(p1Before, 7).requiresGrad(true);
        alone.setGrad(ps.get(1).grad().copy());
        new Sgd(List.of(ParamGroup.of(List.of(alone), 0.1)), 0.9, 0.5, false).step();
        assertArrayEquals(alone.toFloatArray(), ps.get(1).toFloatArray());
        assertEquals(Math.fma(-0.1f, ps.get(1).grad().toFloatArray()[0], p1Before[0]), ps.get(1).toFloatArray()[0], 1e-6,
                "first step of plain momentum SGD is p - lr g");
    }

    @Test
    void buffersOutliveTheStepScope() {
        List<Tensor> ps = params(7);
        Adam opt = Adam.adamW(groups(ps, 0.01));
        for (int step = 1; step <= 3; step++) {
            try (MemoryScope scope = MemoryScope.open()) {
                setGrads(ps, step);
                int gradients = scope.size();
                opt.step();
                assertEquals(gradients, scope.size(), "optimiser state must not belong to the step's scope");
            }
        }
        assertEquals(3.0, opt.stateDict().get("param.0.step").item());
    }

    @Test
    void learningRateChangesBetweenSteps() {
        Tensor p = Tensor.of(new float[]{1f, -2f}, 2).requiresGrad(true);
        Sgd opt = new Sgd(List.of(p), 0.5);
        p.setGrad(Tensor.of(new float[]{1f, 1f}, 2));
        opt.step();
        opt.paramGroups().get(0).setLr(0.25);
        opt.step();
        assertArrayEquals(new float[]{0.25f, -2.75f}, p.toFloatArray());
        opt.zeroGrad();
        assertArrayEquals(new float[]{0f, 0f}, p.grad().toFloatArray());
        opt.step();
        assertArrayEquals(new float[]{0.25f, -2.75f}, p.toFloatArray(), "a zero gradient without decay does not move p");
    }

    @Test
    void constructionErrorsSayWhatIsWrong() {
        Tensor p = Tensor.of(new float[]{1f, 2f}, 2).requiresGrad(true);
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> new Sgd(List.of(ParamGroup.of(List.of(p), 0.1), ParamGroup.of(List.of(p), 0.2)), 0, 0, false));
        assertTrue(twice.getMessage().contains("same tensor as parameter 0"), twice.getMessage());
        Tensor nonLeaf = p.mul(2.0);
        IllegalArgumentException leaf = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(nonLeaf), 0.1));
        assertTrue(leaf.getMessage().contains("non-leaf"), leaf.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(ParamGroup.of(List.of(p), 0.1)), 0, 0, true));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(ParamGroup.of(List.of(p), 0.1)), 0.9, 0.1, true));
        assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(ParamGroup.of(List.of(p), 0.1)), 1.0, 0.9, 1e-8, false));
        assertThrows(IllegalArgumentException.class, () -> new ParamGroup(List.of(p), -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ParamGroup(List.of(p), 0.1, Double.NaN));
        assertNull(p.grad());
    }
}
