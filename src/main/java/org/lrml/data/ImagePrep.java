package org.lrml.data;

/**
 * How an image file becomes network input: channels (3 = RGB, 1 = grayscale by ITU-R 601 luma),
 * resizing so the longest side equals {@code longestSide} (0 keeps the size) with the given resampling, then
 * normalisation.
 *
 * <p>A query cropped to its box is resized like a whole image, its longer side to {@code longestSide}, unless
 * {@code cropsKeepScale}: then the crop is scaled by the factor its whole image would be scaled by, its longer
 * side becoming floor(longestSide x crop's longer side / image's longer side), which is how cirtorch prepares
 * the Oxford/Paris queries (so a query's objects have the size they have in the database images; at 1024 px
 * the 1024-px Oxford and Paris crops stay as they are).
 */
public record ImagePrep(int channels, int longestSide, Normalization normalization, Resampling resampling,
                        boolean cropsKeepScale) {

    /** How images are resized. */
    public enum Resampling {
        /**
         * Bilinear with a kernel widened when shrinking, as Pillow's {@code resize(..., BILINEAR)} (no aliasing):
         * the Fashion-MNIST network's choice.
         */
        ANTIALIASED,
        /**
         * Plain bilinear with align_corners=False semantics, as {@code torch.nn.functional.interpolate}
         * ({@link BilinearResize}): the landmark pipeline's choice.
         */
        BILINEAR
    }

    public ImagePrep {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images have 1 (grayscale) or 3 (RGB) channels, not " + channels);
        }
        if (longestSide < 0) {
            throw new IllegalArgumentException("longest side must be 0 (keep) or positive, got " + longestSide);
        }
        if (resampling == null) {
            throw new IllegalArgumentException("image preparation needs a resampling");
        }
        normalization.checkChannels(channels);
    }

    /** Antialiased resizing, crops resized like whole images (the Fashion-MNIST network's preparation). */
    public ImagePrep(int channels, int longestSide, Normalization normalization) {
        this(channels, longestSide, normalization, Resampling.ANTIALIASED, false);
    }

    /** RGB, ImageNet statistics, longest side as given (the landmark protocols' usual input). */
    public static ImagePrep rgbImagenet(int longestSide) {
        return new ImagePrep(3, longestSide, Normalization.IMAGENET);
    }
}
