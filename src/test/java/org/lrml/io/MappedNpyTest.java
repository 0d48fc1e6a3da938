package org.lrml.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.testutil.NpyFiles;

/**
 * MappedNpy reads what numpy wrote (float16 of every class, both byte orders, integers) exactly as numpy widens it,
 * any row range of it, and refuses broken files with the file's name; Float16 rounds as numpy does.
 */
class MappedNpyTest {
    private static final Path FIX = Path.of("src/test/resources/mapped");

    private static float[] floats(Path file) throws IOException {
        try (MappedNpy m = MappedNpy.open(file)) {
            float[] out = new float[(int) (m.rows() * m.cols())];
            m.readFloats(0, (int) m.rows(), out, 0);
            return out;
        }
    }

    @Test
    void float16WidensExactlyAsNumpyDoes() throws IOException {
        float[] expected = (float[]) Npy.read(FIX.resolve("half_as_float32.npy")).data();
        float[] little = floats(FIX.resolve("half_values.npy"));
        float[] big = floats(FIX.resolve("half_big_endian.npy"));
        assertEquals(64, expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(little[i]), "element " + i);
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(big[i]), "big-endian element " + i);
        }
        try (MappedNpy m = MappedNpy.open(FIX.resolve("half_values.npy"))) {
            assertEquals(MappedNpy.Element.F2, m.element());
            assertEquals(8, m.rows());
            assertEquals(8, m.cols());
            float[] middle = new float[3 * 8 + 5];
            m.readFloats(2, 3, middle, 5);
            for (int i = 0; i < 24; i++) {
                assertEquals(Float.floatToIntBits(expected[16 + i]), Float.floatToIntBits(middle[5 + i]));
            }
        }
    }

    @Test
    void float16RoundsAsNumpyDoes() throws IOException {
        float[] in = (float[]) Npy.read(FIX.resolve("from_float32.npy")).data();
        int[] expected = (int[]) Npy.read(FIX.resolve("to_half.npy")).data();
        for (int i = 0; i < in.length; i++) {
            assertEquals((short) expected[i], Float16.fromFloat(in[i]), "float " + in[i]);
        }
        for (int h = 0; h < 1 << 16; h++) {
            float f = Float16.toFloat((short) h);
            if (!Float.isNaN(f)) {
                assertEquals((short) h, Float16.fromFloat(f), "half 0x" + Integer.toHexString(h) + " round trip");
            }
        }
    }

    @Test
    void float32AndIntegersReadInPlace(@TempDir Path dir) throws IOException {
        float[] x = new float[7 * 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = i * 0.25f - 3;
        }
        Path f = dir.resolve("x.npy");
        Npy.write(f, NpyArray.of(x, 7, 5));
        assertArrayEquals(x, floats(f));
        Path g = dir.resolve("x64.npy");
        double[] xd = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xd[i] = x[i] + 1e-12;
        }
        Npy.write(g, NpyArray.of(xd, 7, 5));
        float[] rounded = floats(g);
        for (int i = 0; i < x.length; i++) {
            assertEquals((float) xd[i], rounded[i]);
        }
        try (MappedNpy m = MappedNpy.open(FIX.resolve("labels_i8_big.npy"))) {
            long[] v = new long[5];
            m.readLongs(0, 5, v, 0);
            assertArrayEquals(new long[]{3, -1, 7, 3, 1L << 40}, v);
            assertEquals(1, m.cols());
            assertTrue(!m.isMatrix());
        }
        try (MappedNpy m = MappedNpy.open(FIX.resolve("labels_i4.npy"))) {
            long[] v = new long[3];
            m.readLongs(2, 3, v, 0);
            assertArrayEquals(new long[]{7, 3, 0}, v);
            IOException e = assertThrows(IOException.class, () -> m.readFloats(0, 1, new float[1], 0));
            assertTrue(e.getMessage().contains("labels_i4.npy") && e.getMessage().contains("int32"), e.getMessage());
        }
    }

    @Test
    void streamedWriterAndMappedReaderAgreeAcrossRowRanges(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("h.npy");
        NpyFiles.write(f, 100, 3, true, (r, dst) -> {
            for (int j = 0; j < 3; j++) {
                dst[j] = r * 0.5f + j;
            }
        });
        try (MappedNpy m = MappedNpy.open(f)) {
            assertEquals(100, m.rows());
            assertEquals(600, m.dataBytes());
            float[] row = new float[3];
            m.readFloats(99, 1, row, 0);
            assertArrayEquals(new float[]{49.5f, 50.5f, 51.5f}, row);
            assertThrows(IndexOutOfBoundsException.class, () -> m.readFloats(99, 2, new float[6], 0));
            assertThrows(IndexOutOfBoundsException.class, () -> m.readFloats(0, 2, new float[5], 0));
        }
    }

    @Test
    void brokenFilesNameTheFileAndTheProblem(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("x.npy");
        NpyFiles.write(f, 4, 2, false, (r, dst) -> dst[0] = r);
        byte[] good = Files.readAllBytes(f);

        Path truncated = dir.resolve("truncated.npy");
        Files.write(truncated, java.util.Arrays.copyOf(good, good.length - 3));
        assertMessage(truncated, "truncated data");

        Path trailing = dir.resolve("trailing.npy");
        Files.write(trailing, java.util.Arrays.copyOf(good, good.length + 4));
        assertMessage(trailing, "bytes after the data");

        Path notNpy = dir.resolve("text.npy");
        Files.writeString(notNpy, "hello, this is no array at all");
        assertMessage(notNpy, "not an .npy file");

        Path u8 = dir.resolve("u8.npy");
        Files.write(u8, new String(good, java.nio.charset.StandardCharsets.ISO_8859_1).replace("<f4", "|u1")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertMessage(u8, "unsupported dtype '|u1'");

        assertMessage(dir.resolve("missing.npy"), "no such file");
        assertMessage(Path.of("src/test/resources/npy/fortran.npy"), "Fortran");
    }

    private static void assertMessage(Path file, String part) {
        IOException e = assertThrows(IOException.class, () -> MappedNpy.open(file).close());
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void mappingsAreReleasedPromptlyOnThisJdk() {
        assertTrue(Unmapper.prompt(), "sun.misc.Unsafe.invokeCleaner is not reachable: mappings wait for the GC");
    }
}
