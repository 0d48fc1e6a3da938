package org.lrml.data;

/**
 * How an image file becomes network input: channels (3 = RGB, 1 = grayscale by ITU-R 601 luma),
 * resizing so the longest side equals {@code longestSide} (0 keeps the size), then normalisation.
 */
public record ImagePrep(int channels, int longestSide, Normalization normalization) {

    public ImagePrep {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images have 1 (grayscale) or 3 (RGB) channels, not " + channels);
        }
        if (longestSide < 0) {
            throw new IllegalArgumentException("longest side must be 0 (keep) or positive, got " + longestSide);
        }
        normalization.checkChannels(channels);
    }

    /** RGB, ImageNet statistics, longest side as given (the landmark protocols' usual input). */
    public static ImagePrep rgbImagenet(int longestSide) {
        return new ImagePrep(3, longestSide, Normalization.IMAGENET);
    }
}
