package org.lrml.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;

/**
 * A learned whitening of descriptors (Radenovic, Tolias and Chum, TPAMI 2018; the formulas of cirtorch's
 * utils/whiten.py as ../shared/design/landmark-reference.md states them): a mean m (D) and a projection P
 * (D x D, rows ordered by decreasing variance), applied as x' = P_d (x - m) / (||P_d (x - m)|| + 1e-6) with P_d
 * the first d rows. In the formulas descriptors are the columns of X (D x N); the files hold them as rows.
 * <ul>
 * <li>Lw, from matching pairs (q_i, p_i): m = mean of the query descriptors x_{q_i}; S = sum_i (x_{q_i} -
 * x_{p_i})(x_{q_i} - x_{p_i})^T / n; P0 = L^-1 with L the lower Cholesky factor of S (alpha I added, alpha = 0,
 * 1e-10, 1e-9, ... until S + alpha I is positive definite); the eigenvectors V of (P0 (X - m))(P0 (X - m))^T
 * sorted by eigenvalue, largest first; P = V^T P0.</li>
 * <li>PCAw: m = mean of X; C = (X - m)(X - m)^T / N, symmetrised; eigenpairs largest first; P = diag(lambda)^(-1/2)
 * V^T. Every eigenvalue must be positive (N > D independent descriptors), else the projection is undefined and
 * learning refuses with that reason.</li>
 * </ul>
 * All arithmetic is in double. The products over all descriptors (D x D x N) are the costly part: the second Lw
 * product is computed as P0 ((X - m)(X - m)^T) P0^T, the same matrix with one D x D x N product instead of two.
 * Eigenvectors are unique only up to sign (and within repeated eigenvalues), as with any eigen-solver.
 */
public record Whitening(double[] mean, double[][] projection) {
    /** Added to the norm of the projected vector before dividing, as cirtorch does. */
    public static final double NORM_EPS = 1e-6;

    public Whitening {
        if (mean.length == 0 || projection.length == 0 || projection[0].length != mean.length) {
            throw new IllegalArgumentException("whitening: mean of " + mean.length + " and projection of "
                    + projection.length + " x " + (projection.length == 0 ? 0 : projection[0].length)
                    + " do not fit (projection rows must have the mean's length)");
        }
    }

    /** Input dimension D. */
    public int inputDim() {
        return mean.length;
    }

    /** Number of projection rows (the largest output dimension). */
    public int rows() {
        return projection.length;
    }

    // ------------------------------------------------------------------ learning

    /** Lw from the rows of x (n x d row-major) and pairs of row indices (query, positive). */
    public static Whitening learnLw(float[] x, int n, int d, int[] queries, int[] positives) {
        if (queries.length != positives.length || queries.length == 0) {
            throw new IllegalArgumentException("whitening: need as many queries as positives, and at least one pair;"
                    + " got " + queries.length + " and " + positives.length);
        }
        checkIndices(queries, n, "query");
        checkIndices(positives, n, "positive");
        int pairs = queries.length;
        double[] m = new double[d];
        for (int q : queries) {
            for (int j = 0; j < d; j++) {
                m[j] += x[q * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            m[j] /= pairs;
        }
        // Columns of the pair differences (d x pairs), then S = df df^T / pairs.
        double[][] dfT = new double[d][pairs];
        for (int i = 0; i < pairs; i++) {
            for (int j = 0; j < d; j++) {
                dfT[j][i] = (double) x[queries[i] * d + j] - x[positives[i] * d + j];
            }
        }
        double[][] s = gram(dfT, 1.0 / pairs);
        double[][] p0 = invertLower(cholesky(s));
        double[][] centred = columns(x, n, d, m);
        double[][] sigma = gram(centred, 1.0);
        double[][] c = multiply(multiply(p0, sigma), transpose(p0));
        symmetrise(c);
        Eigen e = eigen(c);
        return new Whitening(m, multiply(transpose(e.vectors), p0));
    }

    /** PCA whitening of the rows of x (n x d row-major). */
    public static Whitening learnPca(float[] x, int n, int d) {
        if (n < 2) {
            throw new IllegalArgumentException("PCA whitening needs at least 2 descriptors, got " + n);
        }
        double[] m = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                m[j] += x[i * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            m[j] /= n;
        }
        double[][] c = gram(columns(x, n, d, m), 1.0);
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double v = (c[i][j] + c[j][i]) / (2.0 * n);
                c[i][j] = v;
                c[j][i] = v;
            }
        }
        Eigen e = eigen(c);
        double smallest = e.values[d - 1];
        if (!(smallest > 0)) {
            throw new IllegalArgumentException("PCA whitening: the covariance of " + n + " descriptors of dimension " + d
                    + " has eigenvalue " + smallest + " <= 0, so diag(lambda)^-1/2 is undefined; learn it from more than"
                    + " " + d + " descriptors that span the space");
        }
        double[][] p = transpose(e.vectors);
        for (int i = 0; i < d; i++) {
            double scale = 1.0 / Math.sqrt(e.values[i]);
            for (int j = 0; j < d; j++) {
                p[i][j] *= scale;
            }
        }
        return new Whitening(m, p);
    }

