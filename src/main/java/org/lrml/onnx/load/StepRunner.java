package org.lrml.onnx.load;

import java.util.ArrayList;
import java.util.List;

import org.lrml.backend.Backend;
import org.lrml.backend.DType;
import org.lrml.backend.Shape;
import org.lrml.io.Printable;
import org.lrml.onnx.OnnxArray;
import org.lrml.ops.AutoPad;
import org.lrml.ops.AvgPool2d;
import org.lrml.ops.BatchNorm2d;
import org.lrml.ops.Clamp;
import org.lrml.ops.Concat;
import org.lrml.ops.Conv2d;
import org.lrml.ops.Gather;
import org.lrml.ops.Kernels;
import org.lrml.ops.Linear;
import org.lrml.ops.LogSoftmax;
import org.lrml.ops.MaxPool2d;
import org.lrml.ops.Permute;
import org.lrml.ops.PoolWindow;
import org.lrml.ops.PowScalar;
import org.lrml.ops.Slice;
import org.lrml.ops.Softmax;
import org.lrml.tensor.Tensor;

/**
 * Runs one ONNX node with the engine's ops: each operator as the ONNX spec defines it, on float tensors of the
 * network's backend, or on host integers where the node does shape arithmetic ({@link HostShapes}). Attribute
 * values were checked on import ({@link SupportedOps}); what depends on the shapes met at run time (a pad larger
 * than the kernel, shapes that do not broadcast) is an error that names the node.
 */
final class StepRunner {
    private final long opset;
    private final Backend backend;

    StepRunner(long opset, Backend backend) {
        this.opset = opset;
        this.backend = backend;
    }

    /** The node's outputs (one per declared output; only Dropout's optional mask is left null). */
    Object run(GraphStep s, List<Object> in) {
        try {
            return apply(s, in);
        } catch (IllegalArgumentException | IndexOutOfBoundsException | ClassCastException | NullPointerException e) {
            String m = String.valueOf(e.getMessage());
            throw new IllegalArgumentException(Printable.of(m.startsWith("node '") ? m : s.where() + ": " + m, 2000), e);
        }
    }

    private Object apply(GraphStep s, List<Object> in) {
        Object x = in.get(0);
        return switch (s.op()) {
            case "Identity", "Dropout" -> x;
            case "Conv" -> conv(s, in);
            case "BatchNormalization" -> BatchNorm2d.apply(t(x), t(in.get(1)), t(in.get(2)), t(in.get(3)),
                    t(in.get(4)), BatchNorm2d.Mode.INFERENCE, 0.1, s.f("epsilon", 1e-5));
            case "MaxPool" -> MaxPool2d.apply(t(x), window(s));
            case "AveragePool" -> AvgPool2d.apply(t(x), window(s), s.i("count_include_pad", 0) != 0);
            case "GlobalAveragePool" -> t(x).mean(spatialAxes(t(x)), true);
            case "GlobalMaxPool" -> t(x).max(spatialAxes(t(x)), true);
            case "Relu" -> t(x).relu();
            case "Sigmoid" -> org.lrml.ops.Sigmoid.apply(t(x));
            case "Tanh" -> org.lrml.ops.Tanh.apply(t(x));
            case "Exp" -> t(x).exp();
            case "Log" -> t(x).log();
            case "Neg" -> t(x).neg();
            case "Sqrt" -> t(x).sqrt();
            case "Abs" -> t(x).abs();
            case "Reciprocal" -> Tensor.ones(backend, DType.F32, t(x).shape()).div(t(x));
            case "Add", "Sub", "Mul", "Div" -> binary(s, x, in.get(1));
            case "Pow" -> pow(x, in.get(1));
            case "Clip" -> clip(s, in);
            case "ReduceMean", "ReduceMax", "ReduceSum", "ReduceL2", "ReduceSumSquare" -> reduce(s, in);
            case "LpNormalization" -> {
                Tensor v = t(x);
                int[] axis = {Shape.axis((int) s.i("axis", -1), v.rank(), s.op())};
                yield v.div(v.mul(v).sum(axis, true).sqrt());
            }
            case "Gemm" -> gemm(s, in);
            case "MatMul" -> t(x).matmul(t(in.get(1)));
            case "Flatten" -> flatten(s, x);
            case "Reshape" -> reshape(x, HostShapes.reshapeTarget(OnnxValues.shape(x),
                    OnnxValues.ints(OnnxValues.integers(in.get(1), s, "the shape"))));
            case "Transpose" -> transpose(s, x);
            case "Softmax", "LogSoftmax" -> softmax(s, t(x));
            case "Gather" -> gather(s, x, in.get(1));
            case "Unsqueeze" -> reshape(x, HostShapes.unsqueezed(OnnxValues.shape(x), axes(s, in, 1), s.where()));
            case "Squeeze" -> reshape(x, HostShapes.squeezed(OnnxValues.shape(x), axes(s, in, 1), s.where()));
            case "Concat" -> concat(s, in);
            case "Slice" -> slice(s, in);
            case "Shape" -> HostShapes.shapeOf(OnnxValues.shape(x), s);
            case "Expand" -> expand(s, x, in.get(1));
            case "Cast" -> cast(s, x);
            default -> throw new IllegalArgumentException("the op " + s.op() + " is not supported");
        };
    }

