package org.lrml.train;

/**
 * The learning rate of each epoch as a factor of the configured one, applied to every optimiser group before the
 * epoch's first step. A function of the epoch number (not a stateful step counter), so a resumed run sets
 * exactly the rates the uninterrupted run had. A landmark recipe plugs its exponential decay in here.
 */
@FunctionalInterface
public interface LrSchedule {
    /** The factor of the configured learning rate during the 1-based {@code epoch}. */
    double factor(int epoch);

    /** The configured rate throughout (the Fashion-MNIST recipe). */
    static LrSchedule constant() {
        return epoch -> 1.0;
    }
}
