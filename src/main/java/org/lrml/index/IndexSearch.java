package org.lrml.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.RankResult;
import org.lrml.backend.RankSpec;
import org.lrml.backend.Storage;
import org.lrml.backend.cpu.CpuParallel;
import org.lrml.eval.DescriptorRows;
import org.lrml.tensor.MemoryScope;

/**
 * k nearest neighbours of many queries from a {@link VectorIndex}: HNSW search with a beam of ef candidates, then
 * either the first k as HNSW ordered them, or (rerank) the candidates re-scored by the engine's similarity +
 * top-k op ({@code backend.similarity().rank}) on their stored vectors: exactly the engine's exact search
 * restricted to the candidates (the same GEMM values, ties to the lower row, since the candidates are laid out in
 * row order). Queries run in parallel on the CPU backend's threads, one query per task.
 */
public final class IndexSearch {
    private IndexSearch() {
    }

    /** k results per query from ef HNSW candidates (ef at least k); rerank on the backend. */
    public record Options(int k, int ef, boolean rerank, Backend backend) {
        public Options {
            if (k < 1) {
                throw new IllegalArgumentException("k must be at least 1, got " + k);
            }
            if (ef < k) {
                throw new IllegalArgumentException("ef (candidates) must be at least k = " + k + ", got " + ef);
            }
        }

        public static Options of(int k, int ef, boolean rerank) {
            return new Options(k, ef, rerank, Backends.cpu());
        }
    }

    /**
     * n x k results, row-major: database rows (-1 in empty slots), dot products (NaN there), Lucene documents
     * (-1 there); the wall time of each query (search and re-ranking) and of the whole batch.
     */
    public record Result(int queries, int k, long[] rows, float[] values, int[] docs, long[] queryNanos,
                         double seconds) {
        /** Mean, median and 99th percentile query time in milliseconds. */
        public double[] latencyMs() {
            long[] s = queryNanos.clone();
            Arrays.sort(s);
            double mean = Arrays.stream(s).average().orElse(0) / 1e6;
            return new double[]{mean, s[s.length / 2] / 1e6, s[Math.min(s.length - 1, (int) (s.length * 0.99))] / 1e6};
        }
    }

    public static Result run(VectorIndex index, DescriptorRows queries, Options o) throws IOException {
        if (queries.dim() != index.dimension()) {
            throw new IllegalArgumentException(queries.describe() + " has dimension " + queries.dim() + " but the index "
                    + index.folder() + " holds " + index.dimension() + "-dimensional vectors");
        }
        int n = Math.toIntExact(queries.size());
        int d = index.dimension();
        int k = o.k();
        float[] q = new float[n * d];
        queries.read(0, n, q, 0);
        for (int i = 0; i < q.length; i++) {
            if (q[i] - q[i] != 0) {
                throw new IllegalArgumentException(queries.describe() + ": query " + i / d + " has " + q[i]
                        + " at dimension " + i % d + "; queries must be finite");
            }
        }
        long[] rows = new long[n * k];
        float[] values = new float[n * k];
        int[] docs = new int[n * k];
        Arrays.fill(rows, -1);
        Arrays.fill(values, Float.NaN);
        Arrays.fill(docs, -1);
        long[] nanos = new long[n];
        long start = System.nanoTime();
        try {
            CpuParallel.forChunks(n, i -> {
                long t0 = System.nanoTime();
                try {
                    float[] query = Arrays.copyOfRange(q, i * d, (i + 1) * d);
                    VectorIndex.Hits hits = index.search(query, o.ef());
                    if (o.rerank()) {
                        rerank(index, query, hits, k, o.backend(), rows, values, docs, i * k);
                    } else {
                        for (int s = 0; s < Math.min(k, hits.size()); s++) {
                            rows[i * k + s] = hits.rows()[s];
                            values[i * k + s] = hits.values()[s];
                            docs[i * k + s] = hits.docs()[s];
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                nanos[i] = System.nanoTime() - t0;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new Result(n, k, rows, values, docs, nanos, (System.nanoTime() - start) / 1e9);
    }

    /** The engine's exact top-k over the candidates, laid out in row order so that ties go to the lower row. */
    static void rerank(VectorIndex index, float[] query, VectorIndex.Hits hits, int k, Backend backend, long[] rows,
                       float[] values, int[] docs, int at) throws IOException {
        int c = hits.size();
        if (c == 0) {
            return;
        }
        Integer[] order = new Integer[c];
        for (int i = 0; i < c; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(hits.rows()[a], hits.rows()[b]));
        int[] candDocs = new int[c];
        int[] candRows = new int[c];
        for (int i = 0; i < c; i++) {
            candDocs[i] = hits.docs()[order[i]];
            candRows[i] = hits.rows()[order[i]];
        }
        float[] g = index.vectors(candDocs);
        RankResult r;
        try (MemoryScope.Untracked u = MemoryScope.untracked();
             Storage qs = backend.upload(query);
             Storage gs = backend.upload(g)) {
            r = backend.similarity().rank(RankSpec.of(1, c, k, true), qs, gs, query.length);
        }
        for (int s = 0; s < k; s++) {
            long j = r.index(0, s);
            if (j < 0) {
                break;
            }
            rows[at + s] = candRows[(int) j];
            values[at + s] = (float) r.value(0, s);
            docs[at + s] = candDocs[(int) j];
        }
    }
}
