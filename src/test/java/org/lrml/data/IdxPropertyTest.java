package org.lrml.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.testutil.Fuzz;
import org.lrml.testutil.Mutator;

/**
 * Properties of the IDX reader, raw and gzip-compressed: every file is read (as images and as labels) or refused
 * with an IOException naming it, never another exception, a hang, or memory beyond a fixed multiple of the file's
 * size (for gzip, of what its deflate stream can expand to: at most about 1032 bytes per byte). Inputs: headers
 * whose counts and sizes sit at the edges of int, bodies shorter or longer than announced, gzip members with every
 * optional header field, concatenated members, trailing bytes, and byte-level damage anywhere, trailer included.
 */
class IdxPropertyTest {
    @TempDir
    Path dir;

    private Fuzz.Check<byte[]> readBoth() {
        return Fuzz.documented(IOException.class, (bytes, name) -> {
            Path f = Files.write(dir.resolve(name), bytes);
            try {
                try {
                    Idx.Images im = Idx.readImages(f);
                    if (im.pixels().length != (long) im.count() * im.rows() * im.cols()) {
                        throw new AssertionError(name + ": " + im.pixels().length + " pixels for " + im.count() + " x "
                                + im.rows() + " x " + im.cols());
                    }
                } catch (IOException e) {
                    if (!e.getMessage().contains("bad magic number")) {
                        throw e;
                    }
                }
                Idx.readLabels(f);
            } finally {
                Files.delete(f);
            }
        });
    }

    @Test
    void everyRawFileIsReadOrRefusedWithANamedIoError() {
        Fuzz.Summary s = Fuzz.Property.ofBytes("idx", IdxPropertyTest::raw, readBoth(), 16, 2 << 20).verify();
        assertEquals(Fuzz.count(), s.total());
    }

    @Test
    void everyGzipFileIsReadOrRefusedWithANamedIoError() {
        Fuzz.Summary s = Fuzz.Property.ofBytes("gzip", IdxPropertyTest::gzipped, readBoth(), 2200, 2 << 20).verify();
        assertEquals(Fuzz.count(), s.total());
    }

    static byte[] raw(Random rng) {
        boolean images = rng.nextBoolean();
        int magic = rng.nextInt(12) == 0 ? (int) Mutator.interestingSize(rng) : images ? Idx.IMAGES_MAGIC
                : Idx.LABELS_MAGIC;
        int[] header = images ? new int[]{magic, small(rng), small(rng), small(rng)} : new int[]{magic, small(rng)};
        long body = 1;
        for (int i = 1; i < header.length; i++) {
            body *= header[i];
        }
        int length = body >= 0 && body <= 4096 && rng.nextInt(10) < 7 ? (int) body : rng.nextInt(300);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        try {
            for (int v : header) {
                out.writeInt(v);
            }
            byte[] data = new byte[length];
            rng.nextBytes(data);
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = b.toByteArray();
        return rng.nextInt(3) == 0 ? Mutator.mutate(bytes, rng, 3, null, 4, 8, 12, 16) : bytes;
    }

    /** Mostly small and consistent; sometimes a size at the edge of int. */
    private static int small(Random rng) {
        return rng.nextInt(5) == 0 ? (int) Mutator.interestingSize(rng) : rng.nextInt(7);
    }

    static byte[] gzipped(Random rng) {
        byte[] raw = raw(rng);
        byte[] gz = rng.nextBoolean() ? plainGzip(raw) : handMadeGzip(raw, rng);
        if (rng.nextInt(8) == 0) {
            gz = concat(gz, rng.nextBoolean() ? plainGzip(raw(rng)) : new byte[]{(byte) rng.nextInt(256), 0x1f, (byte) 0x8b});
        }
        return rng.nextInt(10) < 7 ? Mutator.mutate(gz, rng, 3, null, 10, gz.length - 8, gz.length - 4) : gz;
    }

    private static byte[] plainGzip(byte[] raw) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(b)) {
            out.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    /** A gzip member with random optional fields (FEXTRA, FNAME, FCOMMENT, FHCRC) and compression level. */
    private static byte[] handMadeGzip(byte[] raw, Random rng) {
        int flags = rng.nextInt(32) & 0x1e;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{0x1f, (byte) 0x8b, 8, (byte) flags, 0, 0, 0, 0, 0, 3});
        if ((flags & 4) != 0) {
            int n = rng.nextInt(20);
            out.write(n);
            out.write(0);
            byte[] extra = new byte[n];
            rng.nextBytes(extra);
            out.writeBytes(extra);
        }
        if ((flags & 8) != 0) {
            out.writeBytes("train-labels-idx1-ubyte".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.write(0);
        }
        if ((flags & 16) != 0) {
            out.writeBytes("a comment".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.write(0);
        }
        if ((flags & 2) != 0) {
            CRC32 crc = new CRC32();
            crc.update(out.toByteArray());
            out.write((int) crc.getValue() & 0xff);
            out.write((int) (crc.getValue() >> 8) & 0xff);
        }
        Deflater d = new Deflater(rng.nextInt(10), true);
        d.setInput(raw);
        d.finish();
        byte[] buf = new byte[raw.length * 2 + 64];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        CRC32 crc = new CRC32();
        crc.update(raw);
        ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        trailer.putInt((int) crc.getValue()).putInt(raw.length);
        out.writeBytes(trailer.array());
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
