package org.lrml.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.lrml.onnx.proto.OnnxProto.TensorProto;
import org.lrml.onnx.proto.OnnxProto.TensorProto.DataType;

import com.google.protobuf.ByteString;

/**
 * ONNX {@code TensorProto}s to and from {@link OnnxArray}s. Writing always uses {@code raw_data} (little-endian, as
 * the ONNX spec fixes it), which every runtime reads and which is the compact form; reading accepts raw data and the
 * typed repeated fields. Sizes are checked against the bytes actually present before anything is allocated, so a
 * tensor that declares more elements than the file carries is an error, not an allocation.
 */
public final class OnnxTensors {
    private OnnxTensors() {
    }

    /** A float32 tensor (an initializer or a Constant's value). */
    public static TensorProto floats(String name, int[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return header(name, shape, DataType.FLOAT).setRawData(ByteString.copyFrom(b.array())).build();
    }

    /** An int64 tensor (shapes, axes, indices). */
    public static TensorProto longs(String name, int[] shape, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return header(name, shape, DataType.INT64).setRawData(ByteString.copyFrom(b.array())).build();
    }

    private static TensorProto.Builder header(String name, int[] shape, DataType type) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (int d : shape) {
            t.addDims(d);
        }
        return t;
    }

    /**
     * The content of a tensor; {@code where} names it in errors (e.g. "initializer 'conv1.weight'"). Floating types
     * become float32, integer types and BOOL int64; strings, complex numbers and tensors kept in external files are
     * refused by name.
     */
    public static OnnxArray read(TensorProto t, String where) {
        int[] shape = dims(t.getDimsList(), where);
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            throw new IllegalArgumentException(where + ": its data is kept in an external file, which is not supported"
                    + " (export the model with its weights inside the .onnx file)");
        }
        DataType type = DataType.forNumber(t.getDataType());
        if (type == null) {
            throw new IllegalArgumentException(where + ": unknown data type " + t.getDataType());
        }
        ByteBuffer raw = t.hasRawData() ? t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
        return switch (type) {
            case FLOAT -> OnnxArray.ofFloats(shape, raw != null ? rawFloats(raw, n, where)
                    : floats(t.getFloatDataList(), n, where));
            case DOUBLE -> OnnxArray.ofFloats(shape, raw != null ? rawDoubles(raw, n, where)
                    : doubles(t.getDoubleDataList(), n, where));
            case FLOAT16, BFLOAT16 -> OnnxArray.ofFloats(shape, halves(raw != null ? rawShorts(raw, n, where)
                    : int32Halves(t.getInt32DataList(), n, where), type == DataType.BFLOAT16));
            case INT64 -> OnnxArray.ofLongs(shape, raw != null ? rawLongs(raw, n, where)
                    : longList(t.getInt64DataList(), n, where));
            case INT32, INT16, INT8, UINT16, UINT8, BOOL -> OnnxArray.ofLongs(shape, raw != null
                    ? rawIntegers(raw, n, width(type), type == DataType.UINT8 || type == DataType.UINT16
                    || type == DataType.BOOL, where)
                    : intList(t.getInt32DataList(), n, where));
            case UINT32, UINT64 -> OnnxArray.ofLongs(shape, raw != null
                    ? rawIntegers(raw, n, type == DataType.UINT32 ? 4 : 8, true, where)
                    : longList(t.getUint64DataList(), n, where));
            default -> throw new IllegalArgumentException(where + ": data type " + type + " is not supported (only"
                    + " numbers: floating point, integers, bool)");
        };
    }

    private static int[] dims(List<Long> dims, String where) {
        int[] shape = new int[dims.size()];
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = dims.get(i);
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(where + ": dimension " + i + " is " + d);
            }
            shape[i] = (int) d;
            n *= Math.max(d, 1);
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(where + ": shape " + dims + " has more than 2^31 elements");
            }
        }
        return shape;
    }

    private static void expect(long have, long n, String unit, String where) {
        if (have != n) {
            throw new IllegalArgumentException(where + ": its shape needs " + n + " values, the file holds " + have
                    + unit);
        }
    }

    private static float[] rawFloats(ByteBuffer raw, long n, String where) {
        expect(raw.remaining() / 4, n, " (" + raw.remaining() + " bytes)", where);
        checkWhole(raw, 4, where);
        float[] out = new float[(int) n];
        raw.asFloatBuffer().get(out);
        return out;
    }

    private static float[] rawDoubles(ByteBuffer raw, long n, String where) {
        expect(raw.remaining() / 8, n, " (" + raw.remaining() + " bytes)", where);
        checkWhole(raw, 8, where);
        float[] out = new float[(int) n];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) raw.getDouble(i * 8);
        }
        return out;
    }

    private static short[] rawShorts(ByteBuffer raw, long n, String where) {
        expect(raw.remaining() / 2, n, " (" + raw.remaining() + " bytes)", where);
        checkWhole(raw, 2, where);
        short[] out = new short[(int) n];
        raw.asShortBuffer().get(out);
        return out;
    }

    private static long[] rawLongs(ByteBuffer raw, long n, String where) {
        expect(raw.remaining() / 8, n, " (" + raw.remaining() + " bytes)", where);
        checkWhole(raw, 8, where);
        long[] out = new long[(int) n];
        raw.asLongBuffer().get(out);
        return out;
    }

    private static long[] rawIntegers(ByteBuffer raw, long n, int width, boolean unsigned, String where) {
        expect(raw.remaining() / width, n, " (" + raw.remaining() + " bytes)", where);
        checkWhole(raw, width, where);
        long[] out = new long[(int) n];
        for (int i = 0; i < out.length; i++) {
            int at = i * width;
            out[i] = switch (width) {
                case 1 -> unsigned ? raw.get(at) & 0xFF : raw.get(at);
                case 2 -> unsigned ? raw.getShort(at) & 0xFFFF : raw.getShort(at);
                case 4 -> unsigned ? raw.getInt(at) & 0xFFFFFFFFL : raw.getInt(at);
                default -> raw.getLong(at);
            };
        }
        return out;
    }

    private static void checkWhole(ByteBuffer raw, int width, String where) {
        if (raw.remaining() % width != 0) {
            throw new IllegalArgumentException(where + ": " + raw.remaining() + " bytes of raw data is not a whole"
                    + " number of " + width + "-byte values");
        }
    }

    private static float[] floats(List<Float> v, long n, String where) {
        expect(v.size(), n, "", where);
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    private static float[] doubles(List<Double> v, long n, String where) {
        expect(v.size(), n, "", where);
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i).floatValue();
        }
        return out;
    }

    private static short[] int32Halves(List<Integer> v, long n, String where) {
        expect(v.size(), n, "", where);
        short[] out = new short[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (short) (int) v.get(i);
        }
        return out;
    }

    private static long[] longList(List<Long> v, long n, String where) {
        expect(v.size(), n, "", where);
        long[] out = new long[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    private static long[] intList(List<Integer> v, long n, String where) {
        expect(v.size(), n, "", where);
        long[] out = new long[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    private static int width(DataType type) {
        return switch (type) {
            case INT8, UINT8, BOOL -> 1;
            case INT16, UINT16 -> 2;
            default -> 4;
        };
    }

    /** IEEE half or bfloat16 bit patterns to float. */
    private static float[] halves(short[] bits, boolean bfloat) {
        float[] out = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            int h = bits[i] & 0xFFFF;
            out[i] = bfloat ? Float.intBitsToFloat(h << 16) : halfToFloat(h);
        }
        return out;
    }

    static float halfToFloat(int h) {
        int sign = (h >>> 15) << 31;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant / 1024f / 16384f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
