package org.lrml.backend.cuda;

import org.lrml.backend.RankResult;
import org.lrml.backend.RankSpec;
import org.lrml.loss.LossSpec;

/**
 * The LRML core on the GPU: ranking (top-k / bottom-k, with and without the similarity product) and the fused
 * tuple losses. Their kernels arrive in a later step; until then each call says so. They will follow the
 * pattern of the other families: a kernels/*.cu file with its catalog, a launcher in
 * {@code org.lrml.backend.cuda.kernels} built on {@link CudaContext} (module loading, checked launches, scratch
 * memory from the caching allocator), and a {@link Providers.Family#LRML} option that turns available.
 */
final class CudaLrml {
    static final String PENDING = "arrives with the LRML CUDA kernels";

    private CudaLrml() {
    }

    static RankResult rank(RankSpec spec, CudaStorage scores) {
        throw new UnsupportedOperationException("CUDA rank (" + spec + ") " + PENDING
                + "; until then rank on the CPU backend (tensor.to(Backends.cpu()))");
    }

    static RankResult similarityRank(RankSpec spec, CudaStorage q, CudaStorage g, int d) {
        throw new UnsupportedOperationException("CUDA similarityRank (" + spec + ", d=" + d + ") " + PENDING
                + "; until then rank on the CPU backend (tensor.to(Backends.cpu()))");
    }

    static double tupleLoss(LossSpec spec, CudaStorage x, int n, int d, int[] tuples, int m, int k, CudaStorage dx) {
        throw new UnsupportedOperationException("CUDA tupleLoss (" + m + " tuples of 2+" + k + ", x " + n + " x " + d + ") "
                + PENDING + "; until then compute the loss on the CPU backend");
    }
}
