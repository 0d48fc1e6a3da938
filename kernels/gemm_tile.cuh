// gemm_tile.cuh -- the SGEMM block tile that gemm.cu (sgemm_f32_v2) and similarity.cu (similarity_f32,
// similarity_topk_f32) share (included by the .cu files, never compiled alone).
//
// One definition, so that every S element the similarity kernels compute is bit for bit the built-in SGEMM's
// C = Q G^T by construction: each output is the chain acc = fmaf(opA[i][p], opB[p][j], acc) over p = 0, 1, ...
// from acc = 0, padded with zero products to a multiple of TILE_BK. Loads zero-fill the edges; nothing else
// touches the accumulators.
//
// Geometry: a block of TILE_THREADS threads computes a BM x TILE_BN tile (BM = 128 for the GEMM and the similarity
// product, 32 for the fused similarity + top-k), k-step TILE_BK; thread (tx, ty) = (tid % 16, tid / 16) holds a
// (BM/16) x 8 register tile whose rows are tile_row<BM>(i, ty) and columns tile_col(c, tx): two groups of
// BM/32 rows and two groups of 4 columns, so shared-memory reads are conflict-free (float4 where BM = 128). The
// next k-step is prefetched into registers while the current one is multiplied (double-buffered shared memory,
// one barrier per k-step). Operands load as float4 where 16-byte aligned with a leading dimension divisible by 4.
#pragma once

#include <stdint.h>

#define TILE_BN 128
#define TILE_BK 8
#define TILE_THREADS 256

// Local row of register-tile row i and local column of register-tile column c.
template <int BM>
__device__ __forceinline__ int tile_row(int i, int ty) {
    constexpr int HALF = BM / 32;
    return i < HALF ? ty * HALF + i : BM / 2 + ty * HALF + (i - HALF);
}

__device__ __forceinline__ int tile_col(int c, int tx) {
    return c < 4 ? tx * 4 + c : 64 + tx * 4 + (c - 4);
}

__device__ __forceinline__ bool tile_aligned(const float* p, int ld) {
    return (ld & 3) == 0 && (reinterpret_cast<uintptr_t>(p) & 15) == 0;
}

// This thread's share of the next A tile (op(A) rows m0.., columns k0..): BM/32 elements in registers.
template <int BM, bool TA>
__device__ __forceinline__ void tile_load_a(float (&r)[BM / 32], const float* __restrict__ a, int lda, bool vec, int m,
                                            int k, int m0, int k0, int tid) {
    constexpr int LA = BM / 32;
    static_assert(BM == 128 || BM == 32, "block tiles of 128 or 32 rows");
    if constexpr (!TA) {
        // A stored m x k: a thread reads LA consecutive k of one row.
        constexpr int SHIFT = LA == 4 ? 1 : 3;  // log2 of the threads per row, TILE_BK / LA
        const int row = m0 + (tid >> SHIFT);
        const int col = k0 + ((tid & ((1 << SHIFT) - 1)) * LA);
        const float* p = a + (long long)row * lda + col;
        if constexpr (LA == 4) {
            if (vec && row < m && col + 3 < k) {
                const float4 v = *reinterpret_cast<const float4*>(p);
                r[0] = v.x; r[1] = v.y; r[2] = v.z; r[3] = v.w;
                return;
            }
        }
#pragma unroll
        for (int q = 0; q < LA; ++q) r[q] = (row < m && col + q < k) ? p[q] : 0.0f;
    } else {
        // A stored k x m: a thread reads 4 consecutive m of one k-row (the GEMM's tile only).
        static_assert(BM == 128, "transposed A is loaded for 128-row tiles only");
        const int kr = k0 + (tid >> 5);
        const int i = m0 + ((tid & 31) << 2);
        const float* p = a + (long long)kr * lda + i;
        if (vec && kr < k && i + 3 < m) {
            const float4 v = *reinterpret_cast<const float4*>(p);
            r[0] = v.x; r[1] = v.y; r[2] = v.z; r[3] = v.w;
        } else {
#pragma unroll
            for (int q = 0; q < 4; ++q) r[q] = (kr < k && i + q < m) ? p[q] : 0.0f;
        }
    }
}

// Stores the registers of tile_load_a into As[p][i] (k-major, so the multiply reads rows of m).
template <int BM, bool TA>
__device__ __forceinline__ void tile_store_a(float (*As)[BM], const float (&r)[BM / 32], int tid) {
    constexpr int LA = BM / 32;
    if constexpr (!TA) {
        constexpr int SHIFT = LA == 4 ? 1 : 3;
        const int li = tid >> SHIFT;
        const int lp = (tid & ((1 << SHIFT) - 1)) * LA;
#pragma unroll
        for (int q = 0; q < LA; ++q) As[lp + q][li] = r[q];
    } else {
        const int lp = tid >> 5;
        const int li = (tid & 31) << 2;
        *reinterpret_cast<float4*>(&As[lp][li]) = make_float4(r[0], r[1], r[2], r[3]);
    }
}

