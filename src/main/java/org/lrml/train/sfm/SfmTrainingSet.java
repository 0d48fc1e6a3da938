package org.lrml.train.sfm;

import java.util.Arrays;

import org.lrml.data.SfmSplit;
import org.lrml.util.Rng;
import org.lrml.train.TrainingSet;

/**
 * The train split of an SfM-120k set as the loop's {@link TrainingSet}: the labels are the clusters, and an
 * epoch's queries are drawn as cirtorch draws them, among the given (query, positive) pairs: {@code count}
 * distinct random pairs (all if fewer), whose positives {@link PairMining} then takes. The pool is drawn from
 * all images (the default rule).
 */
public final class SfmTrainingSet implements TrainingSet {
    private final SfmImages images;
    private final int[] clusters;
    /** The query rows of the latest draw and their given positives, in draw order. */
    private int[] drawnQueries = new int[0];
    private int[] drawnPositives = new int[0];

    public SfmTrainingSet(SfmImages images) {
        this.images = images;
        this.clusters = images.split().clusters().clone();
    }

    public SfmImages images() {
        return images;
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public int[] labels() {
        return clusters;
    }

    @Override
    public java.util.List<org.lrml.tensor.Tensor> tensors(int[] rows, org.lrml.backend.Backend backend) {
        return images.tensors(rows, backend);
    }

    /** {@code count} distinct random pairs; returns their query rows and remembers their positives. */
    @Override
    public int[] drawQueries(Rng rng, int count) {
        SfmSplit split = images.split();
        int[] pairs = rng.sample(split.pairs(), Math.min(count, split.pairs()));
        drawnQueries = new int[pairs.length];
        drawnPositives = new int[pairs.length];
        for (int i = 0; i < pairs.length; i++) {
            drawnQueries[i] = split.queries()[pairs[i]];
            drawnPositives[i] = split.positives()[pairs[i]];
        }
        return drawnQueries.clone();
    }

    /**
     * The given positive of each query of the latest {@link #drawQueries} (which must be exactly these rows, in
     * draw order: a query image may belong to several pairs, so the row alone does not name its positive).
     */
    public int[] positivesOf(int[] queryRows) {
        if (!Arrays.equals(queryRows, drawnQueries)) {
            throw new IllegalStateException("SfM-120k mining: the queries are not those of the epoch's draw");
        }
        return drawnPositives.clone();
    }
}
