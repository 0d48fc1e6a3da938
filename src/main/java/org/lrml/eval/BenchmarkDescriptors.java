package org.lrml.eval;

import java.io.IOException;

/**
 * The descriptors of a benchmark's images (database in its order, then the queries cropped to their boxes), for
 * evaluations that rank them against more than the benchmark itself ({@link BlockedEvaluation} with distractors).
 * The loop is {@link BenchmarkEval}'s, kept apart so that the in-memory path stays as it is.
 */
public record BenchmarkDescriptors(float[] queries, int n, float[] database, int m, int d) {

    /** Describes every database image and every query of the benchmark once; listener as BenchmarkEval's. */
    public static BenchmarkDescriptors describe(Benchmark b, DescriptorSource source, BenchmarkEval.Listener listener)
            throws IOException {
        int m = b.database().size();
        int n = b.queries().size();
        if (m == 0 || n == 0) {
            throw new IllegalArgumentException(b.title() + ": " + m + " database images and " + n
                    + " queries; nothing to evaluate");
        }
        int d = -1;
        float[] db = null;
        for (int i = 0; i < m; i++) {
            String image = b.database().get(i);
            float[] x = checked(source.describe(image, null), image, d);
            if (db == null) {
                d = x.length;
                db = new float[m * d];
            }
            System.arraycopy(x, 0, db, i * d, d);
            listener.described(i + 1, m + n);
        }
        float[] q = new float[n * d];
        for (int i = 0; i < n; i++) {
            Benchmark.Query query = b.queries().get(i);
            System.arraycopy(checked(source.describe(query.image(), query.box()), query.image(), d), 0, q, i * d, d);
            listener.described(m + i + 1, m + n);
        }
        return new BenchmarkDescriptors(q, n, db, m, d);
    }

    private static float[] checked(float[] x, String image, int d) {
        if (x == null || x.length == 0) {
            throw new IllegalStateException("no descriptor for image " + image);
        }
        if (d >= 0 && x.length != d) {
            throw new IllegalStateException("the descriptor of image " + image + " has " + x.length
                    + " values, earlier ones " + d);
        }
        return x;
    }
}
