package org.lrml.backend.family;

import org.lrml.backend.RankResult;
import org.lrml.backend.RankSpec;
import org.lrml.backend.Storage;

/** Top-k and bottom-k selection per row (kernels/topk.cu); CPU and CUDA agree bit for bit. */
public interface Ranking {

    /** Top-k / bottom-k per row of the scores block, see {@link RankSpec}. */
    RankResult rank(RankSpec spec, Storage scores);
}
