package org.lrml.train;

import java.util.Locale;

import org.lrml.mining.TupleMiner;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/** Mining by labels with {@link TupleMiner}: negatives of other labels, positives of the query's label. */
public record LabelMining(TupleMiner.Config config) implements TupleMining {
    @Override
    public TupleMiner.Mined mine(TrainingSet set, Tensor queries, int[] queryRows, Tensor pool, int[] poolRows,
                                 Rng rng) {
        return TupleMiner.mine(config, queries, queryRows, pool, poolRows, set.labels(), rng);
    }

    @Override
    public String describe() {
        return "negatives " + config.negativeMode().name().toLowerCase(Locale.ROOT) + ", positives "
                + config.positiveMode().name().toLowerCase(Locale.ROOT);
    }
}
