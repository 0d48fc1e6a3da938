package org.lrml.data;

/**
 * Decoded JPEG components to 8-bit RGB the way libjpeg and Pillow convert them, so pixels equal what
 * {@code Image.open(f).convert('RGB')} gives (cirtorch's loader):
 * <ul>
 * <li>YCbCr: JFIF's transform in libjpeg's 16-bit fixed point, R = Y + 1.402 (Cr - 128),
 * G = Y - 0.34414 (Cb - 128) - 0.71414 (Cr - 128), B = Y + 1.772 (Cb - 128), each coefficient rounded to a
 * multiple of 2^-16 and the sum rounded as libjpeg rounds it, clamped to [0, 255];</li>
 * <li>CMYK: stored with Adobe's inverted polarity (Pillow assumes it for every CMYK JPEG), so with stored
 * values s: R = s_K - round(s_K (255 - s_C) / 255) (Pillow's cmyk2rgb), likewise G and B;</li>
 * <li>YCCK: the Y, Cb, Cr components first become R, G, B as above, which are the inverted C, M, Y; then
 * as CMYK.</li>
 * </ul>
 */
final class JpegColor {
    private static final int SCALEBITS = 16;
    private static final int ONE_HALF = 1 << (SCALEBITS - 1);
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALEBITS;
            CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALEBITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private JpegColor() {
    }

    private static int fix(double v) {
        return (int) (v * (1L << SCALEBITS) + 0.5);
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** One YCbCr pixel to packed 0xRRGGBB. */
    static int ycc(int y, int cb, int cr) {
        int r = clamp(y + CR_R[cr]);
        int g = clamp(y + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
        int b = clamp(y + CB_B[cb]);
        return (r << 16) | (g << 8) | b;
    }

    /** (a b) / 255 rounded, as Pillow's MULDIV255. */
    private static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    /** One stored (Adobe-inverted) CMYK pixel to packed RGB. */
    static int cmyk(int sc, int sm, int sy, int sk) {
        int nk = sk;
        int r = clamp(nk - mulDiv255(255 - sc, nk));
        int g = clamp(nk - mulDiv255(255 - sm, nk));
        int b = clamp(nk - mulDiv255(255 - sy, nk));
        return (r << 16) | (g << 8) | b;
    }

    /** One YCCK pixel to packed RGB: YCbCr gives the inverted C, M, Y; K is stored as in CMYK. */
    static int ycck(int y, int cb, int cr, int k) {
        int rgb = ycc(y, cb, cr);
        return cmyk(255 - ((rgb >> 16) & 0xff), 255 - ((rgb >> 8) & 0xff), 255 - (rgb & 0xff), k);
    }
}
