package org.lrml.train;

import java.io.IOException;
import java.nio.file.Path;

import org.lrml.io.NpyArray;
import org.lrml.io.Printable;
import org.lrml.nn.RetrievalNet;

/**
 * A {@link Checkpoint} of a {@link RetrievalNet} training run, checked before anything is built from it: its config
 * must read as a {@link TrainConfig}, and the network that config declares must not be larger than the tensors the
 * file actually stores. Without that second check a few edited characters in meta.json ({@code "widths": [30000,
 * 30000, 30000]}) would make the extractor or a resume allocate gigabytes for a network the checkpoint cannot fill.
 *
 * @param checkpoint the checkpoint as read
 * @param config     its training config
 */
public record NetCheckpoint(Checkpoint checkpoint, TrainConfig config) {

    /** Reads and checks; every problem is an IOException naming the file. */
    public static NetCheckpoint read(Path file) throws IOException {
        Checkpoint c = Checkpoint.read(file);
        String name = Printable.of(file.toString(), 400);
        TrainConfig cfg;
        try {
            cfg = c.config();
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IOException(name + ": the training config in its meta.json does not read: " + e.getMessage(), e);
        }
        if (cfg.data().dataset() != TrainConfig.Dataset.FASHION_MNIST) {
            // A landmark trunk's size is fixed by its architecture, which the "model" entry names.
            return new NetCheckpoint(c, cfg);
        }
        double declared = weightsAtLeast(cfg.net());
        long stored = c.model().values().stream().mapToLong(NpyArray::numel).sum();
        if (declared > stored) {
            throw new IOException(String.format("%s: its config declares a network (%s) of at least %.0f weights, but"
                    + " the checkpoint stores %d values; the config or the tensors were changed", name, cfg.net(),
                    declared, stored));
        }
        return new NetCheckpoint(c, cfg);
    }

    /**
     * The conv and linear weights the config's network has at least (biases, batch norm and pooling aside), in
     * double so that absurd widths cannot overflow: conv 3x3 in -> w0 -> w1 -> w2, linear w2 -> dim.
     */
    static double weightsAtLeast(RetrievalNet.Config net) {
        int[] w = net.widths();
        return 9.0 * net.inChannels() * w[0] + 9.0 * w[0] * w[1] + 9.0 * w[1] * w[2] + (double) w[2] * net.dim();
    }

    /** The error for a model or optimiser state that does not fit what the config builds, naming the file. */
    static IOException doesNotFit(Path file, String what, RuntimeException e) {
        return new IOException(Printable.of(file.toString(), 400) + ": the checkpoint's " + what + " does not fit the"
                + " network its config describes: " + e.getMessage(), e);
    }
}
