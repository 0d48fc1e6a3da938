package org.lrml.gradients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.lrml.autograd.AnomalyException;
import org.lrml.autograd.AnomalyMode;
import org.lrml.autograd.CustomFunction;
import org.lrml.autograd.HookHandle;
import org.lrml.backend.Backend;
import org.lrml.backend.DType;
import org.lrml.nn.Linear;
import org.lrml.nn.Module;
import org.lrml.nn.Relu;
import org.lrml.nn.Sequential;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * Tensor hooks, retainGrad, module hooks, custom functions and anomaly mode, written once and run on any backend:
 * {@code GradControlTest} on the CPU, {@code GradControlCudaTest} (native-tests) on CUDA or its emulator. Values are
 * checked against what the same computation gives without the feature, on the same backend.
 */
public final class GradControlCases {
    private final Backend backend;

    public GradControlCases(Backend backend) {
        this.backend = backend;
    }

    private Tensor of(float... v) {
        return Tensor.of(backend, v, v.length);
    }

    private static void close(float[] expected, Tensor t, String what) {
        assertNotNull(t, what + " is missing");
        float[] got = t.toFloatArray();
        assertEquals(expected.length, got.length, what);
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], got[i], 1e-5 * Math.max(1, Math.abs(expected[i])), what + "[" + i + "]");
        }
    }

    /** A hook sees the gradient and may replace it; a removed hook is not called. */
    public void tensorHooksInspectAndReplace() {
        Tensor x = of(1, 2, 3).requiresGrad(true);
        Tensor y = x.mul(x);                               // dy/dx = 2x
        List<float[]> seen = new ArrayList<>();
        y.retainGrad();
        y.registerHook(g -> {
            seen.add(g.toFloatArray());
            return null;
        });
        HookHandle doubling = y.registerHook(g -> g.mul(2.0));
        y.sum().backward();
        assertEquals(1, seen.size());
        assertArrayEquals(new float[]{1, 1, 1}, seen.get(0));
        close(new float[]{2, 2, 2}, y.grad(), "retained grad after the replacing hook");
        close(new float[]{4, 8, 12}, x.grad(), "x.grad with the doubled gradient");
        doubling.remove();
        x.zeroGrad();
        x.mul(x).sum().backward();
        close(new float[]{2, 4, 6}, x.grad(), "x.grad once the hook is removed");
        assertThrows(IllegalStateException.class, () -> of(1).registerHook(g -> g), "a tensor without grad");
        Tensor z = of(1, 2).requiresGrad(true);
        z.registerHook(g -> Tensor.zeros(backend, DType.F32, 3));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> z.mul(z).sum().backward());
        assertTrue(e.getMessage().contains("gradient hook"), e.getMessage());
    }

    /** A leaf's hook runs before the gradient is accumulated into grad. */
    public void leafHookRunsBeforeAccumulation() {
        Tensor x = of(1, -1).requiresGrad(true);
        x.registerHook(g -> g.clamp(0, 0.5));
        x.mul(3.0).sum().backward();
        close(new float[]{0.5f, 0.5f}, x.grad(), "clamped leaf gradient");
    }

    /** retainGrad keeps a non-leaf's gradient, summed over its uses. */
    public void retainGradOnNonLeaf() {
        Tensor x = of(1, 2).requiresGrad(true);
        Tensor h = x.mul(3.0).retainGrad();
        h.mul(h).sum().add(h.sum()).backward();          // d/dh = 2h + 1
        close(new float[]{7, 13}, h.grad(), "h.grad");
        close(new float[]{21, 39}, x.grad(), "x.grad");
    }

    /** Forward pre-hooks and hooks replace input and output; backward hooks see both gradients and replace one. */
    public void moduleHooks() {
        Rng rng = new Rng(5);
        Linear lin = new Linear(3, 2, true, rng);
        lin.to(backend);
        Sequential net = new Sequential().add("lin", lin).add("relu", new Relu());
        Tensor x = Tensor.randn(backend, DType.F32, new Rng(6), 1.0, 4, 3).requiresGrad(true);
        Tensor plain = net.call(x);
        plain.sum().backward();
        float[] plainDx = x.grad().toFloatArray();
        float[] plainOut = plain.toFloatArray();

        List<String> calls = new ArrayList<>();
        Tensor[] seen = new Tensor[2];
        HookHandle pre = lin.registerForwardPreHook(in -> {
            calls.add("pre");
            return null;
        });
        HookHandle fwd = lin.registerForwardHook((m, in, out) -> {
            calls.add("forward " + m.getClass().getSimpleName());
            return null;
        });
        HookHandle bwd = lin.registerBackwardHook((m, gin, gout) -> {
            calls.add("backward");
            seen[0] = gin.copy();
            seen[1] = gout.copy();
            return gin.mul(0.5);
        });
        x.setGrad(null);
        Tensor hooked = net.call(x);
        close(plainOut, hooked, "output with hooks that only look");
        hooked.sum().backward();
        assertEquals(List.of("pre", "forward Linear", "backward"), calls);
        float[] half = plainDx.clone();
        for (int i = 0; i < half.length; i++) {
            half[i] *= 0.5f;
        }
        close(plainDx, seen[0], "the input gradient the hook saw");
        assertArrayEquals(new int[]{4, 2}, seen[1].shape(), "the output gradient the hook saw");
        close(half, x.grad(), "x.grad after the backward hook halved it");
        pre.remove();
        fwd.remove();
        bwd.remove();
        Module doubled = new Relu();
        doubled.registerForwardHook((m, in, out) -> out.mul(2.0));
        close(new float[]{0, 4}, doubled.call(of(-1, 2)), "a forward hook's replacement output");
    }

    /** y = x^3 with a hand-written backward 3 x^2 dy, and a two-input function with an unneeded input. */
    public static CustomFunction cube() {
        return new CustomFunction("cube") {
            @Override
            protected Tensor forward(Context ctx, Tensor... in) {
                ctx.save(in[0]);
                return in[0].mul(in[0]).mul(in[0]);
            }

            @Override
            protected Tensor[] backward(Context ctx, Tensor dy) {
                Tensor x = ctx.saved(0);
                return new Tensor[]{dy.mul(x).mul(x).mul(3.0)};
            }
        };
    }

    /** A custom function's forward and backward on this backend against the same math by ordinary ops. */
    public void customFunction() {
        Tensor x = of(0.5f, -1.5f, 2f).requiresGrad(true);
        Tensor y = cube().apply(x);
        assertEquals("cube", y.gradFn().op());
        close(new float[]{0.125f, -3.375f, 8f}, y, "cube forward");
        y.mul(of(1, 2, 3)).sum().backward();
        close(new float[]{0.75f, 13.5f, 36f}, x.grad(), "cube backward");
        CustomFunction wrong = new CustomFunction("wrong") {
            @Override
            protected Tensor forward(Context ctx, Tensor... in) {
                return in[0].mul(2.0);
            }

            @Override
            protected Tensor[] backward(Context ctx, Tensor dy) {
                return new Tensor[]{dy, dy};
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> wrong.apply(of(1).requiresGrad(true)).sum().backward());
        assertTrue(e.getMessage().contains("wrong: backward returned 2 gradients for 1 inputs"), e.getMessage());
    }

    /** log(0) in forward: the log is named, at this method, with its input's statistics. */
    public void anomalyNamesLogOfZeroInForward() {
        Tensor x = of(1, 0, 2).requiresGrad(true);
        try (AnomalyMode a = AnomalyMode.enable()) {
            AnomalyException e = assertThrows(AnomalyException.class, () -> x.mul(1.0).log());
            assertEquals("log", e.op());
            assertFalse(e.inBackward());
            assertTrue(e.getMessage().contains("-Inf at element 1"), e.getMessage());
            assertTrue(e.getMessage().contains("1 zeros"), e.getMessage());
            assertNotNull(e.site());
            assertEquals(GradControlCases.class.getName(), e.site().getClassName().replaceAll("\\$.*", ""),
                    "the caller's frame: " + e.site());
        }
        assertFalse(AnomalyMode.isEnabled());
        x.log();                                            // without anomaly mode: -inf, no error
    }

    /** 0/0 in backward: sqrt at 0 with a zero incoming gradient; sqrt's backward is named, not its inner div. */
    public void anomalyNamesZeroOverZeroInBackward() {
        Tensor x = of(4, 0, 1).requiresGrad(true);
        Tensor w = of(1, 0, 1);
        try (AnomalyMode a = AnomalyMode.enable()) {
            Tensor loss = x.sqrt().mul(w).sum();            // finite: sqrt(0) = 0
            assertEquals(3.0, loss.item(), 1e-6);
            AnomalyException e = assertThrows(AnomalyException.class, loss::backward);
            assertEquals("sqrt", e.op());
            assertTrue(e.inBackward());
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
            assertNotNull(e.site(), "where sqrt was created");
            assertTrue(e.site().getClassName().startsWith(GradControlCases.class.getName()), e.site().toString());
        }
        x.setGrad(null);
        x.sqrt().mul(w).sum().backward();                   // without anomaly mode: NaN in x.grad, no error
        assertTrue(Float.isNaN(x.grad().toFloatArray()[1]));
        assertNull(null);
    }

    /** Every case, in order (each is independent). */
    public void all() {
        tensorHooksInspectAndReplace();
        leafHookRunsBeforeAccumulation();
        retainGradOnNonLeaf();
        moduleHooks();
        customFunction();
        anomalyNamesLogOfZeroInForward();
        anomalyNamesZeroOverZeroInBackward();
    }
}
