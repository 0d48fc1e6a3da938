package org.lrml.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.io.Npy;
import org.lrml.util.Rng;

/** Image loading, channel conversion, cropping and resizing, against Pillow where it defines the answer. */
class ImagesTest {
    static final Path DIR = Path.of("src/test/resources/images");

    static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length, "lengths");
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void resizeAgreesWithPillowBilinear() throws IOException {
        ChwImage rgb = Images.toChw(Images.read(DIR.resolve("rgb_37x23.png")), 3);
        ChwImage down = Images.resizeLongestSide(rgb, 16);
        assertEquals(16, down.width());
        assertEquals(10, down.height());
        float[] pilDown = Npy.read(DIR.resolve("pil_down_16.npy")).toFloats();
        // Pillow rounds to 8 bits after each pass; we stay in float.
        assertTrue(maxAbsDiff(pilDown, down.data()) <= 2.5 / 255, "shrink differs by " + maxAbsDiff(pilDown, down.data()));
        ChwImage up = Images.resizeLongestSide(rgb, 50);
        assertEquals(31, up.height());
        float[] pilUp = Npy.read(DIR.resolve("pil_up_50.npy")).toFloats();
        assertTrue(maxAbsDiff(pilUp, up.data()) <= 2.5 / 255, "enlarge differs by " + maxAbsDiff(pilUp, up.data()));
    }

    @Test
    void lumaAndGrayscaleSamples() throws IOException {
        ChwImage luma = Images.toChw(Images.read(DIR.resolve("rgb_37x23.png")), 1);
        float[] pil = Npy.read(DIR.resolve("pil_luma.npy")).toFloats();
        assertTrue(maxAbsDiff(pil, luma.data()) <= 1.0 / 255 + 1e-6, "luma differs by " + maxAbsDiff(pil, luma.data()));
        ChwImage gray = Images.toChw(Images.read(DIR.resolve("gray_9x7.png")), 1);
        assertArrayEquals(Npy.read(DIR.resolve("gray_values.npy")).toFloats(), gray.data(),
                "8-bit gray is read exactly (no gamma conversion)");
        ChwImage gray3 = Images.toChw(Images.read(DIR.resolve("gray_9x7.png")), 3);
        assertEquals(gray.data()[10], gray3.at(2, 1, 1), 0f);
    }

    @Test
    void jpegDecodesCloseToTheLosslessOriginal() throws IOException {
        ChwImage png = Images.toChw(Images.read(DIR.resolve("rgb_37x23.png")), 3);
        ChwImage jpg = Images.toChw(Images.read(DIR.resolve("rgb_37x23.jpg")), 3);
        double mean = 0;
        for (int i = 0; i < png.data().length; i++) {
            mean += Math.abs(png.data()[i] - jpg.data()[i]);
        }
        mean /= png.data().length;
        assertTrue(mean < 0.03, "mean JPEG error " + mean);
    }

    @Test
    void cropRoundsToPixelEdgesAndClips() {
        Rng rng = new Rng(2);
        float[] d = new float[2 * 5 * 7];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextDouble();
        }
        ChwImage img = new ChwImage(2, 5, 7, d);
        ChwImage c = Images.crop(img, new BoundingBox(1.4, 0.6, 5.5, 9));
        // x 1..6 (5.5 rounds to even, as Pillow's crop), y 1..5 (clipped to the height).
        assertEquals(5, c.width());
        assertEquals(4, c.height());
        assertEquals(img.at(1, 1, 1), c.at(1, 0, 0), 0f);
        assertEquals(img.at(0, 4, 4), c.at(0, 3, 3), 0f);
        assertEquals(3, Images.crop(img, new BoundingBox(1.4, 0.6, 4.5, 9)).width(), "4.5 rounds to 4");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Images.crop(img, new BoundingBox(8, 0, 9, 2)));
        assertTrue(e.getMessage().contains("7 x 5"), e.getMessage());
    }

    @Test
    void resizeKeepsConstantsAndPreparesChannels() {
        float[] d = new float[3 * 13 * 29];
        for (int c = 0; c < 3; c++) {
            java.util.Arrays.fill(d, c * 13 * 29, (c + 1) * 13 * 29, 0.25f * (c + 1));
        }
        ChwImage img = new ChwImage(3, 13, 29, d);
        for (int size : new int[]{5, 29, 64}) {
            ChwImage r = Images.resizeLongestSide(img, size);
            assertEquals(size, r.width());
            assertEquals(0.75f, r.at(2, r.height() - 1, r.width() - 1), 1e-6f, "weights sum to one at size " + size);
        }
        ChwImage prepared = Images.prepare(img, new ImagePrep(1, 10, Normalization.FASHION_MNIST));
        assertEquals(1, prepared.channels());
        assertEquals(10, prepared.width());
        double luma = 0.299 * 0.25 + 0.587 * 0.5 + 0.114 * 0.75;
        assertEquals((luma - 0.2860) / 0.3530, prepared.at(0, 2, 3), 1e-5);
    }

    @Test
    void filesAreNamedInErrors(@TempDir Path dir) throws IOException {
        IOException missing = assertThrows(IOException.class, () -> Images.read(dir.resolve("gone.jpg")));
        assertTrue(missing.getMessage().contains("gone.jpg"), missing.getMessage());
        Path bad = Files.writeString(dir.resolve("bad.jpg"), "not a jpeg");
        IOException notImage = assertThrows(IOException.class, () -> Images.read(bad));
        assertTrue(notImage.getMessage().contains("bad.jpg"), notImage.getMessage());
    }

    @Test
    void folderIndexesImagesRecursivelyByName(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("paris/defense"));
        Files.copy(DIR.resolve("rgb_37x23.png"), dir.resolve("paris/defense/paris_defense_000001.png"));
        Files.copy(DIR.resolve("rgb_37x23.jpg"), dir.resolve("b.JPG"));
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        ImageFolder f = ImageFolder.scan(dir);
        assertEquals(java.util.List.of("b", "paris_defense_000001"), f.names());
        ChwImage img = f.load("paris_defense_000001", new BoundingBox(0, 0, 10, 10), ImagePrep.rgbImagenet(0));
        assertEquals(10, img.width());
        IOException e = assertThrows(IOException.class, () -> f.path("c"));
        assertTrue(e.getMessage().contains("'c' not found") && e.getMessage().contains("2 images"), e.getMessage());
        Files.copy(DIR.resolve("rgb_37x23.png"), dir.resolve("b.png"));
        IOException dup = assertThrows(IOException.class, () -> ImageFolder.scan(dir));
        assertTrue(dup.getMessage().contains("two images are named 'b'"), dup.getMessage());
    }
}
