package org.lrml.backend.cpu;

/**
 * A bounded selection of the best candidates (key, global column) of one row, kept as a binary heap whose
 * root is the worst kept candidate. It lives in a slice [base, base + capacity) of two caller-owned arrays,
 * so a ranking's heaps are its result arrays and no per-row objects are needed.
 *
 * <p>The order is strict and total over candidates with distinct columns: (a, i) is better than (b, j) when
 * a > b, or a == b and i < j. Keys are never NaN (callers skip NaN scores), and -0.0 == 0.0 is a tie broken
 * by column, as Java's and CUDA's {@code ==} and {@code >} on floating point agree. Because the order is
 * total, the kept set after any sequence of offers is exactly the best {@code capacity} candidates offered,
 * whatever the offer order: blocked and segmented selections give the same answer as one scan.
 */
final class CpuTopKHeap {
    private CpuTopKHeap() {
    }

    /** Whether (ka, ia) is strictly better than (kb, ib). */
    static boolean better(double ka, long ia, double kb, long ib) {
        return ka > kb || (ka == kb && ia < ib);
    }

    /**
     * Offers one candidate to the heap of {@code size} entries at base; returns the new size. O(log capacity).
     */
    static int offer(double[] keys, long[] cols, int base, int size, int capacity, double key, long col) {
        if (size < capacity) {
            siftUp(keys, cols, base, size, key, col);
            return size + 1;
        }
        if (better(key, col, keys[base], cols[base])) {
            siftDown(keys, cols, base, size, key, col);
        }
        return size;
    }

    /** Fills the hole at slot i with (key, col), moving better parents down so the root keeps the worst. */
    private static void siftUp(double[] keys, long[] cols, int base, int i, double key, long col) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            // The root holds the worst: a parent must be worse than (or equal to) its children.
            if (!better(keys[base + parent], cols[base + parent], key, col)) {
                break;
            }
            keys[base + i] = keys[base + parent];
            cols[base + i] = cols[base + parent];
            i = parent;
        }
        keys[base + i] = key;
        cols[base + i] = col;
    }

    /** Replaces the root by (key, col) and restores the heap over the first size slots. */
    private static void siftDown(double[] keys, long[] cols, int base, int size, double key, long col) {
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            int right = child + 1;
            if (right < size && better(keys[base + child], cols[base + child], keys[base + right], cols[base + right])) {
                child = right;
            }
            // child is now the worse of the two children; stop when the new entry is no better than it.
            if (!better(key, col, keys[base + child], cols[base + child])) {
                break;
            }
            keys[base + i] = keys[base + child];
            cols[base + i] = cols[base + child];
            i = child;
        }
        keys[base + i] = key;
        cols[base + i] = col;
    }

    /** Heap sort in place: afterwards slots base..base+size-1 hold the candidates best first. */
    static void sortBestFirst(double[] keys, long[] cols, int base, int size) {
        for (int end = size - 1; end > 0; end--) {
            double k = keys[base + end];
            long c = cols[base + end];
            // The worst goes to the end of the remaining range; the last leaf is re-inserted from the root.
            keys[base + end] = keys[base];
            cols[base + end] = cols[base];
            siftDown(keys, cols, base, end, k, c);
        }
    }
}
