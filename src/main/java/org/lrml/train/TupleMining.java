package org.lrml.train;

import org.lrml.mining.TupleMiner;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * Builds an epoch's tuples (q, p, n_1..n_K) from the descriptors of its queries and pool (spec section 2,
 * steps 3-5). {@link LabelMining} is the spec's rule over labels; a landmark set's mining takes the positive
 * from the set's given query/positive pairs instead.
 */
public interface TupleMining {
    /**
     * @param set          the training set (labels or clusters, given pairs)
     * @param queries      Q x D query descriptors
     * @param queryRows    the queries' rows in the set
     * @param pool         P x D pool descriptors
     * @param poolRows     the pool's rows in the set
     * @param rng          the stream of the epoch's random choices (random positives)
     * @return tuples of rows of the set, with the counts of skipped queries
     */
    TupleMiner.Mined mine(TrainingSet set, Tensor queries, int[] queryRows, Tensor pool, int[] poolRows, Rng rng);

    /** The choices in a few words for the run's header line ("negatives hardest, positives random"). */
    String describe();
}
