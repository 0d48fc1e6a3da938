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
 */
public record TrainingParts(Backend backend, TrainingSet data, RetrievalModel model, TupleMining mining,
                            TrainingLoss loss, Optimizer optimizer, LrSchedule lrSchedule, Evaluation evaluation) {
    public TrainingParts {
        if (backend == null || data == null || model == null || mining == null || loss == null || optimizer == null
                || lrSchedule == null || evaluation == null) {
            throw new IllegalArgumentException("training parts: every part is required, got backend " + backend
                    + ", data " + data + ", model " + model + ", mining " + mining + ", loss " + loss + ", optimizer "
                    + optimizer + ", lr schedule " + lrSchedule + ", evaluation " + evaluation);
        }
    }
}
