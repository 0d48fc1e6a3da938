package org.lrml.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

import org.lrml.autograd.Autograd;
import org.lrml.autograd.GradFn;
import org.lrml.autograd.HookHandle;
import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.backend.Shape;
import org.lrml.backend.Storage;
import org.lrml.ops.Abs;
import org.lrml.ops.Add;
import org.lrml.ops.Affine;
import org.lrml.ops.Clamp;
import org.lrml.ops.Div;
import org.lrml.ops.Exp;
import org.lrml.ops.Log;
import org.lrml.ops.MatMul;
import org.lrml.ops.Max;
import org.lrml.ops.Maximum;
import org.lrml.ops.Mean;
import org.lrml.ops.Minimum;
import org.lrml.ops.Mul;
import org.lrml.ops.Neg;
import org.lrml.ops.Permute;
import org.lrml.ops.Pow;
import org.lrml.ops.PowScalar;
import org.lrml.ops.Relu;
import org.lrml.ops.Reshape;
import org.lrml.ops.Sqrt;
import org.lrml.ops.Sub;
import org.lrml.ops.Sum;
import org.lrml.util.Rng;

/**
 * An n-dimensional array of float32 (or float64) in contiguous row-major order on one backend, with
 * the autograd fields: {@code requiresGrad}, the accumulated {@code grad} of a leaf, and the
 * {@link GradFn} that made a non-leaf.
 *
 * <p>Tensors are values: ops return new tensors and never change their inputs. The exceptions are
 * explicit: optimisers update parameters in place, {@link #zeroGrad()} clears the gradient, and
 * {@link #copyFrom} overwrites. {@link #reshape} shares storage with its input.
 *
 * <p>Letters used in op documentation: N batch, C channels, H x W spatial, D descriptor dimension,
 * M tuples or database size, K negatives or top-k.
 */
public final class Tensor {
    private final Storage storage;
    private final int[] shape;
    private boolean requiresGrad;
    private boolean retainGrad;
    private Tensor grad;
    private GradFn gradFn;
    private String name;
    /** Gradient hooks in registration order; null until the first (most tensors never have one). */
    private List<UnaryOperator<Tensor>> hooks;

    private Tensor(Storage storage, int[] shape) {
        long n = Shape.numel(shape);
        if (n != storage.length()) {
            throw new IllegalArgumentException("shape " + Shape.str(shape) + " needs " + n
                    + " elements but the storage holds " + storage.length());
        }
        this.storage = storage;
        this.shape = shape.clone();
    }

    // ------------------------------------------------------------------ construction

    /** Wraps an existing storage (for op and backend implementations). */
    public static Tensor wrap(Storage storage, int... shape) {
        return new Tensor(storage, shape);
    }

    /** A new tensor of unspecified contents on the given backend (for op implementations). */
    public static Tensor empty(Backend backend, DType dtype, int... shape) {
        return new Tensor(backend.allocate(dtype, Shape.numel(shape)), shape);
    }

    public static Tensor of(float[] data, int... shape) {
        return of(Backends.defaultBackend(), data, shape);
    }

    public static Tensor of(double[] data, int... shape) {
        return of(Backends.defaultBackend(), data, shape);
    }

    public static Tensor of(Backend backend, float[] data, int... shape) {
        checkData(data.length, shape);
        return new Tensor(backend.upload(data), shape);
    }

    public static Tensor of(Backend backend, double[] data, int... shape) {
        checkData(data.length, shape);
        return new Tensor(backend.upload(data), shape);
    }

    private static void checkData(int length, int[] shape) {
        if (Shape.numel(shape) != length) {
            throw new IllegalArgumentException(length + " values cannot fill shape " + Shape.str(shape)
                    + " (" + Shape.numel(shape) + " elements)");
        }
    }

    /** A rank-0 tensor. */
    public static Tensor scalar(double value, DType dtype) {
        return full(Backends.defaultBackend(), dtype, value);
    }

    public static Tensor zeros(int... shape) {
        return full(Backends.defaultBackend(), DType.F32, 0.0, shape);
    }

    public static Tensor zeros(Backend backend, DType dtype, int... shape) {
        return full(backend, dtype, 0.0, shape);
    }

    public static Tensor ones(Backend backend, DType dtype, int... shape) {
        return full(backend, dtype, 1.0, shape);
    }

    public static Tensor full(Backend backend, DType dtype, double value, int... shape) {
        Tensor t = empty(backend, dtype, shape);
        backend.fill(t.storage, value);
        return t;
    }

