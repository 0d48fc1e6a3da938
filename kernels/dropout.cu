// dropout.cu -- the dropout mask, bit for bit the CPU's: mask[i] = scale if u(seed, i) >= p else 0, where
// u = Rng.uniformAt(seed, i) of org.lrml.util.Rng (SplitMix64's finaliser applied twice, in 64-bit unsigned
// arithmetic, which is Java's wrapping long arithmetic with >>> as the unsigned shift) and
// scale = (float) (1 / (1 - p)), computed once on the host. No float arithmetic touches u: the top 53 bits
// of the hash times 2^-53 are exact in double, so the comparison with p decides identically on every backend.
//
// Catalog (kernel, version, what it does; [default] marks the version the launcher uses):
//   dropout_mask_f32 v1 [default] grid-stride; one hash per element.
#include "common.cuh"

#define LRML_GOLDEN 0x9E3779B97F4A7C15ULL

// Rng.mix: the SplitMix64 finaliser.
__device__ __forceinline__ unsigned long long lrml_mix64(unsigned long long z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

extern "C" __global__ void dropout_mask_f32_v1(unsigned long long seed, double p, float scale, float* __restrict__ mask,
                                               long long n) {
    const unsigned long long mixedSeed = lrml_mix64(seed);
    for (long long i = lrml_thread_index(); i < n; i += lrml_grid_stride()) {
        const unsigned long long h = lrml_mix64(mixedSeed + (unsigned long long)i * LRML_GOLDEN);
        const double u = (double)(h >> 11) * (1.0 / 9007199254740992.0);  // 2^-53, exact
        mask[i] = u >= p ? scale : 0.0f;
    }
}
