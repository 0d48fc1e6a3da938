package org.lrml.train.sfm;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.lrml.data.SfmSplit;
import org.lrml.eval.DescriptorEval;
import org.lrml.eval.EvalResult;
import org.lrml.eval.Ranker;
import org.lrml.eval.Whitening;
import org.lrml.report.Gallery;
import org.lrml.train.Descriptors;
import org.lrml.train.Evaluation;
import org.lrml.train.RunFolder;
import org.lrml.util.Rng;

/**
 * The held-out protocol of an SfM-120k run, on its {@code val} split (clusters the training never sees): every
 * val image is a query against the other val images, relevant = same cluster (standard AP, leave-one-out). The
 * gallery shows six val queries (drawn among the pairs' queries) and their top 10. After the last epoch the run
 * learns Radenović's whitening Lw from the val pairs, as {@code lrml whiten --pairs} does, into the run folder's
 * {@code whitening/} ({@code lrml eval --whitening}).
 *
 * <p>The gallery and the whitening reuse the descriptors of the latest evaluation: the loop evaluates after the
 * last epoch, so they are the trained network's, and the val split is described once at the end, not three times.
 */
final class SfmEvaluation implements Evaluation {
    /** The protocol's name in metrics.json. */
    static final String PROTOCOL = "sfm120k val";
    private static final int GALLERY_QUERIES = 6;

    private final SfmImages val;
    private float[] latest;

    SfmEvaluation(SfmImages val) {
        this.val = val;
    }

    @Override
    public String name() {
        return "sfm120k val";
    }

    @Override
    public String title() {
        return "SfM-120k val (held-out clusters)";
    }

    @Override
    public EvalResult evaluate(Descriptors descriptors, String when) {
        latest = descriptors.all(val, "eval " + when + ": val descriptors");
        int[] clusters = val.split().clusters();
        return DescriptorEval.evaluate(PROTOCOL, latest, latest, clusters, clusters, descriptors.dim(), true);
    }

    private float[] valDescriptors(Descriptors descriptors) {
        return latest != null ? latest : descriptors.all(val, "val descriptors");
    }

    @Override
    public List<Gallery.Row> galleryRows(Descriptors descriptors, Rng rng) {
        SfmSplit split = val.split();
        int d = descriptors.dim();
        float[] all = valDescriptors(descriptors);
        int[] queries = Arrays.stream(split.queries()).distinct().toArray();
        int[] picked = rng.sample(queries.length, Math.min(GALLERY_QUERIES, queries.length));
        float[] chosen = new float[picked.length * d];
        for (int i = 0; i < picked.length; i++) {
            System.arraycopy(all, queries[picked[i]] * d, chosen, i * d, d);
        }
        Ranker.TopK top;
        try (Ranker ranker = new Ranker(all, split.size(), d)) {
            top = ranker.topK(chosen, picked.length, Math.min(11, split.size()));
        }
        int[] clusters = split.clusters();
        List<Gallery.Row> rows = new ArrayList<>();
        for (int i = 0; i < picked.length; i++) {
            int q = queries[picked[i]];
            List<Gallery.Result> results = new ArrayList<>();
            for (int r = 0; r < top.k() && results.size() < 10; r++) {
                int item = top.item(i, r);
                if (item != q) {
                    results.add(new Gallery.Result(val.display(item, Gallery.THUMB), top.similarity(i, r),
                            clusters[item] == clusters[q]));
                }
            }
            rows.add(new Gallery.Row(val.display(q, Gallery.THUMB), "cluster " + clusters[q], results));
        }
        return rows;
    }

    @Override
    public String galleryTitle() {
        return "Top-10 retrievals (SfM-120k val): green = same cluster, red = other";
    }

    /** Lw from the val pairs into {@code whitening/}. */
    @Override
    public void afterTraining(Descriptors descriptors, RunFolder folder, PrintStream log) throws IOException {
        SfmSplit split = val.split();
        float[] all = valDescriptors(descriptors);
        long t0 = System.nanoTime();
        Whitening w = Whitening.learnLw(all, split.size(), descriptors.dim(), split.queries(), split.positives());
        Path dir = folder.root().resolve("whitening");
        w.write(dir);
        log.printf(Locale.ROOT, "learned the whitening Lw from the %d val pairs in %.1f s: %s (lrml eval --whitening"
                + " %s)%n", split.pairs(), (System.nanoTime() - t0) / 1e9, dir, dir);
    }
}
