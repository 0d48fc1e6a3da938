package org.lrml.onnx.load;

import java.util.List;
import java.util.function.LongBinaryOperator;

import org.lrml.backend.Shape;
import org.lrml.onnx.OnnxArray;

/**
 * The shape arithmetic of exported graphs on host integers (Shape - Gather - Unsqueeze - Concat - Reshape, as
 * {@code torch.onnx.export} writes {@code x.view(x.size(0), -1)} or {@code F.normalize}'s Expand): the same ONNX
 * semantics as the tensor ops, on small int64 arrays, so none of it touches the device.
 */
final class HostShapes {
    private HostShapes() {
    }

    static OnnxArray shapeOf(int[] shape, GraphStep s) {
        int r = shape.length;
        int start = clampAxis((int) s.i("start", 0), r);
        int end = clampAxis((int) s.i("end", r), r);
        long[] out = new long[Math.max(0, end - start)];
        for (int i = 0; i < out.length; i++) {
            out[i] = shape[start + i];
        }
        return OnnxArray.ofLongs(new int[]{out.length}, out);
    }

    private static int clampAxis(int a, int rank) {
        int v = a < 0 ? a + rank : a;
        return Math.max(0, Math.min(rank, v));
    }

    /** ONNX Gather on host integers: indices of any shape along one axis. */
    static OnnxArray gather(OnnxArray x, int axis, OnnxArray idx, String op) {
        int[] xs = x.shape();
        int ax = Shape.axis(axis, xs.length, op);
        int outer = 1;
        for (int i = 0; i < ax; i++) {
            outer *= xs[i];
        }
        int inner = 1;
        for (int i = ax + 1; i < xs.length; i++) {
            inner *= xs[i];
        }
        int d = xs[ax];
        long[] ix = idx.longs();
        long[] out = new long[outer * ix.length * inner];
        int w = 0;
        for (int o = 0; o < outer; o++) {
            for (long k : ix) {
                long j = k < 0 ? k + d : k;
                if (j < 0 || j >= d) {
                    throw new IllegalArgumentException(op + ": index " + k + " is out of range for size " + d);
                }
                for (int i = 0; i < inner; i++) {
                    out[w++] = x.longs()[(int) ((o * (long) d + j) * inner + i)];
                }
            }
        }
        int[] is = idx.shape();
        int[] ys = new int[xs.length - 1 + is.length];
        System.arraycopy(xs, 0, ys, 0, ax);
        System.arraycopy(is, 0, ys, ax, is.length);
        System.arraycopy(xs, ax + 1, ys, ax + is.length, xs.length - ax - 1);
        return OnnxArray.ofLongs(ys, out);
    }

    /** Concatenation along an axis. */
    static OnnxArray concat(List<OnnxArray> xs, int axis, String op) {
        int[] first = xs.get(0).shape();
        int ax = Shape.axis(axis, first.length, op);
        int outer = 1;
        for (int i = 0; i < ax; i++) {
            outer *= first[i];
        }
        int total = 0;
        for (OnnxArray a : xs) {
            total += a.shape()[ax];
        }
        int[] ys = first.clone();
        ys[ax] = total;
        long[] out = new long[(int) Shape.numel(ys)];
        int w = 0;
        for (int o = 0; o < outer; o++) {
            for (OnnxArray a : xs) {
                int block = a.numel() / Math.max(outer, 1);
                System.arraycopy(a.longs(), o * block, out, w, block);
                w += block;
            }
        }
        return OnnxArray.ofLongs(ys, out);
    }

