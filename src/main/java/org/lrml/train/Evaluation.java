package org.lrml.train;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

import org.lrml.eval.EvalResult;
import org.lrml.report.Gallery;
import org.lrml.util.Rng;

/**
 * The protocol a run is measured by (spec section 7): the metrics after an epoch, and the gallery of queries
 * with their top results drawn at the end. Fashion-MNIST has the seen and unseen protocols; a landmark run
 * evaluates on Oxford/Paris.
 */
public interface Evaluation {
    /** The protocol's name for the run's header line ("seen"). */
    String name();

    /** What the curves are about ("Fashion-MNIST (seen)"). */
    String title();

    /** The metrics of the current network; {@code when} labels the progress ("epoch 3", "untrained"). */
    EvalResult evaluate(Descriptors descriptors, String when);

    /** A few queries with their top results; {@code rng} picks the queries. */
    List<Gallery.Row> galleryRows(Descriptors descriptors, Rng rng);

    /** The gallery's heading, saying what the frame colours mean. */
    String galleryTitle();

    /**
     * What the protocol derives from the trained network once the last epoch is done and the gallery written
     * (a landmark run learns its whitening here); nothing by default.
     *
     * @param descriptors the trained network's descriptors
     * @param folder      the run folder to write into
     * @param log         where to say what was written
     * @throws IOException when a file cannot be written
     */
    default void afterTraining(Descriptors descriptors, RunFolder folder, PrintStream log) throws IOException {
    }
}
