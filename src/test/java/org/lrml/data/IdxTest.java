package org.lrml.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX files written here byte by byte, raw and gzipped, whole and damaged. */
class IdxTest {

    static byte[] images(int count, int rows, int cols, int seed) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(Idx.IMAGES_MAGIC);
        out.writeInt(count);
        out.writeInt(rows);
        out.writeInt(cols);
        for (int i = 0; i < count * rows * cols; i++) {
            out.writeByte((i * 37 + seed) & 0xff);
        }
        return b.toByteArray();
    }

    static byte[] labels(int... values) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(Idx.LABELS_MAGIC);
        out.writeInt(values.length);
        for (int v : values) {
            out.writeByte(v);
        }
        return b.toByteArray();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            gz.write(raw);
        }
        return b.toByteArray();
    }

    @Test
    void rawAndGzipAreRecognisedByContentNotName(@TempDir Path dir) throws IOException {
        byte[] raw = images(3, 5, 7, 1);
        // A gzip file without .gz and a raw file named .gz: both must read.
        Path gz = Files.write(dir.resolve("images-no-extension"), gzip(raw));
        Path plain = Files.write(dir.resolve("misnamed.gz"), raw);
        for (Path p : new Path[]{gz, plain}) {
            Idx.Images img = Idx.readImages(p);
            assertEquals(3, img.count());
            assertEquals(5, img.rows());
            assertEquals(7, img.cols());
            assertArrayEquals(Arrays.copyOfRange(raw, 16, raw.length), img.pixels());
        }
        Path lab = Files.write(dir.resolve("labels.gz"), gzip(labels(0, 9, 255)));
        assertArrayEquals(new int[]{0, 9, 255}, Idx.readLabels(lab), "labels are unsigned bytes");
    }

    @Test
    void wrongKindOfFileNamesBothMagics(@TempDir Path dir) throws IOException {
        Path lab = Files.write(dir.resolve("train-labels"), labels(1, 2));
        IOException e = assertThrows(IOException.class, () -> Idx.readImages(lab));
        assertTrue(e.getMessage().contains("train-labels") && e.getMessage().contains("0x00000801")
                && e.getMessage().contains("label file") && e.getMessage().contains("0x00000803"), e.getMessage());
        Path junk = Files.write(dir.resolve("junk"), "hello world, not idx".getBytes());
        IOException j = assertThrows(IOException.class, () -> Idx.readLabels(junk));
        assertTrue(j.getMessage().contains("bad magic number") && j.getMessage().contains("not an IDX file"),
                j.getMessage());
    }

    @Test
    void truncationIsReportedWithSizes(@TempDir Path dir) throws IOException {
        byte[] raw = images(4, 3, 3, 2);
        Path cut = Files.write(dir.resolve("cut"), Arrays.copyOf(raw, raw.length - 5));
        IOException e = assertThrows(IOException.class, () -> Idx.readImages(cut));
        assertTrue(e.getMessage().contains("cut: truncated") && e.getMessage().contains("4 images of 3 x 3 = 36 bytes")
                && e.getMessage().contains("only 31"), e.getMessage());

        byte[] gz = gzip(raw);
        Path cutGz = Files.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length - 20));
        IOException g = assertThrows(IOException.class, () -> Idx.readImages(cutGz));
        assertTrue(g.getMessage().contains("cut.gz") && g.getMessage().contains("truncated"), g.getMessage());

        Path header = Files.write(dir.resolve("header"), Arrays.copyOf(raw, 9));
        IOException h = assertThrows(IOException.class, () -> Idx.readImages(header));
        assertTrue(h.getMessage().contains("truncated header") && h.getMessage().contains("row count"),
                h.getMessage());

        byte[] longer = Arrays.copyOf(raw, raw.length + 3);
        Path extra = Files.write(dir.resolve("extra"), longer);
        IOException x = assertThrows(IOException.class, () -> Idx.readImages(extra));
        assertTrue(x.getMessage().contains("bytes follow"), x.getMessage());
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> Idx.readLabels(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("nope: no such file"), e.getMessage());
    }
}
