// similarity.cu -- S = Q G^T for Q (rows x d) and G (cols x d), both row-major (the pairwise-similarity op of
// mining and evaluation), and the fused similarity + top-k that never writes S.
//
// Catalog (kernel, version, what it does; [default] marks the version the launcher uses):
//   similarity_f32      v1 [default] 128x128 block tile, k-step 8, 256 threads each holding an 8x8 register tile,
//                                    float4 loads where rows are 16-byte aligned with d divisible by 4, the next
//                                    k-step prefetched into registers while the current one is multiplied
//                                    (double-buffered shared memory, one barrier per k-step). Writes S with
//                                    leading dimension ldS. Block (256, 1, 1); grid (ceil(cols/128), ceil(rows/128)).
//   similarity_topk_f32 v1 [default] fused similarity + per-row top-kc (kc <= 32) for mining: a block computes
//                                    32-row x 128-column tiles of S (the same tile code with a 2x8 register tile)
//                                    across one chunk of column tiles; each tile's scores become ranking keys
//                                    (common.cuh; NaN and masked columns dropped) and only keys that beat the
//                                    row's current kc-th best are staged (shared integer atomics, order-free),
//                                    then merged into the row's sorted list by rank counting (a key's new place =
//                                    how many keys of both lists beat it; keys are unique, so the places are
//                                    too). Writes each (row, chunk)'s kc best keys, sorted, key 0 where there are
//                                    fewer; topk_merge_f32 (topk.cu) then reduces the chunks of each row to the
//                                    final top-k. Block (256, 1, 1); 1-D grid-stride over (row tile, chunk).
//
// Every S element, in both kernels, comes from the block tile of gemm_tile.cuh, the one sgemm_f32_v2 (gemm.cu)
// uses: the chain acc = fmaf(Q[i][p], G[j][p], acc) over p = 0, 1, ... from acc = 0, padded with zero products to
// a multiple of 8 -- by construction the built-in SGEMM's arithmetic for C = Q G^T with alpha 1 and beta 0. So the fused ranking equals ranking the built-in SGEMM's product bit for bit
// (values and indices). It does not equal the CPU's product bit for bit (another summation order): against the
// CPU, values agree within the tolerance rule, and indices wherever the CPU's values are not within tolerance of
// a tie.
#include "common.cuh"
#include "gemm_tile.cuh"

typedef unsigned long long u64;

#define SIM_BN TILE_BN
#define SIM_BK TILE_BK
#define SIM_THREADS TILE_THREADS

// acc[i][c] = S[m0 + tile_row(i)][n0 + tile_col(c)]: Q is op(A) = A (rows x d), G^T is op(B) with B = G stored
// cols x d, i.e. sgemm_f32_v2's tile for transA = 0, transB = 1 (gemm_tile.cuh).
template <int BM>
__device__ __forceinline__ void sim_tile(float (&acc)[BM / 16][8], const float* __restrict__ q, const float* __restrict__ g,
                                         int rows, int cols, int d, int m0, int n0, bool vecQ, bool vecG,
                                         float (*As)[SIM_BK][BM], float (*Bs)[SIM_BK][SIM_BN]) {
    tile_product<BM, false, true>(acc, q, d, vecQ, g, d, vecG, rows, cols, d, m0, n0, As, Bs);
}

