package org.lrml.backend.cpu;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import org.lrml.util.Setting;

/**
 * Arrays of closed storages, kept for new storages of the same length. A training step allocates the same
 * activation and gradient buffers every time, megabytes each; a fresh Java array is zeroed by the JVM and, above
 * half a G1 region, allocated as a humongous object whose turnover triggers collections. Reusing the arrays of the
 * step before removes both costs (measured on the 3-layer CNN step in docs/cpu-perf.md).
 *
 * <p>Safe because a storage's contents are unspecified at allocation ({@code Backend.allocate}), a closed storage
 * drops its reference to the array (any later use of the storage fails loudly), and CPU kernels use raw arrays only
 * inside a call. Only arrays from {@code allocate} come back here, only at least {@value #MIN_LENGTH} elements long,
 * and at most a bounded number of bytes stay pooled (an eighth of the heap, at most 512 MiB); beyond that, closed
 * arrays are left to the collector. {@code -Dlrml.cpu.recycle=false} turns the pool off; {@code -Dlrml.cpu.poison=true}
 * fills every new storage with NaN, so a kernel that reads its output before writing it fails the tests.
 */
final class CpuArrayPool {
    /** Below this many elements an array is cheap to allocate (a thread-local bump of the pointer). */
    static final int MIN_LENGTH = 1 << 14;
    private static final boolean ENABLED = Setting.CPU_RECYCLE.booleanValue(true);
    static final boolean POISON = Setting.CPU_POISON.booleanValue(false);
    private static final long CAPACITY = Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 8);

    private final Map<Integer, ArrayDeque<float[]>> floats = new HashMap<>();
    private final Map<Integer, ArrayDeque<double[]>> doubles = new HashMap<>();
    private long pooledBytes;

    /** A float array of exactly n elements: a pooled one if there is one (contents left over), else a new one. */
    float[] floats(int n) {
        float[] a = null;
        if (ENABLED && n >= MIN_LENGTH) {
            synchronized (this) {
                ArrayDeque<float[]> q = floats.get(n);
                if (q != null && !q.isEmpty()) {
                    a = q.pop();
                    pooledBytes -= 4L * n;
                }
            }
        }
        if (a == null) {
            a = new float[n];
        }
        if (POISON) {
            java.util.Arrays.fill(a, Float.NaN);
        }
        return a;
    }

    double[] doubles(int n) {
        double[] a = null;
        if (ENABLED && n >= MIN_LENGTH) {
            synchronized (this) {
                ArrayDeque<double[]> q = doubles.get(n);
                if (q != null && !q.isEmpty()) {
                    a = q.pop();
                    pooledBytes -= 8L * n;
                }
            }
        }
        if (a == null) {
            a = new double[n];
        }
        if (POISON) {
            java.util.Arrays.fill(a, Double.NaN);
        }
        return a;
    }

    /** Takes back the array of a closed storage (if pooling is on, it is large enough and there is room). */
    void recycle(float[] a) {
        if (ENABLED && a.length >= MIN_LENGTH) {
            synchronized (this) {
                if (pooledBytes + 4L * a.length <= CAPACITY) {
                    floats.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
                    pooledBytes += 4L * a.length;
                }
            }
        }
    }

    void recycle(double[] a) {
        if (ENABLED && a.length >= MIN_LENGTH) {
            synchronized (this) {
                if (pooledBytes + 8L * a.length <= CAPACITY) {
                    doubles.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
                    pooledBytes += 8L * a.length;
                }
            }
        }
    }

    /** Drops every pooled array (for the collector). */
    synchronized void clear() {
        floats.clear();
        doubles.clear();
        pooledBytes = 0;
    }

    synchronized long pooledBytes() {
        return pooledBytes;
    }
}
