package org.lrml.bench.compare;

import java.util.Map;

import org.lrml.backend.RankResult;
import org.lrml.io.NpyArray;
import org.lrml.mining.Ranking;
import org.lrml.tensor.Tensor;

/**
 * Top-k per row, results on the host: of S = Q G^T without holding S whole ({@link Ranking#similarity}; inputs q, g),
 * or of a score matrix (inputs scores). Outputs: values and indices, best first.
 */
final class RankingWorkload implements Workload {
    private final Inputs in;
    private final Ranking ranking;
    private final Tensor q;
    private final Tensor g;
    private final Tensor scores;
    private RankResult last;

    private RankingWorkload(Inputs in, int k, Tensor q, Tensor g, Tensor scores) {
        this.in = in;
        this.ranking = Ranking.top(k);
        this.q = q;
        this.g = g;
        this.scores = scores;
    }

    static RankingWorkload similarity(Inputs in, int k) {
        return new RankingWorkload(in, k, in.tensor("q"), in.tensor("g"), null);
    }

    static RankingWorkload scores(Inputs in, int k) {
        return new RankingWorkload(in, k, null, null, in.tensor("scores"));
    }

    @Override
    public void run() {
        last = scores != null ? ranking.of(scores) : ranking.similarity(q, g);
    }

    @Override
    public Map<String, NpyArray> outputs() {
        return Outputs.ranking(last);
    }

    @Override
    public String describe() {
        return scores != null ? "top-k of " + scores.size(0) + " rows x " + scores.size(1)
                : "similarity + top-k, " + q.size(0) + " x " + g.size(0) + " x " + q.size(1);
    }

    @Override
    public void close() {
        in.close();
    }
}