    private Tensor t(Object v) {
        return OnnxValues.tensor(v, backend);
    }

    private Tensor conv(GraphStep s, List<Object> in) {
        Tensor w = t(in.get(1));
        Tensor bias = s.input(2).isEmpty() ? null : t(in.get(2));
        int[] strides = or(s.ints("strides"), 1, 1);
        int[] pads = "VALID".equals(s.s("auto_pad", "NOTSET")) ? new int[4] : or(s.ints("pads"), 0, 0, 0, 0);
        int[] dilations = or(s.ints("dilations"), 1, 1);
        return Conv2d.apply(t(in.get(0)), w, bias, strides, new int[]{pads[0], pads[1]}, dilations,
                (int) s.i("group", 1));
    }

    private static int[] or(int[] v, int... dflt) {
        return v != null ? v : dflt;
    }

    private static PoolWindow window(GraphStep s) {
        return PoolWindow.onnx(s.ints("kernel_shape"), s.ints("strides"), s.ints("pads"), s.ints("dilations"),
                s.i("ceil_mode", 0) != 0, AutoPad.parse(s.where(), s.s("auto_pad", "NOTSET")));
    }

    private static int[] spatialAxes(Tensor x) {
        int[] axes = new int[Math.max(0, x.rank() - 2)];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 2;
        }
        return axes;
    }

    private Object binary(GraphStep s, Object a, Object b) {
        if (a instanceof OnnxArray ha && b instanceof OnnxArray hb && !ha.isFloat() && !hb.isFloat()) {
            return HostShapes.binary(ha, hb, s.op(), s.where());
        }
        Tensor ta = t(a);
        Tensor tb = t(b);
        return switch (s.op()) {
            case "Add" -> ta.add(tb);
            case "Sub" -> ta.sub(tb);
            case "Mul" -> ta.mul(tb);
            default -> ta.div(tb);
        };
    }

    private Tensor pow(Object a, Object b) {
        if (b instanceof OnnxArray hb && hb.numel() == 1) {
            return PowScalar.apply(t(a), hb.isFloat() ? hb.floats()[0] : hb.longs()[0]);
        }
        return t(a).pow(t(b));
    }

    private Tensor clip(GraphStep s, List<Object> in) {
        double lo = s.f("min", Double.NEGATIVE_INFINITY);
        double hi = s.f("max", Double.POSITIVE_INFINITY);
        if (!s.input(1).isEmpty()) {
            lo = OnnxValues.scalar(in.get(1), s, "min");
        }
        if (!s.input(2).isEmpty()) {
            hi = OnnxValues.scalar(in.get(2), s, "max");
        }
        return Clamp.apply(t(in.get(0)), lo, hi);
    }

    /** The axes of a reduction, Unsqueeze or Squeeze: the attribute (older opsets) or the optional input. */
    private static int[] axes(GraphStep s, List<Object> in, int inputIndex) {
        if (s.attrs().containsKey("axes")) {
            return s.ints("axes");
        }
        if (!s.input(inputIndex).isEmpty()) {
            return OnnxValues.ints(OnnxValues.integers(in.get(inputIndex), s, "axes"));
        }
        return null;
    }

    private Tensor reduce(GraphStep s, List<Object> in) {
        Tensor x = t(in.get(0));
        int[] axes = axes(s, in, 1);
        if (axes == null || axes.length == 0) {
            axes = java.util.stream.IntStream.range(0, x.rank()).toArray();
        }
        for (int i = 0; i < axes.length; i++) {
            axes[i] = Shape.axis(axes[i], x.rank(), s.where());
        }
        boolean keep = s.i("keepdims", 1) != 0;
        return switch (s.op()) {
            case "ReduceMean" -> x.mean(axes, keep);
            case "ReduceMax" -> x.max(axes, keep);
            case "ReduceSum" -> x.sum(axes, keep);
            case "ReduceSumSquare" -> x.mul(x).sum(axes, keep);
            default -> x.mul(x).sum(axes, keep).sqrt();
        };
    }

    /** alpha op(A) op(B) + beta C; the common Linear form (B transposed, alpha = beta = 1) as the engine's linear. */
    private Tensor gemm(GraphStep s, List<Object> in) {
        Tensor a = t(in.get(0));
        Tensor b = t(in.get(1));
        Tensor c = s.input(2).isEmpty() ? null : t(in.get(2));
        boolean transA = s.i("transA", 0) != 0;
        boolean transB = s.i("transB", 0) != 0;
        double alpha = s.f("alpha", 1.0);
        double beta = s.f("beta", 1.0);
        if (!transA && transB && alpha == 1.0 && beta == 1.0 && (c == null || c.rank() == 1)) {
            return Linear.apply(a, b, c);
        }
        Tensor y = (transA ? a.transpose(0, 1) : a).matmul(transB ? b.transpose(0, 1) : b);
        if (alpha != 1.0) {
            y = y.mul(alpha);
        }
        return c == null ? y : y.add(beta == 1.0 ? c : c.mul(beta));
    }

    private Object flatten(GraphStep s, Object x) {
        int[] xs = OnnxValues.shape(x);
        int axis = (int) s.i("axis", 1);
        int a = axis < 0 ? axis + xs.length : axis;
        if (a < 0 || a > xs.length) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + xs.length);
        }
        long outer = Shape.numel(java.util.Arrays.copyOfRange(xs, 0, a));
        long inner = Shape.numel(java.util.Arrays.copyOfRange(xs, a, xs.length));
        return reshape(x, new int[]{Math.toIntExact(outer), Math.toIntExact(inner)});
    }

    private static Object reshape(Object x, int[] shape) {
        if (x instanceof Tensor tx) {
            return tx.reshape(shape);
        }
        OnnxArray a = (OnnxArray) x;
        return a.isFloat() ? OnnxArray.ofFloats(shape, a.floats()) : OnnxArray.ofLongs(shape, a.longs());
    }

    private Tensor transpose(GraphStep s, Object x) {
        Tensor v = t(x);
        int[] perm = s.ints("perm");
        if (perm == null) {
            perm = new int[v.rank()];
            for (int i = 0; i < perm.length; i++) {
                perm[i] = perm.length - 1 - i;
            }
        }
        return Permute.apply(v, perm);
    }

    /** Opset 13 on: over one axis (default the last); before it over the flattened axes from axis (default 1) on. */
    private Tensor softmax(GraphStep s, Tensor x) {
        boolean log = s.op().equals("LogSoftmax");
        if (opset >= 13) {
            int axis = (int) s.i("axis", -1);
            return log ? LogSoftmax.apply(x, axis) : Softmax.apply(x, axis);
        }
        int axis = Shape.axis((int) s.i("axis", 1), x.rank(), s.where());
        int[] xs = x.shape();
        int outer = Math.toIntExact(Shape.numel(java.util.Arrays.copyOfRange(xs, 0, axis)));
        Tensor flat = x.reshape(outer, -1);
        return (log ? LogSoftmax.apply(flat, -1) : Softmax.apply(flat, -1)).reshape(xs);
    }

    private Object gather(GraphStep s, Object x, Object indices) {
        OnnxArray idx = OnnxValues.integers(indices, s, "the indices");
        int axis = (int) s.i("axis", 0);
        if (x instanceof OnnxArray hx && !hx.isFloat()) {
            return HostShapes.gather(hx, axis, idx, s.where());
        }
        return Gather.apply(t(x), axis, OnnxValues.ints(idx), idx.shape());
    }

    private Object concat(GraphStep s, List<Object> in) {
        int axis = (int) s.i("axis", 0);
        if (in.stream().allMatch(v -> v instanceof OnnxArray a && !a.isFloat())) {
            List<OnnxArray> hs = new ArrayList<>();
            in.forEach(v -> hs.add((OnnxArray) v));
            return HostShapes.concat(hs, axis, s.where());
        }
        List<Tensor> ts = new ArrayList<>();
        in.forEach(v -> ts.add(t(v)));
        return Concat.apply(ts, axis);
    }

    /** Starts, ends and axes from the inputs (opset 10 on) or the attributes (before); steps must be 1. */
    private Object slice(GraphStep s, List<Object> in) {
        Object x = in.get(0);
        int[] starts;
        int[] ends;
        int[] axes;
        if (s.attrs().containsKey("starts")) {
            starts = s.ints("starts");
            ends = s.ints("ends");
            axes = s.ints("axes");
        } else {
            starts = OnnxValues.ints(OnnxValues.integers(in.get(1), s, "starts"));
            ends = OnnxValues.ints(OnnxValues.integers(in.get(2), s, "ends"));
            axes = s.input(3).isEmpty() ? null : OnnxValues.ints(OnnxValues.integers(in.get(3), s, "axes"));
            if (!s.input(4).isEmpty()) {
                for (int step : OnnxValues.ints(OnnxValues.integers(in.get(4), s, "steps"))) {
                    if (step != 1) {
                        throw new IllegalArgumentException("steps other than 1 are not supported (got " + step + ")");
                    }
                }
            }
        }
        int[][] bounds = HostShapes.sliceBounds(OnnxValues.shape(x), starts, ends, axes, s.where());
        if (x instanceof OnnxArray hx && !hx.isFloat()) {
            return HostShapes.slice(hx, bounds);
        }
        Tensor y = t(x);
        for (int d = 0; d < bounds.length; d++) {
            if (bounds[d] != null && (bounds[d][0] != 0 || bounds[d][1] != y.size(d))) {
                y = Slice.apply(y, d, bounds[d][0], bounds[d][1]);
            }
        }
        return y;
    }

    /** Bidirectional broadcast of x against the shape (ONNX Expand), copied out. */
    private Object expand(GraphStep s, Object x, Object shape) {
        int[] target = OnnxValues.ints(OnnxValues.integers(shape, s, "the shape"));
        Tensor v = t(x);
        int[] ys = Shape.broadcast(v.shape(), target, s.where());
        return java.util.Arrays.equals(ys, v.shape()) ? v : Kernels.expand(v, ys);
    }

    private Object cast(GraphStep s, Object x) {
        long to = s.i("to", 1);
        boolean toFloat = OnnxValues.isFloatType(to);
        if (x instanceof Tensor) {
            if (!toFloat) {
                throw new IllegalArgumentException("Cast of a float tensor to an integer type is not supported");
            }
            return x;
        }
        OnnxArray a = (OnnxArray) x;
        if (toFloat) {
            if (a.isFloat()) {
                return a;
            }
            float[] f = new float[a.numel()];
            for (int i = 0; i < f.length; i++) {
                f[i] = a.longs()[i];
            }
            return OnnxArray.ofFloats(a.shape(), f);
        }
        if (!a.isFloat()) {
            return a;
        }
        long[] l = new long[a.numel()];
        for (int i = 0; i < l.length; i++) {
            l[i] = (long) a.floats()[i];
        }
        return OnnxArray.ofLongs(a.shape(), l);
    }
}
