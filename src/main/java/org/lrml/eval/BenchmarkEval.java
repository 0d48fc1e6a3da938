package org.lrml.eval;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates a benchmark given in one or more setups (the revisited benchmarks' Easy/Medium/Hard share
 * their images): describes every database image and every (cropped) query once, ranks once, scores each
 * setup.
 */
public final class BenchmarkEval {
    private BenchmarkEval() {
    }

    /** Told after each image is described (done of total), e.g. to draw a progress bar. */
    @FunctionalInterface
    public interface Listener {
        void described(int done, int total);
    }

    public static List<EvalResult> evaluate(List<Benchmark> setups, DescriptorSource source) throws IOException {
        return evaluate(setups, source, (done, total) -> {
        });
    }

    public static List<EvalResult> evaluate(List<Benchmark> setups, DescriptorSource source, Listener listener)
            throws IOException {
        return evaluate(setups, source, Postprocessing.NONE, listener);
    }

    /**
     * As above, with the descriptors post-processed (whitening, database-side augmentation, query expansion) between
     * description and ranking.
     */
    public static List<EvalResult> evaluate(List<Benchmark> setups, DescriptorSource source, Postprocessing post,
                                            Listener listener) throws IOException {
        if (setups.isEmpty()) {
            throw new IllegalArgumentException("no benchmark setup to evaluate");
        }
        Benchmark first = setups.get(0);
        for (Benchmark b : setups) {
            if (!b.sameImagesAs(first)) {
                throw new IllegalArgumentException(b.title() + " does not share the images and queries of "
                        + first.title() + "; evaluate them separately");
            }
        }
        int m = first.database().size();
        int n = first.queries().size();
        int total = m + n;
        int[] dim = {-1};
        float[] db = null;
        for (int i = 0; i < m; i++) {
            float[] x = checkedDescriptor(source.describe(first.database().get(i), null), first.database().get(i), dim);
            if (db == null) {
                db = new float[m * dim[0]];
            }
            System.arraycopy(x, 0, db, i * dim[0], dim[0]);
            listener.described(i + 1, total);
        }
        float[] q = new float[n * Math.max(dim[0], 0)];
        for (int i = 0; i < n; i++) {
            Benchmark.Query query = first.queries().get(i);
            float[] x = checkedDescriptor(source.describe(query.image(), query.box()), query.image(), dim);
            System.arraycopy(x, 0, q, i * dim[0], dim[0]);
            listener.described(m + i + 1, total);
        }
        if (db == null) {
            throw new IllegalArgumentException(first.title() + ": the database is empty");
        }
        List<DescriptorEval.Setup> s = new ArrayList<>();
        for (Benchmark b : setups) {
            s.add(new DescriptorEval.Setup(b.name(), b.setup(), b.apForm(), b.relevance()));
        }
        if (post.isNone()) {
            return DescriptorEval.evaluate(q, n, db, m, dim[0], s);
        }
        Postprocessing.Descriptors d = post.apply(q, n, db, m, dim[0]);
        return DescriptorEval.evaluate(d.queries(), n, d.database(), m, d.dim(), s);
    }

    private static float[] checkedDescriptor(float[] x, String image, int[] dim) {
        if (x == null || x.length == 0) {
            throw new IllegalStateException("no descriptor for image " + image);
        }
        if (dim[0] < 0) {
            dim[0] = x.length;
        } else if (x.length != dim[0]) {
            throw new IllegalStateException("the descriptor of image " + image + " has " + x.length
                    + " values, earlier ones " + dim[0]);
        }
        return x;
    }
}
