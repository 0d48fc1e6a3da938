package org.lrml.data;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.testutil.Allocation;
import org.lrml.testutil.Fifo;

/** IDX headers that declare more than the file holds, damaged gzip trailers, and inputs that are not files. */
class IdxFaultsTest {
    @TempDir
    Path dir;

    private static byte[] header(int... ints) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        for (int v : ints) {
            out.writeInt(v);
        }
        return b.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void twoBillionDeclaredLabelsInAFewHundredBytesCostAFewHundredBytes() throws IOException {
        byte[] body = new byte[300];
        Path raw = Files.write(dir.resolve("labels-idx1-ubyte"), concat(header(Idx.LABELS_MAGIC, Integer.MAX_VALUE - 16),
                body));
        Path gz = Files.write(dir.resolve("labels-idx1-ubyte.gz"), IdxTest.gzip(concat(header(Idx.LABELS_MAGIC,
                Integer.MAX_VALUE - 16), body)));
        for (Path f : new Path[]{raw, gz}) {
            Allocation.Outcome o = Allocation.measure(() -> Idx.readLabels(f));
            IOException e = assertInstanceOf(IOException.class, o.thrown(), f.toString());
            assertTrue(e.getMessage().contains(f.getFileName().toString()) && e.getMessage().contains("truncated"),
                    e.getMessage());
            assertTrue(o.bytes() < 8 << 20, f + ": allocated " + o.bytes() + " bytes for a file of " + Files.size(f));
        }
    }

    @Test
    void anImageCountTimesSizeThatWrapsALongIsRefused() throws IOException {
        // 2^22 images of 2^21 x 2^21 pixels: the product is 2^64, which the old long arithmetic wrapped to 0 bytes
        // and accepted as an empty file of four million images.
        Path f = Files.write(dir.resolve("images-idx3-ubyte"), header(Idx.IMAGES_MAGIC, 1 << 22, 1 << 21, 1 << 21));
        IOException e = assertThrows(IOException.class, () -> Idx.readImages(f));
        assertTrue(e.getMessage().contains("do not fit"), e.getMessage());
    }

    @Test
    void aGzipChecksumErrorNamesTheFile() throws IOException {
        byte[] gz = IdxTest.gzip(IdxTest.labels(1, 2, 3, 4));
        gz[gz.length - 8] ^= 0x5a;  // the CRC-32 in the trailer
        Path f = Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gz);
        IOException e = assertThrows(IOException.class, () -> Idx.readLabels(f));
        assertTrue(e.getMessage().startsWith(f + ": ") && e.getMessage().contains("trailer"), e.getMessage());
        byte[] size = IdxTest.gzip(IdxTest.labels(1, 2, 3, 4));
        size[size.length - 1] ^= 0x01;  // ISIZE, the length in the trailer
        Path g = Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), size);
        IOException s = assertThrows(IOException.class, () -> Idx.readLabels(g));
        assertTrue(s.getMessage().startsWith(g + ": "), s.getMessage());
    }

    @Test
    void aFolderOrFifoIsRefusedByName() throws IOException {
        assertTrue(assertThrows(IOException.class, () -> Idx.readLabels(dir)).getMessage().contains("is a folder"));
        Path fifo = dir.resolve("train-images-idx3-ubyte");
        assumeTrue(Fifo.make(fifo), "mkfifo");
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(IOException.class, () -> Idx.readImages(fifo)));
        assertTrue(e.getMessage().contains("FIFO"), e.getMessage());
    }
}
