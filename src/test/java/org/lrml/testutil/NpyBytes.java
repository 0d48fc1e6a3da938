package org.lrml.testutil;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** .npy files with any header text, including ones numpy would refuse, for tests of the reader. */
public final class NpyBytes {
    private NpyBytes() {
    }

    /** Preamble of format {@code major.minor}, the header padded with spaces and a newline to 64 bytes, then data. */
    public static byte[] of(String header, int major, int minor, byte[] data) {
        byte[] text = header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int preamble = major == 1 ? 10 : 12;
        int pad = (64 - (preamble + text.length + 1) % 64) % 64;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, (byte) minor});
        ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            len.putShort((short) (text.length + pad + 1));
        } else {
            len.putInt(text.length + pad + 1);
        }
        out.writeBytes(len.array());
        out.writeBytes(text);
        out.writeBytes(" ".repeat(pad).getBytes(StandardCharsets.ISO_8859_1));
        out.write('\n');
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** Version 1.0. */
    public static byte[] of(String header, byte[] data) {
        return of(header, 1, 0, data);
    }

    /** The little-endian float32 bytes of 0, 1, ..., n - 1. */
    public static byte[] floats(int n) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(i);
        }
        return b.array();
    }

    /** A header dict of the three keys numpy writes. */
    public static String header(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    }
}
