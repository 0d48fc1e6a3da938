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

/** .npy files written by numpy (fixtures made by src/test/resources/npy/make_npy_fixtures.py) and round trips. */
class NpyTest {
    private static final Path FIX = Path.of("src/test/resources/npy");

    @Test
    void readsNumpyFiles() throws IOException {
        NpyArray a = Npy.read(FIX.resolve("f32_2x3.npy"));
        assertEquals(NpyArray.Type.F4, a.type());
        assertArrayEquals(new int[]{2, 3}, a.shape());
        assertArrayEquals(new float[]{0, 0.25f, 0.5f, 0.75f, 1, 1.25f}, (float[]) a.data());

        NpyArray be = Npy.read(FIX.resolve("f64_big_endian.npy"));
        assertArrayEquals(new double[]{-2.5, -1.5, -0.5, 0.5, 1.5}, (double[]) be.data());

        NpyArray col = Npy.read(FIX.resolve("i64_col.npy"));
        assertArrayEquals(new long[]{3, -1, 1L << 40}, (long[]) col.data());
        assertArrayEquals(new int[]{3, 1}, col.shape());

        NpyArray scalar = Npy.read(FIX.resolve("i32_scalar.npy"));
        assertArrayEquals(new int[]{}, scalar.shape());
        assertArrayEquals(new int[]{7}, (int[]) scalar.data());

        assertArrayEquals(new int[]{0, 4}, Npy.read(FIX.resolve("f32_empty.npy")).shape());
        assertArrayEquals(new float[]{1.5f, -2f}, (float[]) Npy.read(FIX.resolve("v3.npy")).data());
    }

    @Test
    void refusesWhatItCannotRepresent() {
        IOException f = assertThrows(IOException.class, () -> Npy.read(FIX.resolve("fortran.npy")));
        assertTrue(f.getMessage().contains("Fortran"), f.getMessage());
        IOException u = assertThrows(IOException.class, () -> Npy.read(FIX.resolve("u8.npy")));
        assertTrue(u.getMessage().contains("u1") && u.getMessage().contains("u8.npy"), u.getMessage());
    }

    @Test
    void corruptAndTruncatedFilesNameTheProblem(@TempDir Path dir) throws IOException {
        byte[] good = Files.readAllBytes(FIX.resolve("f32_2x3.npy"));
        Path trunc = dir.resolve("trunc.npy");
        Files.write(trunc, java.util.Arrays.copyOf(good, good.length - 3));
        IOException t = assertThrows(IOException.class, () -> Npy.read(trunc));
        assertTrue(t.getMessage().contains("truncated") && t.getMessage().contains("trunc.npy"), t.getMessage());

        Path notNpy = dir.resolve("text.npy");
        Files.writeString(notNpy, "hello, this is not numpy");
        assertTrue(assertThrows(IOException.class, () -> Npy.read(notNpy)).getMessage().contains("magic"));

        Path missing = dir.resolve("missing.npy");
        assertTrue(assertThrows(IOException.class, () -> Npy.read(missing)).getMessage().contains("no such file"));

        Path extra = dir.resolve("extra.npy");
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 4);
        Files.write(extra, longer);
        assertTrue(assertThrows(IOException.class, () -> Npy.read(extra)).getMessage().contains("after the data"));
    }

    @Test
    void roundTripsEveryType(@TempDir Path dir) throws IOException {
        NpyArray[] arrays = {
                NpyArray.of(new float[]{1.5f, -0f, Float.NaN, 3e-38f}, 2, 2),
                NpyArray.of(new double[]{Math.PI, -1e300}, 2),
                NpyArray.of(new int[]{Integer.MIN_VALUE, 0, 5}, 3, 1),
                NpyArray.of(new long[]{Long.MAX_VALUE}, 1, 1, 1),
                NpyArray.of(new float[]{2f}),
        };
        for (int i = 0; i < arrays.length; i++) {
            Path p = dir.resolve("a" + i + ".npy");
            Npy.write(p, arrays[i]);
            assertEquals(arrays[i], Npy.read(p), "round trip of " + arrays[i]);
            assertEquals(0, Files.size(p) % 16 == 0 ? 0 : (Files.size(p) - Files.readAllBytes(p).length), "size");
        }
    }

    @Test
    void headerIsAlignedToSixtyFourBytes(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("x.npy");
        Npy.write(p, NpyArray.of(new float[7], 7));
        byte[] b = Files.readAllBytes(p);
        int headerLen = (b[8] & 0xff) | ((b[9] & 0xff) << 8);
        assertEquals(0, (10 + headerLen) % 64);
        assertEquals('\n', b[10 + headerLen - 1]);
    }

    @Test
    void intsRefuseFloatsAndOverflow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NpyArray.of(new float[]{1f}, 1).toInts("labels"));
        assertTrue(e.getMessage().contains("labels") && e.getMessage().contains("float32"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NpyArray.of(new long[]{1L << 40}, 1).toInts("tuples"));
    }
}
