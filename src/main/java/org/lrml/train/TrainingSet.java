package org.lrml.train;

import org.lrml.util.Rng;

/**
 * The images a run trains on, and how an epoch draws its queries and its pool (spec section 2, step 1).
 * Mining never pairs a query with a negative of its own label: for Fashion-MNIST the label is the class, for a
 * landmark set (SfM-120k) it is the 3D-reconstruction cluster. Where a set also fixes each query's positive
 * (SfM-120k's qidxs/pidxs), its {@link TupleMining} reads that from the set itself.
 */
public interface TrainingSet extends ImageSource {
    /** The label (class or cluster) of every image, by row: the same array on every call, not to be changed. */
    int[] labels();

    /**
     * The epoch's queries: by default {@code count} distinct random rows (all rows if fewer). A set with given
     * query images draws among those. Drawn before {@link #drawPool} from the same stream.
     */
    default int[] drawQueries(Rng rng, int count) {
        return rng.sample(size(), Math.min(count, size()));
    }

    /** The epoch's pool of candidate negatives: by default {@code count} distinct random rows (all if fewer). */
    default int[] drawPool(Rng rng, int count) {
        return rng.sample(size(), Math.min(count, size()));
    }
}
