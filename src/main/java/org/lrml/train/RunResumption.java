package org.lrml.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * How any data set's run continues (docs/training.md, "Checkpoints, kills and resume"): the temporary files of
 * writes a kill interrupted are removed, then the run goes on from its checkpoint of the highest epoch with the
 * stored config, or, killed before its first checkpoint, starts again from its config.json (the same run, since
 * epoch 0 depends on the config alone). Each data set's assembler passes how it builds its parts.
 */
public final class RunResumption {
    private RunResumption() {
    }

    /** Builds a run's parts from its config (an assembler such as FashionTraining::assemble). */
    @FunctionalInterface
    public interface Assembler {
        /**
         * @param cfg the run's config
         * @return the parts it describes
         * @throws IOException when the data cannot be read
         */
        TrainingParts assemble(TrainConfig cfg) throws IOException;
    }

    /**
     * Continues the run in {@code runDir}; {@code adjust} may change what a resumed run may change (epochs,
     * backend, data folder).
     */
    public static Trainer resume(Path runDir, UnaryOperator<TrainConfig> adjust, PrintStream log, Assembler assembler)
            throws IOException {
        RunFolder folder = RunFolder.at(runDir);
        folder.removeInterruptedWrites(log);
        Optional<Path> latest = folder.latestCheckpointIfAny();
        if (latest.isEmpty()) {
            // Killed before its first checkpoint: epoch 0 is a function of the stored config, so start it again.
            TrainConfig cfg = adjust.apply(folder.readConfig());
            log.println("resuming " + folder + ": no checkpoint yet, starting again from epoch 0 with its config.json");
            return Trainer.start(assembler.assemble(cfg), cfg.schedule(), cfg.clipping(), cfg.toMap(), folder, log);
        }
        Path file = latest.get();
        NetCheckpoint checkpoint = NetCheckpoint.read(file);
        TrainConfig cfg = adjust.apply(checkpoint.config());
        return Trainer.resume(assembler.assemble(cfg), cfg.schedule(), cfg.clipping(), cfg.toMap(), folder, file,
                checkpoint.checkpoint(), log);
    }
}
