package org.lrml.testutil;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Byte-level mutations of valid inputs, the kinds that find reader bugs: bit flips, bytes set to boundary or
 * structural values, 32- and 64-bit fields overwritten with sizes at the edges of int and long, truncation (also at
 * offsets the format cares about), pieces deleted, duplicated or spliced in from another input.
 */
public final class Mutator {
    private static final byte[] INTERESTING_BYTES = {0, 1, 2, 0x7f, (byte) 0x80, (byte) 0xff, '\n', ' ', '(', ')',
            ',', ':', '\'', '"', '{', '}', '[', ']', '.', 'L', '\\', '#', '-'};
    private static final long[] INTERESTING_INTS = {0, 1, 2, 3, -1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0xffff,
            0x10000, 1 << 20, 1 << 24, 1 << 30, Integer.MAX_VALUE, Integer.MAX_VALUE - 16, Integer.MIN_VALUE,
            0xfffffffeL, 1L << 32, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE};

    private Mutator() {
    }

    /** One to {@code max} random mutations of {@code input}; {@code boundaries} are offsets worth cutting at. */
    public static byte[] mutate(byte[] input, Random rng, int max, List<byte[]> corpus, int... boundaries) {
        byte[] b = input;
        int n = 1 + rng.nextInt(max);
        for (int i = 0; i < n; i++) {
            b = once(b, rng, corpus, boundaries);
        }
        return b;
    }

    static byte[] once(byte[] b, Random rng, List<byte[]> corpus, int[] boundaries) {
        if (b.length == 0) {
            return new byte[]{(byte) rng.nextInt(256)};
        }
        int at = rng.nextInt(b.length);
        switch (rng.nextInt(12)) {
            case 0 -> {
                b = b.clone();
                b[at] ^= (byte) (1 << rng.nextInt(8));
            }
            case 1 -> {
                b = b.clone();
                b[at] = (byte) rng.nextInt(256);
            }
            case 2 -> {
                b = b.clone();
                b[at] = INTERESTING_BYTES[rng.nextInt(INTERESTING_BYTES.length)];
            }
            case 3, 4 -> {
                b = b.clone();
                int width = rng.nextBoolean() ? 4 : 8;
                if (b.length >= width) {
                    int pos = rng.nextInt(b.length - width + 1);
                    long v = rng.nextInt(4) == 0 ? rng.nextLong() : INTERESTING_INTS[rng.nextInt(INTERESTING_INTS.length)];
                    ByteBuffer buf = ByteBuffer.wrap(b, pos, width)
                            .order(rng.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                    if (width == 4) {
                        buf.putInt((int) v);
                    } else {
                        buf.putLong(v);
                    }
                }
            }
            case 5 -> b = Arrays.copyOf(b, at);
            case 6 -> {
                if (boundaries.length > 0) {
                    int cut = boundaries[rng.nextInt(boundaries.length)];
                    b = Arrays.copyOf(b, Math.max(0, Math.min(b.length, cut + rng.nextInt(3) - 1)));
                } else {
                    b = Arrays.copyOf(b, b.length - 1 - rng.nextInt(Math.min(b.length, 8)));
                }
            }
            case 7 -> {
                int len = 1 + rng.nextInt(Math.min(b.length - at, 64));
                byte[] c = new byte[b.length - len];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(b, at + len, c, at, b.length - at - len);
                b = c;
            }
            case 8 -> {
                int len = 1 + rng.nextInt(Math.min(b.length - at, 64));
                int to = rng.nextInt(b.length + 1);
                b = insert(b, to, Arrays.copyOfRange(b, at, at + len));
            }
            case 9 -> {
                byte[] junk = new byte[1 + rng.nextInt(16)];
                rng.nextBytes(junk);
                b = insert(b, at, junk);
            }
            case 10 -> {
                if (corpus != null && !corpus.isEmpty()) {
                    byte[] other = corpus.get(rng.nextInt(corpus.size()));
                    int from = rng.nextInt(other.length + 1);
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    out.write(b, 0, at);
                    out.write(other, from, other.length - from);
                    b = out.toByteArray();
                }
            }
            default -> {
                // a run of one byte value (zeros or 0xff) over a stretch: sizes, lengths, padding
                b = b.clone();
                int len = 1 + rng.nextInt(Math.min(b.length - at, 16));
                Arrays.fill(b, at, at + len, rng.nextBoolean() ? 0 : (byte) 0xff);
            }
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte[] piece) {
        byte[] c = new byte[b.length + piece.length];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(piece, 0, c, at, piece.length);
        System.arraycopy(b, at, c, at + piece.length, b.length - at);
        return c;
    }

    /** A size at the edge of what an int or a file can hold, or a small one. */
    public static long interestingSize(Random rng) {
        return rng.nextInt(3) == 0 ? rng.nextInt(8) : INTERESTING_INTS[rng.nextInt(INTERESTING_INTS.length)];
    }
}
