package org.lrml.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;

/**
 * Image files decoded as Pillow decodes them (cirtorch's loader: Image.open(f).convert('RGB'), here after
 * ImageOps.exif_transpose): the fixtures of src/test/resources/landmark/images were written by PIL 9.4 with the
 * pixels PIL reads back next to them (make_images.py). Every flavour must agree to the last 8-bit level: the JDK's
 * JPEG decoder and libjpeg-turbo share the IDCT and upsampling, and the colour conversions are libjpeg's and Pillow's.
 */
class ImageDecoderTest {
    static final Path DIR = Path.of("src/test/resources/landmark/images");

    /** max |ours - PIL| in 8-bit levels; the shapes must match. */
    static int maxLevelDifference(String name) throws IOException {
        ChwImage img = ImageDecoder.decode(DIR.resolve(name));
        NpyArray ref = Npy.read(DIR.resolve(name.substring(0, name.lastIndexOf('.')) + ".npy"));
        int[] s = ref.shape();
        int h = s[0];
        int w = s[1];
        assertEquals(h + "x" + w, img.height() + "x" + img.width(), name + ": size (height x width)");
        int[] v = ref.toInts(name);
        int max = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    float ours = img.at(img.channels() == 1 ? 0 : c, y, x) * 255f;
                    max = Math.max(max, Math.round(Math.abs(ours - v[(y * w + x) * 3 + c])));
                }
            }
        }
        return max;
    }

    @ParameterizedTest
    @ValueSource(strings = {"baseline.jpg", "progressive.jpg", "q444.jpg", "gray.jpg", "cmyk.jpg", "ycck.jpg",
            "rgba.png", "palette.png", "luma.png"})
    void everyFlavourDecodesAsPillowDoes(String name) throws IOException {
        assertEquals(0, maxLevelDifference(name), name + ": largest difference from Pillow's pixels, in 8-bit levels");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void exifOrientationIsApplied(int orientation) throws IOException {
        assertEquals(0, maxLevelDifference("exif" + orientation + ".jpg"));
        ChwImage img = ImageDecoder.decode(DIR.resolve("exif" + orientation + ".jpg"));
        assertEquals(orientation >= 5 ? 32 : 24, img.height(), "height after orientation " + orientation);
    }

    @Test
    void grayFilesStayOneChannel() throws IOException {
        assertEquals(1, ImageDecoder.decode(DIR.resolve("gray.jpg")).channels());
        assertEquals(3, ImageDecoder.decode(DIR.resolve("cmyk.jpg")).channels());
    }

    @Test
    void headerSaysWhatLibjpegWouldDecide() throws IOException {
        assertEquals(JpegHeader.ColorSpace.YCCK, JpegHeader.parse(Files.readAllBytes(DIR.resolve("ycck.jpg"))).colorSpace());
        assertEquals(JpegHeader.ColorSpace.CMYK, JpegHeader.parse(Files.readAllBytes(DIR.resolve("cmyk.jpg"))).colorSpace());
        assertEquals(JpegHeader.ColorSpace.YCBCR,
                JpegHeader.parse(Files.readAllBytes(DIR.resolve("baseline.jpg"))).colorSpace());
        assertEquals(6, JpegHeader.parse(Files.readAllBytes(DIR.resolve("exif6.jpg"))).orientation());
        assertEquals(1, JpegHeader.parse(Files.readAllBytes(DIR.resolve("baseline.jpg"))).orientation());
    }

    @Test
    void errorsNameTheFile(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("gone.jpg");
        IOException e = assertThrows(IOException.class, () -> ImageDecoder.decode(missing));
        assertTrue(e.getMessage().contains("gone.jpg"), e.getMessage());
        Path bad = dir.resolve("bad.jpg");
        byte[] jpeg = Files.readAllBytes(DIR.resolve("baseline.jpg"));
        Files.write(bad, java.util.Arrays.copyOf(jpeg, 200));
        e = assertThrows(IOException.class, () -> ImageDecoder.decode(bad));
        assertTrue(e.getMessage().contains("bad.jpg"), e.getMessage());
        Path text = dir.resolve("text.png");
        Files.writeString(text, "not an image");
        e = assertThrows(IOException.class, () -> ImageDecoder.decode(text));
        assertTrue(e.getMessage().contains("text.png"), e.getMessage());
    }
}
