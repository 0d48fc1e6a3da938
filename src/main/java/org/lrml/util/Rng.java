package org.lrml.util;

/**
 * Seeded, reproducible random stream (SplitMix64). The algorithm is fixed here, not borrowed from the
 * JDK, so that the same seed gives the same numbers on every Java version; {@link #fork(long)} derives
 * independent streams (per epoch, per layer, per worker) from one seed without sharing state.
 */
public final class Rng {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private long state;
    private double spareGaussian = Double.NaN;

    public Rng(long seed) {
        this.state = mix(seed ^ 0x5DEECE66DL);
    }

    /** The SplitMix64 finaliser: a bijective 64-bit hash. Public so kernels can mirror it. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A counter-based uniform in [0, 1): the same (seed, counter) gives the same value anywhere. Used by
     * dropout masks so that the CPU and CUDA backends drop the same units.
     */
    public static double uniformAt(long seed, long counter) {
        long h = mix(mix(seed) + counter * GOLDEN);
        return (h >>> 11) * 0x1.0p-53;
    }

    public long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, 1) with 24 random bits. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform integer in [0, bound), unbiased (rejection on the top of the range). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long limit = (1L << 32) - ((1L << 32) % bound);
        while (true) {
            long r = nextLong() >>> 32;
            if (r < limit) {
                return (int) (r % bound);
            }
        }
    }

    /** Standard normal by the Box-Muller transform (pairs cached). */
    public double nextGaussian() {
        if (!Double.isNaN(spareGaussian)) {
            double g = spareGaussian;
            spareGaussian = Double.NaN;
            return g;
        }
        double u1;
        do {
            u1 = nextDouble();
        } while (u1 <= 0);
        double u2 = nextDouble();
        double r = Math.sqrt(-2.0 * Math.log(u1));
        spareGaussian = r * Math.sin(2 * Math.PI * u2);
        return r * Math.cos(2 * Math.PI * u2);
    }

    /** An independent stream derived from this one's next value and a stream id. */
    public Rng fork(long streamId) {
        return new Rng(nextLong() ^ mix(streamId + GOLDEN));
    }

    /** Fisher-Yates shuffle in place. */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** A random permutation of 0..n-1. */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p);
        return p;
    }

    /** k distinct indices of [0, n) in random order (partial Fisher-Yates). */
    public int[] sample(int n, int k) {
        if (k > n || k < 0) {
            throw new IllegalArgumentException("cannot sample " + k + " distinct values from " + n);
        }
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + nextInt(n - i);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return java.util.Arrays.copyOf(p, k);
    }
}
