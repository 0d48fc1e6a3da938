package org.lrml.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes Python pickles (protocol 2) of the plain values data files hold: dicts with string keys, lists, str and
 * int, so the engine can make files in the format of cirtorch's {@code retrieval-SfM-120k.pkl} (the synthetic
 * SfM-format set of the tests). {@link Pickle} and Python's {@code pickle.load} read them back.
 */
public final class PickleWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private PickleWriter() {
    }

    /** The pickle of {@code value}: a Map with String keys, a List, a String, an Integer or Long, or an int[]. */
    public static byte[] bytes(Object value) {
        PickleWriter w = new PickleWriter();
        w.out.write(0x80);
        w.out.write(2);
        w.value(value);
        w.out.write('.');
        return w.out.toByteArray();
    }

    /** Writes the pickle of {@code value} to {@code file} atomically. */
    public static void write(Path file, Object value) throws IOException {
        AtomicFiles.writeBytes(file, bytes(value));
    }

    private void value(Object v) {
        if (v instanceof String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write('X');
            le32(b.length);
            out.writeBytes(b);
        } else if (v instanceof Integer i) {
            integer(i);
        } else if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
            integer((int) (long) l);
        } else if (v instanceof int[] a) {
            out.write(']');
            out.write('(');
            for (int x : a) {
                integer(x);
            }
            out.write('e');
        } else if (v instanceof List<?> l) {
            out.write(']');
            out.write('(');
            for (Object x : l) {
                value(x);
            }
            out.write('e');
        } else if (v instanceof Map<?, ?> m) {
            out.write('}');
            out.write('(');
            for (Map.Entry<?, ?> e : m.entrySet()) {
                value(e.getKey());
                value(e.getValue());
            }
            out.write('u');
        } else {
            throw new IllegalArgumentException("pickle writer: cannot write a "
                    + (v == null ? "null" : v.getClass().getSimpleName()));
        }
    }

    /** BININT: a signed 32-bit little-endian int. */
    private void integer(int i) {
        out.write('J');
        le32(i);
    }

    private void le32(int v) {
        out.write(v & 0xff);
        out.write((v >>> 8) & 0xff);
        out.write((v >>> 16) & 0xff);
        out.write((v >>> 24) & 0xff);
    }
}
