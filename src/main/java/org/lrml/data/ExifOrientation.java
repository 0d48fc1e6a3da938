package org.lrml.data;

/**
 * Turns an image the way its EXIF orientation tag asks, so it shows upright (what Pillow's
 * {@code ImageOps.exif_transpose} does): 1 as stored, 2 mirrored left-right, 3 turned 180 degrees, 4 mirrored
 * top-bottom, 5 transposed (mirrored about the main diagonal), 6 turned 90 degrees clockwise, 7 transversed
 * (mirrored about the other diagonal), 8 turned 90 degrees counter-clockwise. 5 to 8 swap width and height.
 */
public final class ExifOrientation {
    private ExifOrientation() {
    }

    public static ChwImage apply(ChwImage img, int orientation) {
        if (orientation < 1 || orientation > 8) {
            throw new IllegalArgumentException("EXIF orientation " + orientation + " is not 1..8");
        }
        if (orientation == 1) {
            return img;
        }
        int c = img.channels();
        int h = img.height();
        int w = img.width();
        boolean swap = orientation >= 5;
        int oh = swap ? w : h;
        int ow = swap ? h : w;
        float[] in = img.data();
        float[] out = new float[in.length];
        for (int ch = 0; ch < c; ch++) {
            int src = ch * h * w;
            int dst = ch * oh * ow;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int ox;
                    int oy;
                    switch (orientation) {
                        case 2 -> { ox = w - 1 - x; oy = y; }
                        case 3 -> { ox = w - 1 - x; oy = h - 1 - y; }
                        case 4 -> { ox = x; oy = h - 1 - y; }
                        case 5 -> { ox = y; oy = x; }
                        case 6 -> { ox = h - 1 - y; oy = x; }
                        case 7 -> { ox = h - 1 - y; oy = w - 1 - x; }
                        default -> { ox = y; oy = w - 1 - x; }
                    }
                    out[dst + oy * ow + ox] = in[src + y * w + x];
                }
            }
        }
        return new ChwImage(c, oh, ow, out);
    }
}
