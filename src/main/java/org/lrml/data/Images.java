package org.lrml.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;

/**
 * Image files to CHW floats: reading (JPEG and PNG through javax.imageio), channel conversion,
 * cropping to a bounding box and resizing. Every I/O error names the file.
 *
 * <p>Resizing is bilinear in the sense Pillow uses for {@code Image.resize(..., BILINEAR)}: output pixel
 * i samples the input at centre (i + 0.5) * s - 0.5 (s = in/out, pixel centres aligned, no corner
 * alignment) with the triangle kernel max(0, 1 - |t|); when shrinking (s > 1) the kernel is widened by s
 * (t measured in units of s input pixels), so every input pixel contributes and there is no aliasing.
 * Weights are normalised to sum 1; the two directions are applied one after the other (horizontal first).
 */
public final class Images {
    private Images() {
    }

    /** Reads a JPEG or PNG; the error names the file when it is missing, unreadable or not an image. */
    public static BufferedImage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such image file");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IIOException e) {
            throw new IOException(file + ": cannot decode image (" + e.getMessage()
                    + "); JPEG (RGB or grayscale) and PNG are supported", e);
        }
        if (img == null) {
            throw new IOException(file + ": not a readable image (no JPEG/PNG decoder recognised it)");
        }
        return img;
    }

    /**
     * Reads ({@link ImageDecoder}: Pillow's pixels, EXIF orientation applied), converts the channels, optionally
     * crops to box (in the upright image's pixel coordinates), resizes with the preparation's resampling and
     * normalises. An image whose longer side already has the size is not resampled.
     */
    public static ChwImage load(Path file, BoundingBox box, ImagePrep prep) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such image file");
        }
        ChwImage img = ImageDecoder.decode(file);
        if (img.channels() != prep.channels()) {
            img = convertChannels(img, prep.channels());
        }
        int target = prep.longestSide();
        if (box != null) {
            int fullLongest = Math.max(img.height(), img.width());
            try {
                img = crop(img, box);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
            if (prep.cropsKeepScale() && target > 0) {
                target = Math.max(1, (int) Math.floor((double) target * Math.max(img.height(), img.width()) / fullLongest));
            }
        }
        if (target > 0 && Math.max(img.height(), img.width()) != target) {
            img = resizeLongestSide(img, target, prep.resampling());
        }
        if (!prep.normalization().isIdentity()) {
            img = img.normalized(prep.normalization());
        }
        return img;
    }

    /**
     * Prepares an image whose values are in [0, 1] for a network: channel conversion (gray to RGB by
     * repetition, RGB to gray by ITU-R 601 luma), resizing of the longest side, then normalisation.
     */
    public static ChwImage prepare(ChwImage unit, ImagePrep prep) {
        ChwImage img = unit;
        if (img.channels() != prep.channels()) {
            img = convertChannels(img, prep.channels());
        }
        if (prep.longestSide() > 0 && Math.max(img.height(), img.width()) != prep.longestSide()) {
            img = resizeLongestSide(img, prep.longestSide(), prep.resampling());
        }
        return prep.normalization().isIdentity() ? img : img.normalized(prep.normalization());
    }

    static ChwImage convertChannels(ChwImage img, int channels) {
        int plane = img.plane();
        float[] out = new float[channels * plane];
        if (img.channels() == 1 && channels == 3) {
            for (int c = 0; c < 3; c++) {
                System.arraycopy(img.data(), 0, out, c * plane, plane);
            }
        } else if (img.channels() == 3 && channels == 1) {
            float[] d = img.data();
            for (int i = 0; i < plane; i++) {
                out[i] = (float) (0.299 * d[i] + 0.587 * d[plane + i] + 0.114 * d[2 * plane + i]);
            }
        } else {
            throw new IllegalArgumentException("cannot convert a " + img.channels() + "-channel image to " + channels
                    + " channels");
        }
        return new ChwImage(channels, img.height(), img.width(), out);
    }

    /**
     * Pixels as CHW floats in [0, 1]: channels = 3 gives R, G, B; channels = 1 gives luma
     * 0.299 R + 0.587 G + 0.114 B (ITU-R 601, as Pillow's convert("L")). Grayscale sources are read from
     * their raster samples, not through getRGB, which would apply a gamma conversion. Alpha is ignored.
     */
    public static ChwImage toChw(BufferedImage img, int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images have 1 or 3 channels, not " + channels);
        }
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        float[] out = new float[channels * plane];
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        boolean gray = raster.getNumBands() == 1 && cm.getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY;
        if (gray) {
            float max = (1 << cm.getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = raster.getSample(x, y, 0) / max;
                    for (int c = 0; c < channels; c++) {
                        out[c * plane + y * w + x] = v;
                    }
                }
            }
            return new ChwImage(channels, h, w, out);
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int r = (p >> 16) & 0xff;
                int g = (p >> 8) & 0xff;
                int b = p & 0xff;
                int i = y * w + x;
                if (channels == 3) {
                    out[i] = r / 255f;
                    out[plane + i] = g / 255f;
                    out[2 * plane + i] = b / 255f;
                } else {
                    out[i] = (float) ((0.299 * r + 0.587 * g + 0.114 * b) / 255.0);
                }
            }
        }
        return new ChwImage(channels, h, w, out);
    }

    /**
     * The part of the image inside box, its edges rounded to the nearest pixel boundary (half-way to even) and
     * clipped to the image (query cropping of the Oxford/Paris protocols).
     */
    public static ChwImage crop(ChwImage img, BoundingBox box) {
        // Half-way edges round to even, as Python's round() in Pillow's Image.crop (cirtorch crops with it).
        int x1 = clamp((int) Math.rint(box.x1()), 0, img.width());
        int y1 = clamp((int) Math.rint(box.y1()), 0, img.height());
        int x2 = clamp((int) Math.rint(box.x2()), 0, img.width());
        int y2 = clamp((int) Math.rint(box.y2()), 0, img.height());
        if (x2 <= x1 || y2 <= y1) {
            throw new IllegalArgumentException("bounding box " + box + " leaves no pixel inside the " + img.width()
                    + " x " + img.height() + " image");
        }
        int w = x2 - x1;
        int h = y2 - y1;
        float[] out = new float[img.channels() * w * h];
        for (int c = 0; c < img.channels(); c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(img.data(), (c * img.height() + y + y1) * img.width() + x1, out, (c * h + y) * w, w);
            }
        }
        return new ChwImage(img.channels(), h, w, out);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** Resizes so the longer side becomes size with the given resampling. */
    public static ChwImage resizeLongestSide(ChwImage img, int size, ImagePrep.Resampling resampling) {
        return resampling == ImagePrep.Resampling.BILINEAR ? BilinearResize.longestSide(img, size)
                : resizeLongestSide(img, size);
    }

    /** Resizes so the longer side becomes size (the other side scaled alike, rounded, at least 1). */
    public static ChwImage resizeLongestSide(ChwImage img, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("resize: size must be positive, got " + size);
        }
        int longest = Math.max(img.width(), img.height());
        int w = Math.max(1, (int) Math.round((double) img.width() * size / longest));
        int h = Math.max(1, (int) Math.round((double) img.height() * size / longest));
        if (img.width() >= img.height()) {
            w = size;
        } else {
            h = size;
        }
        return resize(img, h, w);
    }

    /** Bilinear (antialiased when shrinking) resize to exactly outH x outW; see the class comment. */
    public static ChwImage resize(ChwImage img, int outH, int outW) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("resize: output size " + outH + " x " + outW + " must be positive");
        }
        if (outH == img.height() && outW == img.width()) {
            return new ChwImage(img.channels(), outH, outW, img.data().clone());
        }
        Taps cols = Taps.of(img.width(), outW);
        Taps rows = Taps.of(img.height(), outH);
        int c = img.channels();
        int inW = img.width();
        int inH = img.height();
        float[] horizontal = new float[c * inH * outW];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < inH; y++) {
                int src = (ch * inH + y) * inW;
                int dst = (ch * inH + y) * outW;
                for (int x = 0; x < outW; x++) {
                    double acc = 0;
                    for (int t = 0; t < cols.count[x]; t++) {
                        acc += cols.weights[x][t] * img.data()[src + cols.first[x] + t];
                    }
                    horizontal[dst + x] = (float) acc;
                }
            }
        }
        float[] out = new float[c * outH * outW];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < outH; y++) {
                int dst = (ch * outH + y) * outW;
                for (int x = 0; x < outW; x++) {
                    double acc = 0;
                    for (int t = 0; t < rows.count[y]; t++) {
                        acc += rows.weights[y][t] * horizontal[(ch * inH + rows.first[y] + t) * outW + x];
                    }
                    out[dst + x] = (float) acc;
                }
            }
        }
        return new ChwImage(c, outH, outW, out);
    }

    /** For each output index: the first input index it reads, how many, and their normalised weights. */
    private static final class Taps {
        final int[] first;
        final int[] count;
        final double[][] weights;

        private Taps(int n) {
            first = new int[n];
            count = new int[n];
            weights = new double[n][];
        }

        static Taps of(int in, int out) {
            double scale = (double) in / out;
            double widen = Math.max(scale, 1.0);
            double support = widen;
            Taps t = new Taps(out);
            for (int i = 0; i < out; i++) {
                double centre = (i + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(centre - support));
                int hi = Math.min(in, (int) Math.ceil(centre + support));
                double[] w = new double[hi - lo];
                double sum = 0;
                for (int j = lo; j < hi; j++) {
                    // Distance between input pixel centre j + 0.5 and the sample centre, in kernel units.
                    double d = Math.abs(j + 0.5 - centre) / widen;
                    w[j - lo] = Math.max(0, 1 - d);
                    sum += w[j - lo];
                }
                for (int j = 0; j < w.length; j++) {
                    w[j] /= sum;
                }
                t.first[i] = lo;
                t.count[i] = w.length;
                t.weights[i] = w;
            }
            return t;
        }
    }
}
