package org.lrml.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.loss.Tuples;
import org.lrml.tensor.Tensor;

/**
 * The random draws of a training run, written so that another engine can train on exactly the same randomness
 * (bench/peer/same_draws.py does it in PyTorch): the initial weights, and per epoch the queries and pool drawn,
 * the mined tuples (whose positives are random draws) and the batch order. Indices are rows of the training view
 * (for "unseen", the images of labels 0-4 in file order). It separates what the engine computes from the luck of
 * the draws: two engines given the same draws should reach the same numbers up to float rounding.
 */
final class DrawsLog {
    private final Path dir;

    DrawsLog(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    /** init.ckpt: the weights before the first step, in the checkpoint format (no optimiser state). */
    void initialWeights(Map<String, Tensor> weights, Map<String, Object> config) throws IOException {
        Checkpoint.of(Map.of("epoch", 0, "config", config), weights, Map.of())
                .write(dir.resolve("init.ckpt"));
    }

    /** queries-E.npy, pool-E.npy, tuples-E.npy (M x (2+K)) and order-E.npy, all int64. */
    void epoch(int epoch, int[] queries, int[] pool, Tuples tuples, int[] order) throws IOException {
        write("queries", epoch, queries, queries.length);
        write("pool", epoch, pool, pool.length);
        write("tuples", epoch, tuples.table(), tuples.m(), tuples.width());
        write("order", epoch, order, order.length);
    }

    private void write(String name, int epoch, int[] values, int... shape) throws IOException {
        long[] v = Arrays.stream(values).asLongStream().toArray();
        Npy.write(dir.resolve(String.format(Locale.ROOT, "%s-%03d.npy", name, epoch)), NpyArray.of(v, shape));
    }
}
