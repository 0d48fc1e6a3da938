// gemm.cu -- the built-in SGEMM: C_b = alpha op(A_b) op(B_b) + beta C_b for b < batch, row-major, with
// transposes, leading dimensions (row strides), per-operand offsets and batch strides (GemmSpec).
//
// Catalog (kernel, version, what it does; [default] marks the version the launcher uses):
//   sgemm_f32 v1           16x16 shared-memory tiles, one output per thread, scalar loads. Simple enough
//                          to check by eye; the reference the faster version is measured against.
//                          Block (16, 16, 1); grid (ceil(n/16), ceil(m/16), min(batch, 65535)).
//   sgemm_f32 v2 [default] 128x128 block tile, k-step 8, 256 threads each holding an 8x8 register tile
//                          (two 4-row by two 4-column groups, so shared-memory reads are conflict-free
//                          float4s), float4 global loads where the operand is 16-byte aligned with a
//                          leading dimension divisible by 4, the next k-tile prefetched into registers while
//                          the current one is multiplied (double-buffered shared memory, one barrier per
//                          k-step). Edges are zero-filled on load and masked on store.
//                          Block (256, 1, 1); grid (ceil(n/128), ceil(m/128), min(batch, 65535)).
//
// Both: beta == 0 overwrites C without reading it (NaNs in C are ignored, as GemmSpec says); batches beyond
// gridDim.z are walked by a grid-stride loop; all offsets are 64-bit.
#include "common.cuh"
#include <stdint.h>

extern "C" __global__ void __launch_bounds__(256)
sgemm_f32_v1(int transA, int transB, int m, int n, int k, float alpha,
             const float* __restrict__ A, long long aOffset, int lda, long long strideA,
             const float* __restrict__ B, long long bOffset, int ldb, long long strideB,
             float beta, float* __restrict__ C, long long cOffset, int ldc, long long strideC, int batch) {
    if (blockDim.x != 16 || blockDim.y != 16 || blockDim.z != 1) __trap();
    __shared__ float As[16][17];
    __shared__ float Bs[16][17];
    const int tx = threadIdx.x;
    const int ty = threadIdx.y;
    const int row = blockIdx.y * 16 + ty;
    const int col = blockIdx.x * 16 + tx;
    for (long long bt = blockIdx.z; bt < batch; bt += gridDim.z) {
        const float* a = A + aOffset + bt * strideA;
        const float* b = B + bOffset + bt * strideB;
        float* c = C + cOffset + bt * strideC;
        float acc = 0.0f;
        for (int k0 = 0; k0 < k; k0 += 16) {
            const int ak = k0 + tx;
            As[ty][tx] = (row < m && ak < k) ? (transA ? a[(long long)ak * lda + row] : a[(long long)row * lda + ak]) : 0.0f;
            const int bk = k0 + ty;
            Bs[ty][tx] = (bk < k && col < n) ? (transB ? b[(long long)col * ldb + bk] : b[(long long)bk * ldb + col]) : 0.0f;
            __syncthreads();
#pragma unroll
            for (int p = 0; p < 16; ++p) {
                acc = fmaf(As[ty][p], Bs[p][tx], acc);
            }
            __syncthreads();
        }
        if (row < m && col < n) {
            float* dst = c + (long long)row * ldc + col;
            const float scaled = __fmul_rn(alpha, acc);
            *dst = beta == 0.0f ? scaled : __fadd_rn(scaled, __fmul_rn(beta, *dst));
        }
    }
}

#define G2_BM 128
#define G2_BN 128
#define G2_BK 8

