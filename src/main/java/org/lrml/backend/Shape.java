package org.lrml.backend;

import java.util.Arrays;

/**
 * Static helpers for shapes (int[] dimensions, row-major). Every shape error names both shapes and the
 * operation, so a user can find the call that went wrong.
 */
public final class Shape {
    private Shape() {
    }

    /** Number of elements (1 for a scalar, i.e. an empty shape). Throws on overflow or negative dims. */
    public static long numel(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Row-major strides, in elements. */
    public static int[] strides(int... shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc = Math.multiplyExact(acc, Math.max(shape[i], 1));
        }
        return s;
    }

    /** "[2, 3, 4]" */
    public static String str(int... shape) {
        return Arrays.toString(shape);
    }

    /** Normalises a possibly negative axis (-1 = last) and checks its range. */
    public static int axis(int axis, int rank, String op) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for a tensor of rank " + rank);
        }
        return a;
    }

    /** NumPy broadcasting of two shapes; error names op and both shapes. */
    public static int[] broadcast(int[] a, int[] b, String op) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            int db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " do not broadcast (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Left-pads a shape with ones to the given rank. */
    public static int[] padLeft(int[] shape, int rank) {
        if (shape.length == rank) {
            return shape;
        }
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        System.arraycopy(shape, 0, out, rank - shape.length, shape.length);
        return out;
    }

    /** Resolves one -1 entry of a reshape target against the element count. */
    public static int[] inferReshape(int[] from, int[] to) {
        long total = numel(from);
        int infer = -1;
        long known = 1;
        for (int i = 0; i < to.length; i++) {
            if (to[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape " + str(from) + " -> " + str(to) + ": at most one -1");
                }
                infer = i;
            } else if (to[i] < 0) {
                throw new IllegalArgumentException("reshape " + str(from) + " -> " + str(to) + ": negative dimension");
            } else {
                known *= to[i];
            }
        }
        int[] out = to.clone();
        if (infer >= 0) {
            if (known == 0 || total % known != 0) {
                throw new IllegalArgumentException("reshape " + str(from) + " -> " + str(to)
                        + ": " + total + " elements cannot fill the known dimensions (" + known + ")");
            }
            out[infer] = (int) (total / known);
        }
        if (numel(out) != total) {
            throw new IllegalArgumentException("reshape " + str(from) + " (" + total + " elements) -> " + str(to)
                    + " (" + numel(out) + " elements): element counts differ");
        }
        return out;
    }

    /** Checks equality of shapes, naming op and both shapes when they differ. */
    public static void requireSame(int[] a, int[] b, String op) {
        if (!Arrays.equals(a, b)) {
            throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " must be equal");
        }
    }

    /** Checks the rank, naming op and the shape. */
    public static void requireRank(int[] shape, int rank, String op, String what) {
        if (shape.length != rank) {
            throw new IllegalArgumentException(op + ": " + what + " must have rank " + rank + ", got shape " + str(shape));
        }
    }
}
