package org.lrml.onnx;

import java.util.Arrays;

import org.lrml.backend.Shape;

/**
 * The content of an ONNX tensor on the host: a shape and either floats (FLOAT, DOUBLE, FLOAT16 and BFLOAT16 are
 * all read as float32, the engine's precision) or integers (every integer type and BOOL, read as int64, which is
 * what shape arithmetic in exported graphs uses). Exactly one of the two arrays is non-null.
 *
 * @param shape  the dimensions ({} for a scalar)
 * @param floats the values of a floating-point tensor, row-major, or null
 * @param longs  the values of an integer tensor, row-major, or null
 */
public record OnnxArray(int[] shape, float[] floats, long[] longs) {
    public OnnxArray {
        if ((floats == null) == (longs == null)) {
            throw new IllegalArgumentException("an ONNX array holds floats or integers, exactly one of them");
        }
        long n = Shape.numel(shape);
        long have = floats != null ? floats.length : longs.length;
        if (n != have) {
            throw new IllegalArgumentException("shape " + Shape.str(shape) + " needs " + n + " values, got " + have);
        }
        shape = shape.clone();
    }

    public static OnnxArray ofFloats(int[] shape, float[] values) {
        return new OnnxArray(shape, values, null);
    }

    public static OnnxArray ofLongs(int[] shape, long[] values) {
        return new OnnxArray(shape, null, values);
    }

    public boolean isFloat() {
        return floats != null;
    }

    public int numel() {
        return isFloat() ? floats.length : longs.length;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OnnxArray a && Arrays.equals(a.shape, shape) && Arrays.equals(a.floats, floats)
                && Arrays.equals(a.longs, longs);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + (isFloat() ? Arrays.hashCode(floats) : Arrays.hashCode(longs));
    }

    @Override
    public String toString() {
        return (isFloat() ? "float" : "int64") + Shape.str(shape);
    }
}
