package org.lrml.eval;

import java.io.IOException;

import org.lrml.io.MappedNpy;

/**
 * Descriptors read a block of rows at a time, so that they need not fit in memory: rows of a memory-mapped .npy
 * file, rows of an array, or one set followed by another (a benchmark's images, then a million distractors: the
 * distractors' indices come after the benchmark's, so ties go to the benchmark).
 */
public interface DescriptorRows {

    /** Number of rows (descriptors). */
    long size();

    /** Descriptor dimension. */
    int dim();

    /** Rows first .. first + count - 1 into dst[offset .. offset + count * dim()), row-major. */
    void read(long first, int count, float[] dst, int offset) throws IOException;

    /** What the rows are, for messages ("X.npy (float16 [1000000, 2048])"). */
    String describe();

    /** The rows of an m x d row-major array (not copied; the caller must not change it while in use). */
    static DescriptorRows of(float[] values, int m, int d) {
        if (m < 0 || d < 1 || values.length != (long) m * d) {
            throw new IllegalArgumentException("descriptor rows: " + values.length + " values for " + m + " x " + d);
        }
        return new DescriptorRows() {
            @Override
            public long size() {
                return m;
            }

            @Override
            public int dim() {
                return d;
            }

            @Override
            public void read(long first, int count, float[] dst, int offset) {
                System.arraycopy(values, Math.toIntExact(first * d), dst, offset, count * d);
            }

            @Override
            public String describe() {
                return "an in-memory array of " + m + " x " + d;
            }
        };
    }

    /** The rows of a 2-D float16, float32 or float64 .npy file, memory-mapped (the file stays open until closed). */
    static DescriptorRows mapped(MappedNpy file) throws IOException {
        if (!file.element().isFloat() || !file.isMatrix()) {
            throw new IOException(file + ": descriptors must be a 2-D float16, float32 or float64 array (n x d)");
        }
        if (file.cols() == 0) {
            throw new IOException(file + ": descriptors of dimension 0");
        }
        return new DescriptorRows() {
            @Override
            public long size() {
                return file.rows();
            }

            @Override
            public int dim() {
                return file.cols();
            }

            @Override
            public void read(long first, int count, float[] dst, int offset) throws IOException {
                file.readFloats(first, count, dst, offset);
            }

            @Override
            public String describe() {
                return file.toString();
            }
        };
    }

    /** The rows of a, then those of b (same dimension); b's row i is row a.size() + i. */
    static DescriptorRows concat(DescriptorRows a, DescriptorRows b) {
        if (a.dim() != b.dim()) {
            throw new IllegalArgumentException(b.describe() + " has dimension " + b.dim() + " but " + a.describe()
                    + " has " + a.dim());
        }
        long split = a.size();
        int d = a.dim();
        return new DescriptorRows() {
            @Override
            public long size() {
                return split + b.size();
            }

            @Override
            public int dim() {
                return d;
            }

            @Override
            public void read(long first, int count, float[] dst, int offset) throws IOException {
                int fromA = (int) Math.max(0, Math.min(count, split - first));
                if (fromA > 0) {
                    a.read(first, fromA, dst, offset);
                }
                if (fromA < count) {
                    b.read(first + fromA - split, count - fromA, dst, offset + fromA * d);
                }
            }

            @Override
            public String describe() {
                return a.describe() + " followed by " + b.describe();
            }
        };
    }
}