// S[i * ldS + j] = sum_p Q[i * d + p] G[j * d + p], i < rows, j < cols. The launcher offsets Q and S to a block
// of rows.
extern "C" __global__ void __launch_bounds__(SIM_THREADS)
similarity_f32_v1(const float* __restrict__ q, const float* __restrict__ g, int rows, int cols, int d,
                  float* __restrict__ s, long long ldS) {
    LRML_REQUIRE_BLOCK(SIM_THREADS);
    __shared__ __align__(16) float As[2][SIM_BK][128];
    __shared__ __align__(16) float Bs[2][SIM_BK][SIM_BN];
    const int m0 = blockIdx.y * 128;
    const int n0 = blockIdx.x * SIM_BN;
    const int tx = threadIdx.x & 15;
    const int ty = threadIdx.x >> 4;
    float acc[8][8];
    sim_tile<128>(acc, q, g, rows, cols, d, m0, n0, tile_aligned(q, d), tile_aligned(g, d), As, Bs);
    const bool vecS = (ldS & 3) == 0 && (reinterpret_cast<uintptr_t>(s) & 15) == 0;
#pragma unroll
    for (int i = 0; i < 8; ++i) {
        const int row = m0 + tile_row<128>(i, ty);
        if (row >= rows) continue;
        float* srow = s + (long long)row * ldS;
#pragma unroll
        for (int h = 0; h < 2; ++h) {
            const int col = n0 + h * 64 + tx * 4;
            if (vecS && col + 3 < cols) {
                *reinterpret_cast<float4*>(srow + col) =
                    make_float4(acc[i][h * 4], acc[i][h * 4 + 1], acc[i][h * 4 + 2], acc[i][h * 4 + 3]);
            } else {
#pragma unroll
                for (int c = 0; c < 4; ++c) {
                    if (col + c < cols) srow[col + c] = acc[i][h * 4 + c];
                }
            }
        }
    }
}

#define SIMK_BM 32
#define SIMK_MAX_KC 32
// Columns of one staging round (half a tile: a thread's four adjacent columns in each half).
#define SIMK_HALF 64
// Threads that share one row's merge.
#define SIMK_LANES (SIM_THREADS / SIMK_BM)

// Row i (block-local) of the fused kernel: merges its staged keys into its kept list (rank counting). The
// SIMK_LANES threads of the row split the entries; each entry's new place is the number of entries of both lists
// that beat it, and entries placed below kc are written to the row's other kept buffer.
__device__ __forceinline__ void simk_merge_row(const u64* kept, int keptCount, const u64* staged, int staged_n, int kc,
                                               u64* next, int lane) {
    for (int e = lane; e < keptCount + staged_n; e += SIMK_LANES) {
        const bool fromKept = e < keptCount;
        const u64 x = fromKept ? kept[e] : staged[e - keptCount];
        int place = 0;
        if (fromKept) {
            place = e;
        } else {
            for (int i = 0; i < keptCount; ++i) place += kept[i] > x;
        }
        for (int i = 0; i < staged_n; ++i) place += staged[i] > x;
        if (place < kc) next[place] = x;
    }
}

