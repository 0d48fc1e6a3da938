package org.lrml.data;

import java.util.Arrays;

/**
 * Per-channel standardisation x' = (x - mean[c]) / std[c] of images whose values are in [0, 1].
 * One mean/std pair serves every channel when the arrays have length 1.
 */
public record Normalization(String name, float[] mean, float[] std) {

    /** Identity: pixels stay in [0, 1]. */
    public static final Normalization NONE = new Normalization("none", new float[]{0f}, new float[]{1f});
    /** Fashion-MNIST training-set statistics (mean 0.2860, std 0.3530). */
    public static final Normalization FASHION_MNIST =
            new Normalization("fashion-mnist", new float[]{0.2860f}, new float[]{0.3530f});
    /** ImageNet RGB statistics, the convention of ImageNet-pretrained trunks. */
    public static final Normalization IMAGENET = new Normalization("imagenet",
            new float[]{0.485f, 0.456f, 0.406f}, new float[]{0.229f, 0.224f, 0.225f});

    public Normalization {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("normalization " + name + ": " + mean.length + " means for "
                    + std.length + " standard deviations");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("normalization " + name + ": standard deviation " + s
                        + " must be positive");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    public boolean isIdentity() {
        for (int c = 0; c < mean.length; c++) {
            if (mean[c] != 0f || std[c] != 1f) {
                return false;
            }
        }
        return true;
    }

    public float mean(int channel) {
        return mean[mean.length == 1 ? 0 : channel];
    }

    public float std(int channel) {
        return std[std.length == 1 ? 0 : channel];
    }

    /** Checks that these statistics fit images of {@code channels} channels. */
    public void checkChannels(int channels) {
        if (mean.length != 1 && mean.length != channels) {
            throw new IllegalArgumentException("normalization " + name + " has " + mean.length
                    + " channel statistics, the images have " + channels + " channels");
        }
    }

    /** Normalises CHW data in place. */
    public void apply(float[] chw, int offset, int channels, int plane) {
        checkChannels(channels);
        for (int c = 0; c < channels; c++) {
            float m = mean(c);
            float inv = 1f / std(c);
            int base = offset + c * plane;
            for (int i = 0; i < plane; i++) {
                chw[base + i] = (chw[base + i] - m) * inv;
            }
        }
    }

    /** The inverse of {@link #apply}, in place (for showing normalised images). */
    public void invert(float[] chw, int offset, int channels, int plane) {
        checkChannels(channels);
        for (int c = 0; c < channels; c++) {
            float m = mean(c);
            float s = std(c);
            int base = offset + c * plane;
            for (int i = 0; i < plane; i++) {
                chw[base + i] = chw[base + i] * s + m;
            }
        }
    }

    @Override
    public String toString() {
        return name + " (mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mean) * 31 + Arrays.hashCode(std);
    }
}