    /** Standard normal entries times {@code std}, from the given stream (generated on the host). */
    public static Tensor randn(Backend backend, DType dtype, Rng rng, double std, int... shape) {
        double[] d = new double[Math.toIntExact(Shape.numel(shape))];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextGaussian() * std;
        }
        return fromDoubles(backend, dtype, d, shape);
    }

    /** Uniform entries in [lo, hi), from the given stream. */
    public static Tensor uniform(Backend backend, DType dtype, Rng rng, double lo, double hi, int... shape) {
        double[] d = new double[Math.toIntExact(Shape.numel(shape))];
        for (int i = 0; i < d.length; i++) {
            d[i] = lo + (hi - lo) * rng.nextDouble();
        }
        return fromDoubles(backend, dtype, d, shape);
    }

    /** A tensor of the given dtype from double values (rounded to float for F32). */
    public static Tensor fromDoubles(Backend backend, DType dtype, double[] d, int... shape) {
        if (dtype == DType.F64) {
            return of(backend, d, shape);
        }
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return of(backend, f, shape);
    }

    // ------------------------------------------------------------------ metadata

    public int[] shape() {
        return shape.clone();
    }

    /** Size along an axis (negative counts from the end). */
    public int size(int axis) {
        return shape[Shape.axis(axis, shape.length, "size")];
    }

    public int rank() {
        return shape.length;
    }

    public long numel() {
        return storage.length();
    }

    public DType dtype() {
        return storage.dtype();
    }

    public Backend backend() {
        return storage.backend();
    }

    public Storage storage() {
        return storage;
    }

    public String name() {
        return name;
    }

    public Tensor named(String newName) {
        this.name = newName;
        return this;
    }

    // ------------------------------------------------------------------ host access

    public float[] toFloatArray() {
        float[] out = new float[Math.toIntExact(numel())];
        backend().download(storage, out);
        return out;
    }

    public double[] toDoubleArray() {
        double[] out = new double[Math.toIntExact(numel())];
        backend().download(storage, out);
        return out;
    }

    /** The single value of a one-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalStateException("item() needs exactly one element, shape is " + Shape.str(shape));
        }
        return toDoubleArray()[0];
    }

    // ------------------------------------------------------------------ autograd

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as a variable whose gradient backward accumulates. */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null && !value) {
            throw new IllegalStateException("cannot clear requiresGrad on a non-leaf (made by "
                    + gradFn.op() + "); use detach()");
        }
        this.requiresGrad = value;
        return this;
    }

    /** Also keep the gradient of this non-leaf in {@link #grad()} during backward. */
    public Tensor retainGrad() {
        this.retainGrad = true;
        return this;
    }

    public boolean retainsGrad() {
        return retainGrad;
    }

    public Tensor grad() {
        return grad;
    }

    /**
     * Calls {@code hook} with this tensor's gradient each time backward has summed it, before it is stored (a leaf's
     * {@code grad}, {@link #retainGrad}) or passed on to the op that made this tensor. The hook may only look (return
     * null), or return a tensor of the same shape, dtype and backend that replaces the gradient from then on (later
     * hooks see the replacement). It runs under NoGrad, so it may use ordinary ops.
     *
     * @param hook the hook: gradient in, null or a replacement out
     * @return the handle that removes the hook
     */
    public HookHandle registerHook(UnaryOperator<Tensor> hook) {
        if (!requiresGrad) {
            throw new IllegalStateException("registerHook: this tensor " + Shape.str(shape) + " does not require grad,"
                    + " so backward never computes its gradient; call requiresGrad(true) on a leaf first");
        }
        if (hooks == null) {
            hooks = new ArrayList<>();
        }
        hooks.add(java.util.Objects.requireNonNull(hook, "hook"));
        List<UnaryOperator<Tensor>> list = hooks;
        return () -> list.remove(hook);
    }

    /**
     * For autograd: the gradient hooks, in order (empty when none).
     *
     * @return the hooks
     */
    public List<UnaryOperator<Tensor>> gradHooks() {
        return hooks == null ? List.of() : List.copyOf(hooks);
    }

    /** Replaces the gradient (for autograd and optimisers). Shape must match. */
    public void setGrad(Tensor g) {
        if (g != null) {
            Shape.requireSame(shape, g.shape, "setGrad");
        }
        this.grad = g;
    }

    public void zeroGrad() {
        if (grad != null) {
            grad.backend().fill(grad.storage, 0.0);
        }
    }

    public GradFn gradFn() {
        return gradFn;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    /** Internal: set by {@link Autograd#record}. */
    public void attachGradFn(GradFn fn) {
        this.gradFn = fn;
        this.requiresGrad = true;
    }

    /** Backpropagates from this scalar (dL/dthis = 1). */
    public void backward() {
        if (numel() != 1) {
            throw new IllegalStateException("backward() without a seed needs a scalar, shape is " + Shape.str(shape)
                    + "; call backward(seed) with dL/dthis");
        }
        backward(full(backend(), dtype(), 1.0, shape));
    }

    public void backward(Tensor seed) {
        Autograd.backward(this, seed);
    }

    /** Same storage, no graph: gradients do not flow through the result. */
    public Tensor detach() {
        return new Tensor(storage, shape);
    }

    /** A new tensor with the same values and no graph. */
    public Tensor copy() {
        Tensor t = empty(backend(), dtype(), shape);
        backend().copy(storage, 0, t.storage, 0, numel());
        return t;
    }

    /** Overwrites this tensor's values with src's (same shape, dtype; any backend). Not recorded. */
    public void copyFrom(Tensor src) {
        Shape.requireSame(shape, src.shape, "copyFrom");
        if (src.dtype() != dtype()) {
            throw new IllegalArgumentException("copyFrom: dtype " + src.dtype() + " into " + dtype());
        }
        if (src.backend() == backend()) {
            backend().copy(src.storage, 0, storage, 0, numel());
        } else if (dtype() == DType.F64) {
            Tensor t = of(backend(), src.toDoubleArray(), shape);
            backend().copy(t.storage, 0, storage, 0, numel());
        } else {
            Tensor t = of(backend(), src.toFloatArray(), shape);
            backend().copy(t.storage, 0, storage, 0, numel());
        }
    }

    /** A detached copy on another backend (or this tensor if already there). */
    public Tensor to(Backend target) {
        if (target == backend()) {
            return this;
        }
        if (!target.supports(dtype())) {
            throw new IllegalArgumentException("backend " + target.name() + " cannot hold " + dtype().numpyName()
                    + " tensors");
        }
        return dtype() == DType.F64 ? of(target, toDoubleArray(), shape) : of(target, toFloatArray(), shape);
    }

    /** A detached copy converted to another dtype (or this tensor if already of it). */
    public Tensor to(DType target) {
        if (target == dtype()) {
            return this;
        }
        Tensor t = empty(backend(), target, shape);
        backend().convert(storage, t.storage);
        return t;
    }

    // ------------------------------------------------------------------ ops (see the op files for math)

    public Tensor add(Tensor o) {
        return Add.apply(this, o);
    }

    public Tensor sub(Tensor o) {
        return Sub.apply(this, o);
    }

    public Tensor mul(Tensor o) {
        return Mul.apply(this, o);
    }

    public Tensor div(Tensor o) {
        return Div.apply(this, o);
    }

    public Tensor pow(Tensor exponent) {
        return Pow.apply(this, exponent);
    }

    public Tensor maximum(Tensor o) {
        return Maximum.apply(this, o);
    }

    public Tensor minimum(Tensor o) {
        return Minimum.apply(this, o);
    }

    public Tensor add(double c) {
        return Affine.apply(this, 1.0, c);
    }

    public Tensor sub(double c) {
        return Affine.apply(this, 1.0, -c);
    }

    public Tensor mul(double c) {
        return Affine.apply(this, c, 0.0);
    }

    public Tensor div(double c) {
        return Affine.apply(this, 1.0 / c, 0.0);
    }

    public Tensor neg() {
        return Neg.apply(this);
    }

    public Tensor exp() {
        return Exp.apply(this);
    }

    public Tensor log() {
        return Log.apply(this);
    }

    public Tensor sqrt() {
        return Sqrt.apply(this);
    }

    public Tensor abs() {
        return Abs.apply(this);
    }

    public Tensor relu() {
        return Relu.apply(this);
    }

    public Tensor pow(double p) {
        return PowScalar.apply(this, p);
    }

    public Tensor clamp(double lo, double hi) {
        return Clamp.apply(this, lo, hi);
    }

    /** Sum of all elements (a scalar). */
    public Tensor sum() {
        return Sum.apply(this, allAxes(), false);
    }

    public Tensor sum(int[] axes, boolean keepDims) {
        return Sum.apply(this, axes, keepDims);
    }

    public Tensor mean() {
        return Mean.apply(this, allAxes(), false);
    }

    public Tensor mean(int[] axes, boolean keepDims) {
        return Mean.apply(this, axes, keepDims);
    }

    public Tensor max(int[] axes, boolean keepDims) {
        return Max.apply(this, axes, keepDims);
    }

    public Tensor reshape(int... newShape) {
        return Reshape.apply(this, newShape);
    }

    public Tensor permute(int... perm) {
        return Permute.apply(this, perm);
    }

    public Tensor transpose(int a, int b) {
        int[] perm = new int[shape.length];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        a = Shape.axis(a, shape.length, "transpose");
        b = Shape.axis(b, shape.length, "transpose");
        perm[a] = b;
        perm[b] = a;
        return Permute.apply(this, perm);
    }

    public Tensor matmul(Tensor o) {
        return MatMul.apply(this, o);
    }

    private int[] allAxes() {
        int[] axes = new int[shape.length];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i;
        }
        return axes;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Shape.str(shape)).append(' ')
                .append(dtype().numpyName()).append(" on ").append(backend().name());
        if (storage.isClosed()) {
            return sb.append(" (closed)").toString();
        }
        double[] v = toDoubleArray();
        sb.append(' ').append(Arrays.toString(Arrays.copyOf(v, Math.min(v.length, 8))));
        if (v.length > 8) {
            sb.setLength(sb.length() - 1);
            sb.append(", ...]");
        }
        if (gradFn != null) {
            sb.append(" grad_fn=").append(gradFn.op());
        } else if (requiresGrad) {
            sb.append(" requires_grad");
        }
        return sb.toString();
    }
}