// For every row tile of SIMK_BM rows and every chunk of tilesPerChunk column tiles (items, grid-stride):
// cand[(r * chunks + chunk) * kc + slot] = the row's kc best keys over the chunk's columns, sorted, key 0 where
// there are fewer. Masks as topk_select_f32_v1 (rowLabels[r], colLabels[j], j == r + selfShift for excludeSelf).
extern "C" __global__ void __launch_bounds__(SIM_THREADS)
similarity_topk_f32_v1(const float* __restrict__ q, const float* __restrict__ g, int rows, int cols, int d,
                       int tilesPerChunk, int chunks, int largest, int kc, const int* __restrict__ rowLabels,
                       const int* __restrict__ colLabels, int rule, int excludeSelf, long long selfShift,
                       u64* __restrict__ cand) {
    LRML_REQUIRE_BLOCK(SIM_THREADS);
    if (kc < 1 || kc > SIMK_MAX_KC) __trap();
    __shared__ __align__(16) float As[2][SIM_BK][SIMK_BM];
    __shared__ __align__(16) float Bs[2][SIM_BK][SIM_BN];
    __shared__ u64 kept[2][SIMK_BM][SIMK_MAX_KC];
    __shared__ u64 staged[SIMK_BM][SIMK_HALF];
    __shared__ u64 threshold[SIMK_BM];
    __shared__ int keptCount[SIMK_BM];
    __shared__ int stagedCount[SIMK_BM];
    __shared__ int keptSel[SIMK_BM];
    const int tid = threadIdx.x;
    const int tx = tid & 15;
    const int ty = tid >> 4;
    const int mergeRow = tid / SIMK_LANES;
    const int lane = tid % SIMK_LANES;
    const int colTiles = (cols + SIM_BN - 1) / SIM_BN;
    const int rowTiles = (rows + SIMK_BM - 1) / SIMK_BM;
    const long long items = (long long)rowTiles * chunks;
    const bool vecQ = tile_aligned(q, d);
    const bool vecG = tile_aligned(g, d);
    for (long long item = blockIdx.x; item < items; item += gridDim.x) {
        const int rt = (int)(item / chunks);
        const int chunk = (int)(item - (long long)rt * chunks);
        const int m0 = rt * SIMK_BM;
        const int t0 = chunk * tilesPerChunk;
        const int t1 = min(colTiles, t0 + tilesPerChunk);
        if (tid < SIMK_BM) {
            threshold[tid] = LRML_KEY_NONE;
            keptCount[tid] = 0;
            stagedCount[tid] = 0;
            keptSel[tid] = 0;
        }
        // Each thread's two rows (register-tile rows 0 and 1) and their labels.
        long long rowOf[2];
        int labelOf[2];
#pragma unroll
        for (int i = 0; i < 2; ++i) {
            rowOf[i] = m0 + tile_row<SIMK_BM>(i, ty);
            labelOf[i] = (rule != 0 && rowOf[i] < rows) ? rowLabels[rowOf[i]] : 0;
        }
        __syncthreads();
        for (int t = t0; t < t1; ++t) {
            const int n0 = t * SIM_BN;
            float acc[2][8];
            sim_tile<SIMK_BM>(acc, q, g, rows, cols, d, m0, n0, vecQ, vecG, As, Bs);
#pragma unroll
            for (int h = 0; h < 2; ++h) {
#pragma unroll
                for (int i = 0; i < 2; ++i) {
                    const int li = tile_row<SIMK_BM>(i, ty);
                    const u64 beat = threshold[li];
#pragma unroll
                    for (int c = 0; c < 4; ++c) {
                        const long long j = n0 + h * 64 + tx * 4 + c;
                        const float v = acc[i][h * 4 + c];
                        if (rowOf[i] >= rows || j >= cols || v != v) continue;
                        if (excludeSelf && j == rowOf[i] + selfShift) continue;
                        if (rule == 1 && colLabels[j] != labelOf[i]) continue;
                        if (rule == 2 && colLabels[j] == labelOf[i]) continue;
                        const u64 key = lrml_rank_key(v, j, largest);
                        if (key > beat) staged[li][atomicAdd(&stagedCount[li], 1)] = key;
                    }
                }
                __syncthreads();
                {
                    const int n = stagedCount[mergeRow];
                    if (n > 0) {
                        const int sel = keptSel[mergeRow];
                        simk_merge_row(kept[sel][mergeRow], keptCount[mergeRow], staged[mergeRow], n, kc,
                                       kept[sel ^ 1][mergeRow], lane);
                    }
                }
                __syncthreads();
                if (lane == 0) {
                    const int n = stagedCount[mergeRow];
                    if (n > 0) {
                        const int count = min(kc, keptCount[mergeRow] + n);
                        const int sel = keptSel[mergeRow] ^ 1;
                        keptSel[mergeRow] = sel;
                        keptCount[mergeRow] = count;
                        stagedCount[mergeRow] = 0;
                        threshold[mergeRow] = count == kc ? kept[sel][mergeRow][kc - 1] : LRML_KEY_NONE;
                    }
                }
                __syncthreads();
            }
        }
        // The chunk's lists, padded with key 0.
        for (int e = tid; e < SIMK_BM * kc; e += SIM_THREADS) {
            const int li = e / kc;
            const int slot = e - li * kc;
            const long long r = m0 + li;
            if (r < rows) {
                cand[(r * chunks + chunk) * kc + slot] = slot < keptCount[li] ? kept[keptSel[li]][li][slot] : LRML_KEY_NONE;
            }
        }
        __syncthreads();  // the lists are reset by the next item
    }
}
