package org.lrml.backend.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of one kernel launch, in the kernel's order, each with a name for error messages and a kind
 * that {@link PtxSignature} checks against the PTX declaration before anything reaches the driver (a wrong
 * parameter width would otherwise make the kernel read garbage silently). Structs are passed by value as
 * little-endian bytes laid out exactly as the C struct in the .cu file.
 */
public final class KernelArgs {
    /** Parameter kinds, by PTX declaration: .u64 (PTR, I64), .u32/.s32 (I32), .f32, .f64, .b8[n] (STRUCT). */
    public enum Kind { PTR, I32, I64, F32, F64, STRUCT }

    /** One parameter: its value as little-endian bytes. */
    public record Arg(String name, Kind kind, byte[] bytes) {
        String describe() {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            return name + "=" + switch (kind) {
                case PTR -> String.format("0x%x", b.getLong());
                case I32 -> Integer.toString(b.getInt());
                case I64 -> Long.toString(b.getLong());
                case F32 -> Float.toString(b.getFloat());
                case F64 -> Double.toString(b.getDouble());
                case STRUCT -> "{" + bytes.length + " bytes}";
            };
        }
    }

    private final List<Arg> args = new ArrayList<>();

    public KernelArgs ptr(String name, long address) {
        return add(name, Kind.PTR, le(8).putLong(address));
    }

    public KernelArgs i32(String name, int v) {
        return add(name, Kind.I32, le(4).putInt(v));
    }

    public KernelArgs i64(String name, long v) {
        return add(name, Kind.I64, le(8).putLong(v));
    }

    public KernelArgs f32(String name, float v) {
        return add(name, Kind.F32, le(4).putFloat(v));
    }

    public KernelArgs f64(String name, double v) {
        return add(name, Kind.F64, le(8).putDouble(v));
    }

    /** A struct of 32-bit ints, in declaration order. */
    public KernelArgs structOfInts(String name, int... values) {
        ByteBuffer b = le(4 * values.length);
        for (int v : values) {
            b.putInt(v);
        }
        return add(name, Kind.STRUCT, b);
    }

    /** A struct of 64-bit integers, in declaration order (e.g. Dims8). */
    public KernelArgs structOfLongs(String name, long... values) {
        ByteBuffer b = le(8 * values.length);
        for (long v : values) {
            b.putLong(v);
        }
        return add(name, Kind.STRUCT, b);
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private KernelArgs add(String name, Kind kind, ByteBuffer b) {
        args.add(new Arg(name, kind, b.array()));
        return this;
    }

    public List<Arg> list() {
        return args;
    }

    public int size() {
        return args.size();
    }

    /** "m=5, n=7, A=0x7f..." for error messages. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Arg a : args) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(a.describe());
        }
        return sb.toString();
    }
}