// Loads this thread's 4 elements of the next A tile (op(A) rows m0.., columns k0..) into registers.
template <bool TA>
__device__ __forceinline__ void g2_load_a(float (&r)[4], const float* __restrict__ a, int lda, bool vec, int m, int k,
                                          int m0, int k0, int tid) {
    if (!TA) {
        // A stored m x k: a thread reads 4 consecutive k of one row.
        const int row = m0 + (tid >> 1);
        const int col = k0 + ((tid & 1) << 2);
        const float* p = a + (long long)row * lda + col;
        if (vec && row < m && col + 3 < k) {
            const float4 v = *reinterpret_cast<const float4*>(p);
            r[0] = v.x; r[1] = v.y; r[2] = v.z; r[3] = v.w;
        } else {
#pragma unroll
            for (int q = 0; q < 4; ++q) r[q] = (row < m && col + q < k) ? p[q] : 0.0f;
        }
    } else {
        // A stored k x m: a thread reads 4 consecutive m of one k-row.
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

// Stores the registers of g2_load_a into As[kk][i] (k-major, so the multiply reads rows of m).
template <bool TA>
__device__ __forceinline__ void g2_store_a(float (*As)[G2_BM], const float (&r)[4], int tid) {
    if (!TA) {
        const int li = tid >> 1;
        const int lp = (tid & 1) << 2;
#pragma unroll
        for (int q = 0; q < 4; ++q) As[lp + q][li] = r[q];
    } else {
        const int lp = tid >> 5;
        const int li = (tid & 31) << 2;
        *reinterpret_cast<float4*>(&As[lp][li]) = make_float4(r[0], r[1], r[2], r[3]);
    }
}

template <bool TB>
__device__ __forceinline__ void g2_load_b(float (&r)[4], const float* __restrict__ b, int ldb, bool vec, int n, int k,
                                          int n0, int k0, int tid) {
    if (!TB) {
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
__device__ __forceinline__ void g2_store_b(float (*Bs)[G2_BN], const float (&r)[4], int tid) {
    if (!TB) {
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

__device__ __forceinline__ bool g2_aligned(const float* p, int ld) {
    return (ld & 3) == 0 && (reinterpret_cast<uintptr_t>(p) & 15) == 0;
}

template <bool TA, bool TB>
__device__ __forceinline__ void sgemm_v2_body(int m, int n, int k, float alpha,
                                              const float* __restrict__ A, long long aOffset, int lda, long long strideA,
                                              const float* __restrict__ B, long long bOffset, int ldb, long long strideB,
                                              float beta, float* __restrict__ C, long long cOffset, int ldc,
                                              long long strideC, int batch,
                                              float (*As)[G2_BK][G2_BM], float (*Bs)[G2_BK][G2_BN]) {
    const int tid = threadIdx.x;
    const int tx = tid & 15;
    const int ty = tid >> 4;
    const int m0 = blockIdx.y * G2_BM;
    const int n0 = blockIdx.x * G2_BN;
    const int tiles = (k + G2_BK - 1) / G2_BK;
    for (long long bt = blockIdx.z; bt < batch; bt += gridDim.z) {
        const float* a = A + aOffset + bt * strideA;
        const float* b = B + bOffset + bt * strideB;
        float* c = C + cOffset + bt * strideC;
        const bool vecA = g2_aligned(a, lda);
        const bool vecB = g2_aligned(b, ldb);
        float acc[8][8];
#pragma unroll
        for (int i = 0; i < 8; ++i) {
#pragma unroll
            for (int j = 0; j < 8; ++j) acc[i][j] = 0.0f;
        }
        float ra[4];
        float rb[4];
        g2_load_a<TA>(ra, a, lda, vecA, m, k, m0, 0, tid);
        g2_load_b<TB>(rb, b, ldb, vecB, n, k, n0, 0, tid);
        g2_store_a<TA>(As[0], ra, tid);
        g2_store_b<TB>(Bs[0], rb, tid);
        __syncthreads();
        for (int t = 0; t < tiles; ++t) {
            const int s = t & 1;
            const bool more = t + 1 < tiles;
            if (more) {
                g2_load_a<TA>(ra, a, lda, vecA, m, k, m0, (t + 1) * G2_BK, tid);
                g2_load_b<TB>(rb, b, ldb, vecB, n, k, n0, (t + 1) * G2_BK, tid);
            }
#pragma unroll
            for (int p = 0; p < G2_BK; ++p) {
                const float4 a0 = *reinterpret_cast<const float4*>(&As[s][p][ty * 4]);
                const float4 a1 = *reinterpret_cast<const float4*>(&As[s][p][64 + ty * 4]);
                const float4 b0 = *reinterpret_cast<const float4*>(&Bs[s][p][tx * 4]);
                const float4 b1 = *reinterpret_cast<const float4*>(&Bs[s][p][64 + tx * 4]);
                const float av[8] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
                const float bv[8] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
                for (int i = 0; i < 8; ++i) {
#pragma unroll
                    for (int j = 0; j < 8; ++j) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
                }
            }
            if (more) {
                // The other stage was last read before the previous barrier, so it is free to overwrite.
                g2_store_a<TA>(As[s ^ 1], ra, tid);
                g2_store_b<TB>(Bs[s ^ 1], rb, tid);
            }
            __syncthreads();
        }
        const bool vecC = g2_aligned(c, ldc);
#pragma unroll
        for (int i = 0; i < 8; ++i) {
            const int row = m0 + (i < 4 ? ty * 4 + i : 64 + ty * 4 + (i - 4));
            if (row >= m) continue;
            float* crow = c + (long long)row * ldc;
#pragma unroll
            for (int h = 0; h < 2; ++h) {
                const int col = n0 + h * 64 + tx * 4;
                float v[4];
#pragma unroll
                for (int q = 0; q < 4; ++q) v[q] = __fmul_rn(alpha, acc[i][h * 4 + q]);
                if (vecC && col + 3 < n) {
                    float4* dst = reinterpret_cast<float4*>(crow + col);
                    if (beta != 0.0f) {
                        const float4 old = *dst;
                        v[0] = __fadd_rn(v[0], __fmul_rn(beta, old.x));
                        v[1] = __fadd_rn(v[1], __fmul_rn(beta, old.y));
                        v[2] = __fadd_rn(v[2], __fmul_rn(beta, old.z));
                        v[3] = __fadd_rn(v[3], __fmul_rn(beta, old.w));
                    }
                    *dst = make_float4(v[0], v[1], v[2], v[3]);
                } else {
#pragma unroll
                    for (int q = 0; q < 4; ++q) {
                        if (col + q < n) {
                            float* dst = crow + col + q;
                            *dst = beta == 0.0f ? v[q] : __fadd_rn(v[q], __fmul_rn(beta, *dst));
                        }
                    }
                }
            }
        }
    }
}

extern "C" __global__ void __launch_bounds__(256)
sgemm_f32_v2(int transA, int transB, int m, int n, int k, float alpha,
             const float* __restrict__ A, long long aOffset, int lda, long long strideA,
             const float* __restrict__ B, long long bOffset, int ldb, long long strideB,
             float beta, float* __restrict__ C, long long cOffset, int ldc, long long strideC, int batch) {
    LRML_REQUIRE_BLOCK(256);
    __shared__ __align__(16) float As[2][G2_BK][G2_BM];
    __shared__ __align__(16) float Bs[2][G2_BK][G2_BN];
    if (!transA && !transB) {
        sgemm_v2_body<false, false>(m, n, k, alpha, A, aOffset, lda, strideA, B, bOffset, ldb, strideB, beta, C, cOffset,
                                    ldc, strideC, batch, As, Bs);
    } else if (!transA && transB) {
        sgemm_v2_body<false, true>(m, n, k, alpha, A, aOffset, lda, strideA, B, bOffset, ldb, strideB, beta, C, cOffset,
                                   ldc, strideC, batch, As, Bs);
    } else if (transA && !transB) {
        sgemm_v2_body<true, false>(m, n, k, alpha, A, aOffset, lda, strideA, B, bOffset, ldb, strideB, beta, C, cOffset,
                                   ldc, strideC, batch, As, Bs);
    } else {
        sgemm_v2_body<true, true>(m, n, k, alpha, A, aOffset, lda, strideA, B, bOffset, ldb, strideB, beta, C, cOffset,
                                  ldc, strideC, batch, As, Bs);
    }
}
