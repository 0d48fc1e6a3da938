package org.lrml.data;

/**
 * What a JPEG file's markers say about its pixels, read before decoding: the number of components and their ids
 * (SOFn), whether JFIF (APP0) or Adobe (APP14, with its colour transform) markers are present, and the EXIF
 * orientation (APP1). The colour space is then decided as libjpeg decides it, which is what Pillow (and so
 * cirtorch) decodes with: 1 component gray; 3 components YCbCr unless an Adobe marker says transform 0 or the
 * component ids are 'R', 'G', 'B' without JFIF; 4 components YCCK when Adobe says transform 2, else CMYK.
 *
 * @param components   number of components of the frame
 * @param jfif         an APP0 "JFIF" marker is present
 * @param adobeTransform the Adobe marker's transform (0 none, 1 YCbCr, 2 YCCK), or -1 without an Adobe marker
 * @param orientation  the EXIF orientation tag (1..8), 1 when absent
 * @param componentIds the frame's component ids
 */
public record JpegHeader(int components, boolean jfif, int adobeTransform, int orientation, int[] componentIds) {

    /** The colour spaces a JPEG's components can be in. */
    public enum ColorSpace { GRAY, YCBCR, RGB, CMYK, YCCK }

    public ColorSpace colorSpace() {
        switch (components) {
            case 1:
                return ColorSpace.GRAY;
            case 3:
                if (jfif) {
                    return ColorSpace.YCBCR;
                }
                if (adobeTransform >= 0) {
                    return adobeTransform == 0 ? ColorSpace.RGB : ColorSpace.YCBCR;
                }
                if (componentIds.length == 3 && componentIds[0] == 'R' && componentIds[1] == 'G' && componentIds[2] == 'B') {
                    return ColorSpace.RGB;
                }
                return ColorSpace.YCBCR;
            case 4:
                return adobeTransform == 2 ? ColorSpace.YCCK : ColorSpace.CMYK;
            default:
                throw new IllegalArgumentException("a JPEG with " + components + " components (1, 3 or 4 are supported)");
        }
    }

    /** Parses the markers up to the first scan; null when the bytes do not start like a JPEG. */
    public static JpegHeader parse(byte[] b) {
        if (b.length < 4 || (b[0] & 0xff) != 0xff || (b[1] & 0xff) != 0xd8) {
            return null;
        }
        int pos = 2;
        int components = -1;
        int[] ids = new int[0];
        boolean jfif = false;
        int adobe = -1;
        int orientation = 1;
        while (pos + 4 <= b.length) {
            if ((b[pos] & 0xff) != 0xff) {
                break;
            }
            int marker = b[pos + 1] & 0xff;
            if (marker == 0xff) {
                pos++;
                continue;
            }
            if (marker == 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker == 0x01) {
                pos += 2;
                continue;
            }
            if (marker == 0xd9 || marker == 0xda) {
                break;
            }
            int len = ((b[pos + 2] & 0xff) << 8) | (b[pos + 3] & 0xff);
            int data = pos + 4;
            int end = Math.min(b.length, pos + 2 + len);
            if (len < 2) {
                break;
            }
            boolean sof = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
            if (sof && end - data >= 6) {
                components = b[data + 5] & 0xff;
                ids = new int[components];
                for (int i = 0; i < components && data + 6 + 3 * i < end; i++) {
                    ids[i] = b[data + 6 + 3 * i] & 0xff;
                }
            } else if (marker == 0xe0 && startsWith(b, data, end, "JFIF\0")) {
                jfif = true;
            } else if (marker == 0xee && startsWith(b, data, end, "Adobe") && end - data >= 12) {
                adobe = b[data + 11] & 0xff;
            } else if (marker == 0xe1 && startsWith(b, data, end, "Exif\0\0")) {
                orientation = exifOrientation(b, data + 6, end);
            }
            pos = pos + 2 + len;
        }
        if (components < 0) {
            return null;
        }
        return new JpegHeader(components, jfif, adobe, orientation, ids);
    }

    private static boolean startsWith(byte[] b, int from, int end, String s) {
        if (end - from < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[from + i] != (byte) s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Tag 0x0112 of the TIFF structure's first IFD (byte order "II" or "MM"), 1 when missing or out of range.
     * Offsets are relative to the TIFF header at {@code tiff}.
     */
    static int exifOrientation(byte[] b, int tiff, int end) {
        if (end - tiff < 8) {
            return 1;
        }
        boolean little = b[tiff] == 'I' && b[tiff + 1] == 'I';
        boolean big = b[tiff] == 'M' && b[tiff + 1] == 'M';
        if (!little && !big) {
            return 1;
        }
        long ifd = u32(b, tiff + 4, little);
        if (ifd < 8 || tiff + ifd + 2 > end) {
            return 1;
        }
        int at = (int) (tiff + ifd);
        int count = u16(b, at, little);
        for (int i = 0; i < count; i++) {
            int entry = at + 2 + 12 * i;
            if (entry + 12 > end) {
                break;
            }
            if (u16(b, entry, little) == 0x0112 && u16(b, entry + 2, little) == 3) {
                int v = u16(b, entry + 8, little);
                return v >= 1 && v <= 8 ? v : 1;
            }
        }
        return 1;
    }

    private static int u16(byte[] b, int at, boolean little) {
        int a = b[at] & 0xff;
        int c = b[at + 1] & 0xff;
        return little ? a | (c << 8) : (a << 8) | c;
    }

    private static long u32(byte[] b, int at, boolean little) {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            int byteAt = little ? at + 3 - i : at + i;
            v = (v << 8) | (b[byteAt] & 0xff);
        }
        return v;
    }
}
