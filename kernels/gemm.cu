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
//                          k-step). Edges are zero-filled on load and masked on store. The tile is
//                          gemm_tile.cuh, which similarity.cu includes too (bit-identical S by construction).
//                          Block (256, 1, 1); grid (ceil(n/128), ceil(m/128), min(batch, 65535)).
//
// Both: beta == 0 overwrites C without reading it (NaNs in C are ignored, as GemmSpec says); batches beyond
// gridDim.z are walked by a grid-stride loop; all offsets are 64-bit.
#include "common.cuh"
#include "gemm_tile.cuh"

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

// C = alpha op(A) op(B) + beta C for each batch, one 128 x 128 block tile of C per block (gemm_tile.cuh).
template <bool TA, bool TB>
__device__ __forceinline__ void sgemm_v2_body(int m, int n, int k, float alpha,
                                              const float* __restrict__ A, long long aOffset, int lda, long long strideA,
                                              const float* __restrict__ B, long long bOffset, int ldb, long long strideB,
                                              float beta, float* __restrict__ C, long long cOffset, int ldc,
                                              long long strideC, int batch,
                                              float (*As)[TILE_BK][128], float (*Bs)[TILE_BK][TILE_BN]) {
    const int tx = threadIdx.x & 15;
    const int ty = threadIdx.x >> 4;
    const int m0 = blockIdx.y * 128;
    const int n0 = blockIdx.x * TILE_BN;
    for (long long bt = blockIdx.z; bt < batch; bt += gridDim.z) {
        const float* a = A + aOffset + bt * strideA;
        const float* b = B + bOffset + bt * strideB;
        float* c = C + cOffset + bt * strideC;
        float acc[8][8];
        tile_product<128, TA, TB>(acc, a, lda, tile_aligned(a, lda), b, ldb, tile_aligned(b, ldb), m, n, k, m0, n0, As, Bs);
        const bool vecC = tile_aligned(c, ldc);
#pragma unroll
        for (int i = 0; i < 8; ++i) {
            const int row = m0 + tile_row<128>(i, ty);
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
    __shared__ __align__(16) float As[2][TILE_BK][128];
    __shared__ __align__(16) float Bs[2][TILE_BK][TILE_BN];
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
