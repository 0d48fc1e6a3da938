package org.lrml.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PyTorch files read without Python: the zip format and the legacy format of the same object (written by
 * src/test/resources/landmark/torch/make_torch_files.py with PyTorch 1.13), tensor by tensor against the values
 * numpy saved: dtypes, a scalar, a transposed view, float16, two views of one storage (one with an offset), a
 * parameter, and plain data around them.
 */
class TorchCheckpointTest {
    static final Path DIR = Path.of("src/test/resources/landmark/torch");

    @ParameterizedTest
    @ValueSource(strings = {"small_zip.pth", "small_legacy.pth"})
    void readsEveryTensorAndTheDataAroundThem(String file) throws IOException {
        Map<?, ?> obj = (Map<?, ?>) TorchCheckpoint.read(DIR.resolve(file));
        for (String key : new String[]{"a", "count", "c", "transposed", "half", "base", "window", "param"}) {
            NpyArray expected = Npy.read(DIR.resolve("expected_" + key + ".npy"));
            NpyArray actual = (NpyArray) obj.get(key);
            assertArrayEquals(expected.shape(), actual.shape(), file + " " + key + " shape");
            assertEquals(expected.type(), actual.type(), file + " " + key + " dtype");
            assertArrayEquals(expected.toDoubles(), actual.toDoubles(), 0.0, file + " " + key);
        }
        Map<?, ?> meta = (Map<?, ?>) obj.get("meta");
        assertEquals("resnet101", meta.get("architecture"));
        assertEquals(2048L, meta.get("outputdim"));
        assertEquals(Boolean.TRUE, meta.get("flag"));
        assertEquals(List.of(1L, "two"), meta.get("pair"));
        assertEquals(List.of(0.485, 0.456, 0.406), meta.get("mean"));
    }

    @Test
    void refusesWhatIsNotAPytorchFile(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("notes.pth");
        Files.writeString(text, "hello");
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(text));
        assertTrue(e.getMessage().contains("notes.pth") && e.getMessage().contains("not a PyTorch file"), e.getMessage());
        Path npy = dir.resolve("x.npy");
        Npy.write(npy, NpyArray.of(new float[]{1, 2}, 2));
        e = assertThrows(IOException.class, () -> TorchCheckpoint.read(npy));
        assertTrue(e.getMessage().contains("x.npy"), e.getMessage());
        e = assertThrows(IOException.class, () -> TorchCheckpoint.read(dir.resolve("gone.pth")));
        assertTrue(e.getMessage().contains("gone.pth") && e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void aTruncatedZipNamesTheFile(@TempDir Path dir) throws IOException {
        byte[] all = Files.readAllBytes(DIR.resolve("small_zip.pth"));
        Path cut = dir.resolve("cut.pth");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
        IOException e = assertThrows(IOException.class, () -> TorchCheckpoint.read(cut));
        assertTrue(e.getMessage().contains("cut.pth"), e.getMessage());
        byte[] legacy = Files.readAllBytes(DIR.resolve("small_legacy.pth"));
        Path cutLegacy = dir.resolve("cut-legacy.pth");
        Files.write(cutLegacy, java.util.Arrays.copyOf(legacy, legacy.length - 20));
        e = assertThrows(IOException.class, () -> TorchCheckpoint.read(cutLegacy));
        assertTrue(e.getMessage().contains("cut-legacy.pth"), e.getMessage());
    }

    @Test
    void halfPrecisionIsWidenedExactly() {
        assertEquals(1.0f, TorchCheckpoint.Storage.halfToFloat((short) 0x3c00));
        assertEquals(-2.0f, TorchCheckpoint.Storage.halfToFloat((short) 0xc000));
        assertEquals(65504f, TorchCheckpoint.Storage.halfToFloat((short) 0x7bff));
        assertEquals((float) Math.pow(2, -24), TorchCheckpoint.Storage.halfToFloat((short) 0x0001));
        assertTrue(Float.isInfinite(TorchCheckpoint.Storage.halfToFloat((short) 0x7c00)));
    }
}