    /** Elementwise integer arithmetic with broadcasting (Add, Sub, Mul, Div truncating as C does). */
    static OnnxArray binary(OnnxArray a, OnnxArray b, String opType, String op) {
        LongBinaryOperator f = switch (opType) {
            case "Add" -> Long::sum;
            case "Sub" -> (x, y) -> x - y;
            case "Mul" -> (x, y) -> x * y;
            case "Div" -> (x, y) -> {
                if (y == 0) {
                    throw new IllegalArgumentException(op + ": integer division by zero");
                }
                return x / y;
            };
            default -> throw new IllegalArgumentException(op + ": no integer form");
        };
        int[] ys = Shape.broadcast(a.shape(), b.shape(), op);
        long[] out = new long[(int) Shape.numel(ys)];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsLong(a.longs()[source(i, ys, a.shape())], b.longs()[source(i, ys, b.shape())]);
        }
        return OnnxArray.ofLongs(ys, out);
    }

    /** The flat index in a broadcast operand of output element i. */
    private static int source(int i, int[] ys, int[] xs) {
        int[] padded = Shape.padLeft(xs, ys.length);
        int[] strides = Shape.strides(padded);
        int rest = i;
        int src = 0;
        for (int d = ys.length - 1; d >= 0; d--) {
            int coord = rest % ys[d];
            rest /= ys[d];
            if (padded[d] != 1) {
                src += coord * strides[d];
            }
        }
        return src;
    }

    /** Slicing with step 1 along given axes; bounds clamped to the axis as ONNX does. */
    static int[][] sliceBounds(int[] xs, int[] starts, int[] ends, int[] axes, String op) {
        int[][] bounds = new int[xs.length][];
        for (int k = 0; k < starts.length; k++) {
            int ax = Shape.axis(axes == null ? k : axes[k], xs.length, op);
            int d = xs[ax];
            long s = starts[k] < 0 ? (long) starts[k] + d : starts[k];
            long e = ends[k] < 0 ? (long) ends[k] + d : ends[k];
            int lo = (int) Math.max(0, Math.min(d, s));
            int hi = (int) Math.max(lo, Math.min(d, e));
            bounds[ax] = new int[]{lo, hi};
        }
        return bounds;
    }

    static OnnxArray slice(OnnxArray x, int[][] bounds) {
        int[] xs = x.shape();
        int[] ys = xs.clone();
        for (int d = 0; d < xs.length; d++) {
            if (bounds[d] != null) {
                ys[d] = bounds[d][1] - bounds[d][0];
            }
        }
        long[] out = new long[(int) Shape.numel(ys)];
        int[] xStrides = Shape.strides(xs);
        for (int i = 0; i < out.length; i++) {
            int rest = i;
            int src = 0;
            for (int d = ys.length - 1; d >= 0; d--) {
                int coord = rest % ys[d];
                rest /= ys[d];
                src += (coord + (bounds[d] == null ? 0 : bounds[d][0])) * xStrides[d];
            }
            out[i] = x.longs()[src];
        }
        return OnnxArray.ofLongs(ys, out);
    }

    /** A reshape target with ONNX's 0 (copy the input's dimension) resolved; -1 is left for inference. */
    static int[] reshapeTarget(int[] from, int[] to) {
        int[] out = to.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && i < from.length) {
                out[i] = from[i];
            }
        }
        return Shape.inferReshape(from, out);
    }

    /** Unsqueeze's output shape: axes refer to the output's rank. */
    static int[] unsqueezed(int[] xs, int[] axes, String op) {
        int rank = xs.length + axes.length;
        boolean[] inserted = new boolean[rank];
        for (int a : axes) {
            inserted[Shape.axis(a, rank, op)] = true;
        }
        int[] ys = new int[rank];
        int k = 0;
        for (int d = 0; d < rank; d++) {
            ys[d] = inserted[d] ? 1 : xs[k++];
        }
        return ys;
    }

    /** Squeeze's output shape: the given axes (each of size 1), or every axis of size 1 when axes is null. */
    static int[] squeezed(int[] xs, int[] axes, String op) {
        boolean[] drop = new boolean[xs.length];
        if (axes == null) {
            for (int d = 0; d < xs.length; d++) {
                drop[d] = xs[d] == 1;
            }
        } else {
            for (int a : axes) {
                int d = Shape.axis(a, xs.length, op);
                if (xs[d] != 1) {
                    throw new IllegalArgumentException(op + ": axis " + a + " has size " + xs[d] + ", not 1");
                }
                drop[d] = true;
            }
        }
        return java.util.stream.IntStream.range(0, xs.length).filter(d -> !drop[d]).map(d -> xs[d]).toArray();
    }
}
