package org.lrml.data;

/**
 * One image as channels x height x width floats, row-major within each channel plane (the layout the
 * network's NCHW input takes, one sample). Values are in [0, 1] unless a {@link Normalization} was applied.
 */
public record ChwImage(int channels, int height, int width, float[] data) {

    public ChwImage {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image: bad size " + channels + " x " + height + " x " + width);
        }
        if (data.length != channels * height * width) {
            throw new IllegalArgumentException("image: " + data.length + " values for " + channels + " x " + height
                    + " x " + width);
        }
    }

    public int plane() {
        return height * width;
    }

    public float at(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }

    /** A normalised copy. */
    public ChwImage normalized(Normalization norm) {
        float[] d = data.clone();
        norm.apply(d, 0, channels, plane());
        return new ChwImage(channels, height, width, d);
    }

    @Override
    public String toString() {
        return "ChwImage(" + channels + "x" + height + "x" + width + ")";
    }
}
