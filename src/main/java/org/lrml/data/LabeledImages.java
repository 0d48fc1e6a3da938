package org.lrml.data;

import java.util.Arrays;

/**
 * A labelled image set held as one float array (N x C x H x W) plus labels, or a view of a subset of
 * another set's images (no pixels are copied). {@link #normalization()} records what was applied to
 * the stored values, so images can be shown as they were ({@link #displayImage}).
 */
public final class LabeledImages {
    private final String name;
    private final float[] pixels;
    private final int[] labels;
    private final int channels;
    private final int height;
    private final int width;
    private final Normalization normalization;
    /** Index into pixels/labels of each image of this view, or null for all of them in order. */
    private final int[] rows;

    public LabeledImages(String name, float[] pixels, int[] labels, int channels, int height, int width,
                         Normalization normalization) {
        this(name, pixels, labels, channels, height, width, normalization, null);
        long per = (long) channels * height * width;
        if (per * labels.length != pixels.length) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixel values for " + labels.length
                    + " images of " + channels + " x " + height + " x " + width);
        }
        normalization.checkChannels(channels);
    }

    private LabeledImages(String name, float[] pixels, int[] labels, int channels, int height, int width,
                          Normalization normalization, int[] rows) {
        this.name = name;
        this.pixels = pixels;
        this.labels = labels;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.normalization = normalization;
        this.rows = rows;
    }

    public String name() {
        return name;
    }

    public int size() {
        return rows == null ? labels.length : rows.length;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** Values per image, C * H * W. */
    public int imageSize() {
        return channels * height * width;
    }

    public Normalization normalization() {
        return normalization;
    }

    /** The index of image i of this view in the set it was loaded as. */
    public int sourceIndex(int i) {
        checkIndex(i);
        return rows == null ? i : rows[i];
    }

    public int label(int i) {
        return labels[sourceIndex(i)];
    }

    /** All labels of this view, a fresh array. */
    public int[] labels() {
        int[] out = new int[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = label(i);
        }
        return out;
    }

    /** Copies image i (C x H x W, as stored) into dst at offset. */
    public void copyImage(int i, float[] dst, int offset) {
        System.arraycopy(pixels, sourceIndex(i) * imageSize(), dst, offset, imageSize());
    }

    /** Images idx[0], idx[1], ... stacked as one N x C x H x W array (a training batch). */
    public float[] batch(int[] idx) {
        float[] out = new float[idx.length * imageSize()];
        for (int b = 0; b < idx.length; b++) {
            copyImage(idx[b], out, b * imageSize());
        }
        return out;
    }

    /** Images [from, to) stacked as one array. */
    public float[] range(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IndexOutOfBoundsException(name + ": range [" + from + ", " + to + ") of " + size() + " images");
        }
        float[] out = new float[(to - from) * imageSize()];
        for (int i = from; i < to; i++) {
            copyImage(i, out, (i - from) * imageSize());
        }
        return out;
    }

    /** Image i as stored (normalised if the set is). */
    public ChwImage image(int i) {
        float[] d = new float[imageSize()];
        copyImage(i, d, 0);
        return new ChwImage(channels, height, width, d);
    }

    /** Image i with the normalisation undone: values in [0, 1], for galleries. */
    public ChwImage displayImage(int i) {
        float[] d = new float[imageSize()];
        copyImage(i, d, 0);
        normalization.invert(d, 0, channels, height * width);
        return new ChwImage(channels, height, width, d);
    }

    /**
     * A view of the images whose label is one of {@code keep}, in their original order (the "unseen
     * classes" protocol trains on labels 0-4 and tests on 5-9).
     */
    public LabeledImages withLabels(int... keep) {
        boolean[] wanted = new boolean[256];
        for (int k : keep) {
            if (k < 0 || k >= wanted.length) {
                throw new IllegalArgumentException(name + ": label " + k + " out of range 0..255");
            }
            wanted[k] = true;
        }
        int n = 0;
        int[] picked = new int[size()];
        for (int i = 0; i < size(); i++) {
            int l = label(i);
            if (l >= 0 && l < wanted.length && wanted[l]) {
                picked[n++] = sourceIndex(i);
            }
        }
        return new LabeledImages(name + " labels " + Arrays.toString(keep), pixels, labels, channels, height, width,
                normalization, Arrays.copyOf(picked, n));
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException(name + ": image " + i + " of " + size());
        }
    }

    @Override
    public String toString() {
        return name + " (" + size() + " images of " + channels + " x " + height + " x " + width + ", normalization "
                + normalization.name() + ")";
    }
}
