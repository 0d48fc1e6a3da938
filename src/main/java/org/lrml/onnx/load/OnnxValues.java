package org.lrml.onnx.load;

import org.lrml.backend.Backend;
import org.lrml.onnx.OnnxArray;
import org.lrml.onnx.proto.OnnxProto.TensorProto.DataType;
import org.lrml.tensor.Tensor;

/**
 * The two kinds of value an imported graph computes with: engine {@link Tensor}s (float32, on the network's
 * backend: activations and weights) and host {@link OnnxArray}s of integers (shapes, axes, indices: the shape
 * arithmetic PyTorch's exporter writes with Shape, Gather, Unsqueeze and Concat), which never need a device.
 */
final class OnnxValues {
    private OnnxValues() {
    }

    /** Whether Cast to this ONNX data type is supported: the floating-point types (float32 here) and integers. */
    static boolean castable(long to) {
        DataType t = DataType.forNumber((int) to);
        return t != null && switch (t) {
            case FLOAT, DOUBLE, FLOAT16, BFLOAT16, INT64, INT32, INT16, INT8, UINT8, UINT16, UINT32, UINT64, BOOL -> true;
            default -> false;
        };
    }

    static boolean isFloatType(long to) {
        DataType t = DataType.forNumber((int) to);
        return t == DataType.FLOAT || t == DataType.DOUBLE || t == DataType.FLOAT16 || t == DataType.BFLOAT16;
    }

    /** The value as an engine tensor on the backend (host integers become float32). */
    static Tensor tensor(Object v, Backend backend) {
        if (v instanceof Tensor t) {
            return t;
        }
        OnnxArray a = (OnnxArray) v;
        float[] f = a.isFloat() ? a.floats() : new float[a.numel()];
        if (!a.isFloat()) {
            for (int i = 0; i < f.length; i++) {
                f[i] = a.longs()[i];
            }
        }
        return Tensor.of(backend, f, a.shape());
    }

    /** The value as host integers; a float tensor here is an error naming the step (integers were expected). */
    static OnnxArray integers(Object v, GraphStep s, String what) {
        if (v instanceof OnnxArray a && !a.isFloat()) {
            return a;
        }
        throw new IllegalArgumentException(s.where() + ": " + what + " must be a constant or computed integer tensor"
                + " (shape arithmetic), got a float tensor");
    }

    /** The ints of host integers (axes, shapes), checked to fit. */
    static int[] ints(OnnxArray a) {
        int[] out = new int[a.numel()];
        for (int i = 0; i < out.length; i++) {
            long v = a.longs()[i];
            out[i] = v > Integer.MAX_VALUE ? Integer.MAX_VALUE : v < Integer.MIN_VALUE ? Integer.MIN_VALUE : (int) v;
        }
        return out;
    }

    /** One number (a Clip bound): a scalar or one-element tensor of either kind. */
    static double scalar(Object v, GraphStep s, String what) {
        if (v instanceof Tensor t) {
            if (t.numel() != 1) {
                throw new IllegalArgumentException(s.where() + ": " + what + " must be a single number");
            }
            return t.item();
        }
        OnnxArray a = (OnnxArray) v;
        if (a.numel() != 1) {
            throw new IllegalArgumentException(s.where() + ": " + what + " must be a single number");
        }
        return a.isFloat() ? a.floats()[0] : a.longs()[0];
    }

    static int[] shape(Object v) {
        return v instanceof Tensor t ? t.shape() : ((OnnxArray) v).shape();
    }
}
