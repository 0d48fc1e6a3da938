package org.lrml.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.lrml.util.Rng;

/** The radix sort against a comparison sort with the ranking rule: descending, ties by index, NaN last. */
class DescendingSortTest {

    static int[] reference(float[] s, int offset, int n) {
        Comparator<Integer> byScore = (a, b) -> {
            float x = s[offset + a];
            float y = s[offset + b];
            boolean nx = Float.isNaN(x);
            boolean ny = Float.isNaN(y);
            if (nx || ny) {
                return nx == ny ? 0 : (nx ? 1 : -1);
            }
            return x == y ? 0 : (x > y ? -1 : 1);
        };
        return IntStream.range(0, n).boxed().sorted(byScore.thenComparing(Comparator.naturalOrder()))
                .mapToInt(Integer::intValue).toArray();
    }

    @Test
    void specialValues() {
        float[] s = {0.5f, -0.0f, Float.NaN, 0.0f, -1f, Float.POSITIVE_INFINITY, 0.5f, Float.NEGATIVE_INFINITY,
                Float.MIN_VALUE, -Float.MIN_VALUE, Float.NaN, 1e-30f};
        int[] got = new DescendingSort(s.length).sort(s, 0, s.length).clone();
        // -0 and +0 tie (index order); NaNs come last in index order.
        assertArrayEquals(new int[]{5, 0, 6, 11, 8, 1, 3, 9, 4, 7, 2, 10}, got);
        assertArrayEquals(reference(s, 0, s.length), got);
    }

    @Test
    void randomRowsWithManyTies() {
        Rng rng = new Rng(5);
        DescendingSort sort = new DescendingSort(5000);
        for (int trial = 0; trial < 30; trial++) {
            int n = 1 + rng.nextInt(4999);
            int offset = rng.nextInt(7);
            float[] s = new float[offset + n];
            boolean coarse = trial % 2 == 0;
            for (int i = 0; i < s.length; i++) {
                s[i] = coarse ? (rng.nextInt(21) - 10) / 8f : (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(9) - 4));
            }
            int[] got = Arrays.copyOf(sort.sort(s, offset, n), n);
            assertArrayEquals(reference(s, offset, n), got, "trial " + trial + " n=" + n);
        }
    }
}
