package org.lrml.examples;

import java.util.Locale;

import org.lrml.autograd.NoGrad;
import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.RankResult;
import org.lrml.mining.Ranking;
import org.lrml.nn.Sequential;
import org.lrml.tensor.Tensor;
import org.lrml.util.Rng;

/**
 * docs/library.md, example 4: descriptors of a database and its queries in inference mode, then each query's top 5
 * by cosine similarity (the engine's ranking op, which never keeps the whole similarity matrix), and precision@5.
 */
public final class ExtractAndRank {
    private ExtractAndRank() {
    }

    public static void main(String[] args) {
        System.out.printf(Locale.ROOT, "precision@5: %.3f%n", precisionAt5(Backends.cpu()));
    }

    /** Describe 30 images, rank them against each other (self excluded), return precision@5 by class. */
    public static double precisionAt5(Backend backend) {
        Sequential net = BuildANetwork.network(16, new Rng(0));
        net.to(backend);
        net.train(false);                         // inference mode: batch norm uses its running statistics
        Tensor images = TrainWithHooksAndProfiler.images(backend, 30, new Rng(2));
        RankResult top;
        try (NoGrad ng = NoGrad.enter()) {
            Tensor d = net.call(images);
            top = Ranking.top(5).excludeSelf().similarity(d, d);
        }
        int hits = 0;
        for (int q = 0; q < top.rows(); q++) {
            for (int j = 0; j < top.k(); j++) {
                hits += top.index(q, j) % 3 == q % 3 ? 1 : 0;
            }
        }
        return hits / (double) (top.rows() * top.k());
    }
}
