package org.lrml.train;

import org.lrml.backend.Backend;
import org.lrml.optim.Optimizer;

/**
 * Everything a training loop needs besides its {@link TrainConfig.Schedule}: which data, network, mining, loss,
 * optimiser and protocol. An assembler such as {@code fashion.FashionTraining} builds these from a config; the
 * {@link Trainer} only calls them.
 *
 * @param backend    where the network, its descriptors and the loss live
 * @param data       the training images and how an epoch draws queries and pool
 * @param model      the network, already on the backend
 * @param mining     how tuples are made from the epoch's descriptors
 * @param loss       the loss of a step
 * @param optimizer  over {@code model}'s parameter groups (created after the model moved to the backend)
 * @param lrSchedule the per-epoch factor of the optimiser's learning rates
 * @param evaluation the protocol: metrics and gallery
 * @param tuplesPerForward 0: every distinct image of a step goes through the network in one pass; n &gt; 0: the
 *                   step's tuples go through in groups of n, each group's loss (weighted by its share of the step's
 *                   tuples) backpropagated before the next, gradients accumulating for the one optimiser step, as
 *                   cirtorch forwards one tuple at a time. The same gradient (up to rounding) only for a network
 *                   without batch statistics (frozen batch norm); memory is that of one group.
 */
public record TrainingParts(Backend backend, TrainingSet data, RetrievalModel model, TupleMining mining,
                            TrainingLoss loss, Optimizer optimizer, LrSchedule lrSchedule, Evaluation evaluation,
                            int tuplesPerForward) {
    /** Parts whose steps put all their images through the network at once. */
    public TrainingParts(Backend backend, TrainingSet data, RetrievalModel model, TupleMining mining,
                         TrainingLoss loss, Optimizer optimizer, LrSchedule lrSchedule, Evaluation evaluation) {
        this(backend, data, model, mining, loss, optimizer, lrSchedule, evaluation, 0);
    }

    public TrainingParts {
        if (tuplesPerForward < 0) {
            throw new IllegalArgumentException("training parts: tuples per forward pass must be >= 0 (0 = the whole"
                    + " step), got " + tuplesPerForward);
        }
        if (backend == null || data == null || model == null || mining == null || loss == null || optimizer == null
                || lrSchedule == null || evaluation == null) {
            throw new IllegalArgumentException("training parts: every part is required, got backend " + backend
                    + ", data " + data + ", model " + model + ", mining " + mining + ", loss " + loss + ", optimizer "
                    + optimizer + ", lr schedule " + lrSchedule + ", evaluation " + evaluation);
        }
    }
}