    private static void checkIndices(int[] idx, int n, String what) {
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= n) {
                throw new IllegalArgumentException("whitening: pair " + i + " has " + what + " row " + idx[i]
                        + ", outside the " + n + " descriptors");
            }
        }
    }

    // ------------------------------------------------------------------ applying

    /**
     * x' = P_dim (x - m) / (||P_dim (x - m)|| + 1e-6) for each row of x (n x D) -> n x dim, float32 results
     * of double arithmetic.
     */
    public float[] apply(float[] x, int n, int dim) {
        int d = inputDim();
        if (dim < 1 || dim > rows()) {
            throw new IllegalArgumentException("whitening dimension " + dim + " is not within 1.." + rows());
        }
        if ((long) n * d != x.length) {
            throw new IllegalArgumentException("whitening expects descriptors of dimension " + d + ", got " + x.length
                    + " values for " + n + " rows");
        }
        float[] out = new float[n * dim];
        IntStream.range(0, n).parallel().forEach(i -> {
            double[] c = new double[d];
            for (int j = 0; j < d; j++) {
                c[j] = x[i * d + j] - mean[j];
            }
            double[] y = new double[dim];
            double norm = 0;
            for (int r = 0; r < dim; r++) {
                double[] p = projection[r];
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += p[j] * c[j];
                }
                y[r] = s;
                norm += s * s;
            }
            double scale = 1.0 / (Math.sqrt(norm) + NORM_EPS);
            for (int r = 0; r < dim; r++) {
                out[i * dim + r] = (float) (y[r] * scale);
            }
        });
        return out;
    }

    // ------------------------------------------------------------------ files

    /** DIR/mean.npy (D, float64) and DIR/projection.npy (D x D, float64), each written atomically. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        int d = inputDim();
        double[] p = new double[rows() * d];
        for (int r = 0; r < rows(); r++) {
            System.arraycopy(projection[r], 0, p, r * d, d);
        }
        Npy.write(dir.resolve("mean.npy"), NpyArray.of(mean.clone(), d));
        Npy.write(dir.resolve("projection.npy"), NpyArray.of(p, rows(), d));
    }

    /** Reads DIR/mean.npy and DIR/projection.npy; errors name the files. */
    public static Whitening read(Path dir) throws IOException {
        Path mf = dir.resolve("mean.npy");
        Path pf = dir.resolve("projection.npy");
        if (!Files.isRegularFile(mf) || !Files.isRegularFile(pf)) {
            throw new IOException(dir + ": a whitening folder needs mean.npy and projection.npy (lrml whiten writes them)");
        }
        NpyArray m = Npy.read(mf);
        NpyArray p = Npy.read(pf);
        if (!m.isFloat() || !p.isFloat()) {
            throw new IOException(dir + ": mean.npy and projection.npy must be float arrays");
        }
        int d = (int) m.numel();
        if (m.shape().length == 2 && m.shape()[1] != 1 && m.shape()[0] != 1 || m.shape().length > 2) {
            throw new IOException(mf + ": the mean must be a vector (D) or a column (D x 1), found "
                    + Arrays.toString(m.shape()));
        }
        if (p.shape().length != 2 || p.shape()[1] != d) {
            throw new IOException(pf + ": the projection must be (rows x " + d + ") to fit mean.npy, found "
                    + Arrays.toString(p.shape()));
        }
        double[] pv = p.toDoubles();
        double[][] proj = new double[p.shape()[0]][];
        for (int r = 0; r < proj.length; r++) {
            proj[r] = Arrays.copyOfRange(pv, r * d, (r + 1) * d);
        }
        return new Whitening(m.toDoubles(), proj);
    }

    // ------------------------------------------------------------------ linear algebra in double

    /** The columns of (x - m): d arrays of n values (row j = coordinate j of every descriptor). */
    private static double[][] columns(float[] x, int n, int d, double[] m) {
        double[][] c = new double[d][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                c[j][i] = x[i * d + j] - m[j];
            }
        }
        return c;
    }

    /** scale A A^T for A given by rows (d rows of length k): each entry one dot product, in parallel over rows. */
    static double[][] gram(double[][] a, double scale) {
        int d = a.length;
        double[][] g = new double[d][d];
        IntStream.range(0, d).parallel().forEach(i -> {
            double[] ai = a[i];
            for (int j = 0; j <= i; j++) {
                double[] aj = a[j];
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                int k = 0;
                for (; k + 3 < ai.length; k += 4) {
                    s0 += ai[k] * aj[k];
                    s1 += ai[k + 1] * aj[k + 1];
                    s2 += ai[k + 2] * aj[k + 2];
                    s3 += ai[k + 3] * aj[k + 3];
                }
                for (; k < ai.length; k++) {
                    s0 += ai[k] * aj[k];
                }
                g[i][j] = (s0 + s1 + s2 + s3) * scale;
            }
        });
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                g[j][i] = g[i][j];
            }
        }
        return g;
    }

    /**
     * The lower Cholesky factor of s (s = L L^T), adding alpha I with alpha = 1e-10, then ten times more each time,
     * while a pivot is not positive (cirtorch's rule).
     */
    static double[][] cholesky(double[][] s) {
        double alpha = 0;
        while (true) {
            double[][] l = tryCholesky(s, alpha);
            if (l != null) {
                return l;
            }
            alpha = alpha == 0 ? 1e-10 : alpha * 10;
            if (alpha > 1e10) {
                throw new IllegalArgumentException("whitening: the pair-difference covariance is not positive definite"
                        + " even with " + alpha + " I added (NaN or infinite descriptors?)");
            }
        }
    }

    private static double[][] tryCholesky(double[][] s, double alpha) {
        int n = s.length;
        double[][] l = new double[n][n];
        for (int j = 0; j < n; j++) {
            double diag = s[j][j] + alpha;
            for (int k = 0; k < j; k++) {
                diag -= l[j][k] * l[j][k];
            }
            if (!(diag > 0)) {
                return null;
            }
            double ljj = Math.sqrt(diag);
            l[j][j] = ljj;
            final int col = j;
            IntStream.range(j + 1, n).parallel().forEach(i -> {
                double v = s[i][col];
                double[] li = l[i];
                double[] lj = l[col];
                for (int k = 0; k < col; k++) {
                    v -= li[k] * lj[k];
                }
                li[col] = v / ljj;
            });
        }
        return l;
    }

    /** The inverse of a lower-triangular matrix (lower triangular too), column by column. */
    static double[][] invertLower(double[][] l) {
        int n = l.length;
        double[][] inv = new double[n][n];
        IntStream.range(0, n).parallel().forEach(c -> {
            // Solve L y = e_c for column c of the inverse; y[i] = 0 for i < c.
            double[] y = new double[n];
            y[c] = 1.0 / l[c][c];
            for (int i = c + 1; i < n; i++) {
                double s = 0;
                double[] li = l[i];
                for (int k = c; k < i; k++) {
                    s += li[k] * y[k];
                }
                y[i] = -s / l[i][i];
            }
            for (int i = c; i < n; i++) {
                inv[i][c] = y[i];
            }
        });
        return inv;
    }

    static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    /** a b, in parallel over the rows of a. */
    static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        int k = b.length;
        int m = b[0].length;
        double[][] c = new double[n][m];
        IntStream.range(0, n).parallel().forEach(i -> {
            double[] ci = c[i];
            double[] ai = a[i];
            for (int p = 0; p < k; p++) {
                double v = ai[p];
                if (v == 0) {
                    continue;
                }
                double[] bp = b[p];
                for (int j = 0; j < m; j++) {
                    ci[j] += v * bp[j];
                }
            }
        });
        return c;
    }

    private static void symmetrise(double[][] c) {
        for (int i = 0; i < c.length; i++) {
            for (int j = 0; j < i; j++) {
                double v = (c[i][j] + c[j][i]) / 2;
                c[i][j] = v;
                c[j][i] = v;
            }
        }
    }

    /** Eigenvalues in decreasing order and the eigenvectors as the columns of vectors, in that order. */
    private record Eigen(double[] values, double[][] vectors) {
    }

    private static Eigen eigen(double[][] symmetric) {
        int d = symmetric.length;
        EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(symmetric, false));
        double[] values = e.getRealEigenvalues();
        RealMatrix v = e.getV();
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> values[i]).reversed());
        double[] sorted = new double[d];
        double[][] vectors = new double[d][d];
        for (int c = 0; c < d; c++) {
            sorted[c] = values[order[c]];
            for (int r = 0; r < d; r++) {
                vectors[r][c] = v.getEntry(r, order[c]);
            }
        }
        return new Eigen(sorted, vectors);
    }
}
