package org.lrml.train.sfm;

import java.util.ArrayList;
import java.util.List;

import org.lrml.loss.Tuples;
import org.lrml.mining.TupleMiner;
import org.lrml.tensor.Tensor;
import org.lrml.train.TrainingSet;
import org.lrml.train.TupleMining;
import org.lrml.util.Rng;

/**
 * SfM-120k's tuples as cirtorch mines them: the positive is the query's given positive (its pair's
 * {@code pidxs}), the negatives the K most similar pool images of other clusters, at most one image per cluster
 * ({@link TupleMiner#negatives}, labels = clusters; {@code bottom} takes the K least similar instead, the spec's
 * ablation). Where the pool holds fewer than K clusters other than the query's, the miner's rule fills the
 * remaining slots with further images of other clusters (cirtorch would look forever; SfM-120k's 551 clusters never
 * get there); a query whose pool holds fewer than K images of other clusters gets no tuple.
 */
public final class PairMining implements TupleMining {
    private final TupleMiner.Config config;

    public PairMining(TupleMiner.Config config) {
        this.config = config;
    }

    @Override
    public TupleMiner.Mined mine(TrainingSet set, Tensor queries, int[] queryRows, Tensor pool, int[] poolRows,
                                 Rng rng) {
        if (!(set instanceof SfmTrainingSet sfm)) {
            throw new IllegalArgumentException("SfM-120k mining needs the SfM-120k training set, got " + set);
        }
        int[] positives = sfm.positivesOf(queryRows);
        int[] clusters = set.labels();
        int[] qLabels = new int[queryRows.length];
        for (int i = 0; i < queryRows.length; i++) {
            qLabels[i] = clusters[queryRows[i]];
        }
        int[] pLabels = new int[poolRows.length];
        for (int i = 0; i < poolRows.length; i++) {
            pLabels[i] = clusters[poolRows[i]];
        }
        int[][] negatives = TupleMiner.negatives(config, queries, pool, qLabels, pLabels);
        int k = config.negatives();
        List<int[]> rows = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        int few = 0;
        for (int i = 0; i < queryRows.length; i++) {
            if (negatives[i].length < k) {
                few++;
                continue;
            }
            int[] row = new int[2 + k];
            row[0] = queryRows[i];
            row[1] = positives[i];
            for (int j = 0; j < k; j++) {
                row[2 + j] = poolRows[negatives[i][j]];
            }
            rows.add(row);
            kept.add(i);
        }
        int[] table = new int[rows.size() * (2 + k)];
        for (int t = 0; t < rows.size(); t++) {
            System.arraycopy(rows.get(t), 0, table, t * (2 + k), 2 + k);
        }
        return new TupleMiner.Mined(Tuples.of(table, rows.size(), k), kept.stream().mapToInt(Integer::intValue).toArray(),
                few, 0);
    }

    @Override
    public String describe() {
        return "negatives " + config.negativeMode().name().toLowerCase(java.util.Locale.ROOT)
                + " (one per cluster), positives given";
    }
}
