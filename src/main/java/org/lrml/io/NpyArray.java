package org.lrml.io;

import java.util.Arrays;

import org.lrml.backend.Backend;
import org.lrml.backend.DType;
import org.lrml.backend.Shape;
import org.lrml.tensor.Tensor;

/**
 * The content of one .npy file: element type, shape (C order), and the values in a primitive array
 * ({@code float[]}, {@code double[]}, {@code int[]} or {@code long[]} for F4, F8, I4, I8).
 */
public record NpyArray(Type type, int[] shape, Object data) {

    /** The element types the engine reads and writes. */
    public enum Type {
        F4("f4", 4), F8("f8", 8), I4("i4", 4), I8("i8", 8);

        final String code;
        final int bytes;

        Type(String code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }

        public String numpyName() {
            return switch (this) {
                case F4 -> "float32";
                case F8 -> "float64";
                case I4 -> "int32";
                case I8 -> "int64";
            };
        }
    }

    public NpyArray {
        long n = Shape.numel(shape);
        int len = switch (type) {
            case F4 -> ((float[]) data).length;
            case F8 -> ((double[]) data).length;
            case I4 -> ((int[]) data).length;
            case I8 -> ((long[]) data).length;
        };
        if (len != n) {
            throw new IllegalArgumentException("npy: " + len + " values for shape " + Shape.str(shape));
        }
        shape = shape.clone();
    }

    public static NpyArray of(float[] d, int... shape) {
        return new NpyArray(Type.F4, shape, d);
    }

    public static NpyArray of(double[] d, int... shape) {
        return new NpyArray(Type.F8, shape, d);
    }

    public static NpyArray of(int[] d, int... shape) {
        return new NpyArray(Type.I4, shape, d);
    }

    public static NpyArray of(long[] d, int... shape) {
        return new NpyArray(Type.I8, shape, d);
    }

    public long numel() {
        return Shape.numel(shape);
    }

    public boolean isFloat() {
        return type == Type.F4 || type == Type.F8;
    }

    /** Values as doubles (exact for every type up to 2^53). */
    public double[] toDoubles() {
        int n = Math.toIntExact(numel());
        double[] out = new double[n];
        switch (type) {
            case F4 -> {
                float[] f = (float[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = f[i];
                }
            }
            case F8 -> System.arraycopy(data, 0, out, 0, n);
            case I4 -> {
                int[] v = (int[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            case I8 -> {
                long[] v = (long[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
        }
        return out;
    }

    /** Values as float32 (float64 input is rounded; integers converted). */
    public float[] toFloats() {
        if (type == Type.F4) {
            return ((float[]) data).clone();
        }
        double[] d = toDoubles();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /**
     * Integer values as int (labels, indices); the message names {@code what} when the array holds
     * floats or values outside the int range.
     */
    public int[] toInts(String what) {
        int n = Math.toIntExact(numel());
        int[] out = new int[n];
        switch (type) {
            case I4 -> System.arraycopy(data, 0, out, 0, n);
            case I8 -> {
                long[] v = (long[]) data;
                for (int i = 0; i < n; i++) {
                    if (v[i] < Integer.MIN_VALUE || v[i] > Integer.MAX_VALUE) {
                        throw new IllegalArgumentException(what + ": value " + v[i] + " at index " + i
                                + " does not fit a 32-bit index");
                    }
                    out[i] = (int) v[i];
                }
            }
            default -> throw new IllegalArgumentException(what + " must hold integers (int32 or int64), got "
                    + type.numpyName());
        }
        return out;
    }

    /** A tensor on the backend: float32 stays float32, float64 stays float64; integer arrays are refused. */
    public Tensor toTensor(Backend backend) {
        return switch (type) {
            case F4 -> Tensor.of(backend, (float[]) data, shape);
            case F8 -> Tensor.of(backend, (double[]) data, shape);
            default -> throw new IllegalArgumentException("a " + type.numpyName()
                    + " array cannot become a tensor (tensors hold float32 or float64)");
        };
    }

    public static NpyArray of(Tensor t) {
        return t.dtype() == DType.F64 ? of(t.toDoubleArray(), t.shape()) : of(t.toFloatArray(), t.shape());
    }

    @Override
    public String toString() {
        return "NpyArray(" + type.numpyName() + " " + Arrays.toString(shape) + ")";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NpyArray a) || a.type != type || !Arrays.equals(a.shape, shape)) {
            return false;
        }
        return switch (type) {
            case F4 -> Arrays.equals((float[]) data, (float[]) a.data);
            case F8 -> Arrays.equals((double[]) data, (double[]) a.data);
            case I4 -> Arrays.equals((int[]) data, (int[]) a.data);
            case I8 -> Arrays.equals((long[]) data, (long[]) a.data);
        };
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + type.hashCode();
    }
}
