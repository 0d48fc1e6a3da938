package org.lrml.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Image files to pixels as Pillow's {@code Image.open(f).convert('RGB')} gives them (how cirtorch reads its
 * images), as CHW floats in [0, 1] with 3 channels, or 1 for grayscale files (a caller wanting RGB repeats the
 * plane, which is Pillow's L-to-RGB conversion):
 * <ul>
 * <li>JPEG: baseline and progressive; gray, YCbCr, RGB, CMYK and YCCK. The components are decoded by the JDK's
 * JPEG reader without its colour conversion (which would apply embedded ICC profiles, and does not know CMYK)
 * and converted by {@link JpegColor} exactly as libjpeg and Pillow convert them. The EXIF orientation is then
 * applied ({@link ExifOrientation}), as {@code ImageOps.exif_transpose} would.</li>
 * <li>PNG (and the other formats the JDK reads): gray files from their samples (no gamma conversion); others
 * through their colour model to 8-bit sRGB, alpha dropped (Pillow's RGBA-to-RGB conversion drops it too).</li>
 * </ul>
 * Every error names the file.
 */
public final class ImageDecoder {
    private ImageDecoder() {
    }

    public static ChwImage decode(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such image file", e);
        }
        JpegHeader jpeg = JpegHeader.parse(bytes);
        if (jpeg != null) {
            return ExifOrientation.apply(decodeJpeg(file, bytes, jpeg), jpeg.orientation());
        }
        return decodeOther(file, bytes);
    }

    private static ChwImage decodeJpeg(Path file, byte[] bytes, JpegHeader header) throws IOException {
        JpegHeader.ColorSpace space;
        try {
            space = header.colorSpace();
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        Raster raster;
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) {
            throw new IOException(file + ": this Java has no JPEG reader");
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in);
            raster = reader.readRaster(0, null);
        } catch (IIOException | RuntimeException e) {
            throw new IOException(file + ": cannot decode this JPEG (" + e.getMessage() + "); baseline and progressive"
                    + " JPEGs with 1, 3 or 4 components are supported (not lossless or arithmetic-coded ones)", e);
        } finally {
            reader.dispose();
        }
        int w = raster.getWidth();
        int h = raster.getHeight();
        int plane = w * h;
        int bands = raster.getNumBands();
        if (bands != header.components()) {
            throw new IOException(file + ": the decoder returned " + bands + " components, the header says "
                    + header.components());
        }
        int[] px = new int[bands];
        if (space == JpegHeader.ColorSpace.GRAY) {
            float[] out = new float[plane];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = raster.getSample(x, y, 0) / 255f;
                }
            }
            return new ChwImage(1, h, w, out);
        }
        float[] out = new float[3 * plane];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.getPixel(x, y, px);
                int rgb = switch (space) {
                    case YCBCR -> JpegColor.ycc(px[0], px[1], px[2]);
                    case RGB -> (px[0] << 16) | (px[1] << 8) | px[2];
                    case CMYK -> JpegColor.cmyk(px[0], px[1], px[2], px[3]);
                    case YCCK -> JpegColor.ycck(px[0], px[1], px[2], px[3]);
                    default -> throw new IllegalStateException("unreachable: " + space);
                };
                int i = y * w + x;
                out[i] = ((rgb >> 16) & 0xff) / 255f;
                out[plane + i] = ((rgb >> 8) & 0xff) / 255f;
                out[2 * plane + i] = (rgb & 0xff) / 255f;
            }
        }
        return new ChwImage(3, h, w, out);
    }

    private static ChwImage decodeOther(Path file, byte[] bytes) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IIOException | RuntimeException e) {
            throw new IOException(file + ": cannot decode image (" + e.getMessage() + "); JPEG and PNG are supported", e);
        }
        if (img == null) {
            throw new IOException(file + ": not a readable image (no JPEG/PNG decoder recognised it)");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        if (cm.getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY && raster.getNumBands() <= 2) {
            float max = (1 << cm.getComponentSize(0)) - 1;
            float[] out = new float[plane];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = raster.getSample(x, y, 0) / max;
                }
            }
            return new ChwImage(1, h, w, out);
        }
        float[] out = new float[3 * plane];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int i = y * w + x;
                out[i] = ((p >> 16) & 0xff) / 255f;
                out[plane + i] = ((p >> 8) & 0xff) / 255f;
                out[2 * plane + i] = (p & 0xff) / 255f;
            }
        }
        return new ChwImage(3, h, w, out);
    }
}
