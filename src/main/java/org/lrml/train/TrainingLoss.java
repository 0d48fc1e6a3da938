package org.lrml.train;

import org.lrml.loss.Tuples;
import org.lrml.tensor.Tensor;

/** The loss of one optimiser step: a scalar over the step's descriptors and its tuples (rows of the descriptors). */
public interface TrainingLoss {
    /** The batch loss, recorded for autograd. */
    Tensor apply(Tensor descriptors, Tuples tuples);

    /** Short name for chart titles ("LRML"). */
    String name();

    /** The loss with its parameters for the run's header line ("lrml (alpha 1.2, m 0.4, ...)"). */
    String describe();
}
