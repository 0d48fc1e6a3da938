package org.lrml.io;

/**
 * IEEE 754 half precision (NumPy's float16, {@code '<f2'}) to float32 and back. Java 17 has no
 * {@code Float.float16ToFloat} (it arrived in Java 20), and million-image descriptor files are often stored in
 * float16 to halve their size, so the conversion lives here. Widening is exact (every half is a float); it goes
 * through a 65536-entry table because the scan of a float16 database converts every element once per pass.
 */
public final class Float16 {
    /** float value of every half bit pattern. */
    private static final float[] TABLE = new float[1 << 16];

    static {
        for (int h = 0; h < TABLE.length; h++) {
            TABLE[h] = compute(h);
        }
    }

    private Float16() {
    }

    /** The float32 value of a half given by its 16 bits (exact; NaN payloads keep their top bits). */
    public static float toFloat(short bits) {
        return TABLE[bits & 0xffff];
    }

    private static float compute(int h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            // Zero or subnormal: mant * 2^-24, exact in float.
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /**
     * The half nearest to a float (ties to even, as NumPy's {@code astype(np.float16)}); beyond the half range it
     * becomes infinity, NaN stays NaN. For writing float16 files in tests and tools.
     */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            // Subnormal half: shift the full significand (implicit 1 included) into place, rounding to even.
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rest = m & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rest > mid || (rest == mid && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
            half++; // may carry into the exponent, up to infinity: still the right rounding
        }
        return (short) (sign | half);
    }
}