// This thread's share of the next B tile (op(B) rows k0.., columns n0..): 4 elements in registers.
template <bool TB>
__device__ __forceinline__ void tile_load_b(float (&r)[4], const float* __restrict__ b, int ldb, bool vec, int n, int k,
                                            int n0, int k0, int tid) {
    if constexpr (!TB) {
        // B stored k x n: a thread reads 4 consecutive n of one k-row.
        const int kr = k0 + (tid >> 5);
        const int j = n0 + ((tid & 31) << 2);
        const float* p = b + (long long)kr * ldb + j;
        if (vec && kr < k && j + 3 < n) {
            const float4 v = *reinterpret_cast<const float4*>(p);
            r[0] = v.x; r[1] = v.y; r[2] = v.z; r[3] = v.w;
        } else {
#pragma unroll
            for (int q = 0; q < 4; ++q) r[q] = (kr < k && j + q < n) ? p[q] : 0.0f;
        }
    } else {
        // B stored n x k: a thread reads 4 consecutive k of one n-row.
        const int j = n0 + (tid >> 1);
        const int kc = k0 + ((tid & 1) << 2);
        const float* p = b + (long long)j * ldb + kc;
        if (vec && j < n && kc + 3 < k) {
            const float4 v = *reinterpret_cast<const float4*>(p);
            r[0] = v.x; r[1] = v.y; r[2] = v.z; r[3] = v.w;
        } else {
#pragma unroll
            for (int q = 0; q < 4; ++q) r[q] = (j < n && kc + q < k) ? p[q] : 0.0f;
        }
    }
}

template <bool TB>
__device__ __forceinline__ void tile_store_b(float (*Bs)[TILE_BN], const float (&r)[4], int tid) {
    if constexpr (!TB) {
        const int lp = tid >> 5;
        const int lj = (tid & 31) << 2;
        *reinterpret_cast<float4*>(&Bs[lp][lj]) = make_float4(r[0], r[1], r[2], r[3]);
    } else {
        const int lj = tid >> 1;
        const int lp = (tid & 1) << 2;
#pragma unroll
        for (int q = 0; q < 4; ++q) Bs[lp + q][lj] = r[q];
    }
}

// acc[i][c] = sum_p opA[m0 + tile_row(i)][p] opB[p][n0 + tile_col(c)] for the block's tile, by the fma chain above.
// Every thread of the block calls it; it ends with a barrier, after which As and Bs are free.
template <int BM, bool TA, bool TB>
__device__ __forceinline__ void tile_product(float (&acc)[BM / 16][8], const float* __restrict__ a, int lda, bool vecA,
                                             const float* __restrict__ b, int ldb, bool vecB, int m, int n, int k,
                                             int m0, int n0, float (*As)[TILE_BK][BM], float (*Bs)[TILE_BK][TILE_BN]) {
    constexpr int RM = BM / 16;
    const int tid = threadIdx.x;
    const int tx = tid & 15;
    const int ty = tid >> 4;
#pragma unroll
    for (int i = 0; i < RM; ++i) {
#pragma unroll
        for (int c = 0; c < 8; ++c) acc[i][c] = 0.0f;
    }
    const int tiles = (k + TILE_BK - 1) / TILE_BK;
    float ra[BM / 32];
    float rb[4];
    tile_load_a<BM, TA>(ra, a, lda, vecA, m, k, m0, 0, tid);
    tile_load_b<TB>(rb, b, ldb, vecB, n, k, n0, 0, tid);
    tile_store_a<BM, TA>(As[0], ra, tid);
    tile_store_b<TB>(Bs[0], rb, tid);
    __syncthreads();
    for (int t = 0; t < tiles; ++t) {
        const int s = t & 1;
        const bool more = t + 1 < tiles;
        if (more) {
            tile_load_a<BM, TA>(ra, a, lda, vecA, m, k, m0, (t + 1) * TILE_BK, tid);
            tile_load_b<TB>(rb, b, ldb, vecB, n, k, n0, (t + 1) * TILE_BK, tid);
        }
#pragma unroll
        for (int p = 0; p < TILE_BK; ++p) {
            float av[RM];
            if constexpr (BM == 128) {
                const float4 a0 = *reinterpret_cast<const float4*>(&As[s][p][ty * 4]);
                const float4 a1 = *reinterpret_cast<const float4*>(&As[s][p][64 + ty * 4]);
                av[0] = a0.x; av[1] = a0.y; av[2] = a0.z; av[3] = a0.w;
                av[4] = a1.x; av[5] = a1.y; av[6] = a1.z; av[7] = a1.w;
            } else {
#pragma unroll
                for (int i = 0; i < RM; ++i) av[i] = As[s][p][tile_row<BM>(i, ty)];
            }
            const float4 b0 = *reinterpret_cast<const float4*>(&Bs[s][p][tx * 4]);
            const float4 b1 = *reinterpret_cast<const float4*>(&Bs[s][p][64 + tx * 4]);
            const float bv[8] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
            for (int i = 0; i < RM; ++i) {
#pragma unroll
                for (int c = 0; c < 8; ++c) acc[i][c] = fmaf(av[i], bv[c], acc[i][c]);
            }
        }
        if (more) {
            // The other stage was last read before the previous barrier, so it is free to overwrite.
            tile_store_a<BM, TA>(As[s ^ 1], ra, tid);
            tile_store_b<TB>(Bs[s ^ 1], rb, tid);
        }
        __syncthreads();
    }
}
