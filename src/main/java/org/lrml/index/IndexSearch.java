package org.lrml.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.backend.RankResult;
import org.lrml.backend.RankSpec;
import org.lrml.backend.Storage;
import org.lrml.backend.cpu.CpuParallel;
import org.lrml.eval.DescriptorRows;
import org.lrml.tensor.MemoryScope;

/**
 * k nearest neighbours of many queries from one {@link VectorIndex} or the shards of one database (each built with
 * its row offset): HNSW search with a beam of ef candidates per shard, then either the first k as HNSW ordered them,
 * or (rerank) the candidates re-scored by the engine's similarity + top-k op ({@code backend.similarity().rank})
 * on their stored vectors: exactly the engine's exact search restricted to the candidates (the same GEMM values,
 * ties to the lower row, since the candidates are laid out in row order). Shards are merged as a cluster's front
 * end would: every shard's best k, then the best k of those by (dot product descending, row ascending); with
 * rerank the merged list is the exact top-k over the union of all shards' candidates, because an exact value does
 * not depend on which shard computed it. Queries run in parallel on the CPU backend's threads, one per task.
 */
public final class IndexSearch {
    private IndexSearch() {
    }

    /** k results per query from ef HNSW candidates per shard (ef at least k); rerank on the backend. */
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
     * n x k results, row-major: database rows (-1 in empty slots), dot products (NaN there), the shard (index into
     * the list searched) and its Lucene document (-1 there); the wall time of each query and of the whole batch.
     */
    public record Result(int queries, int k, long[] rows, float[] values, int[] shards, int[] docs, long[] queryNanos,
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
        return run(List.of(index), queries, o);
    }

    public static Result run(List<VectorIndex> shards, DescriptorRows queries, Options o) throws IOException {
        int d = shards.get(0).dimension();
        for (VectorIndex s : shards) {
            if (s.dimension() != queries.dim()) {
                throw new IllegalArgumentException(queries.describe() + " has dimension " + queries.dim()
                        + " but the index " + s.folder() + " holds " + s.dimension() + "-dimensional vectors");
            }
        }
        int n = Math.toIntExact(queries.size());
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
        int[] shardOf = new int[n * k];
        int[] docs = new int[n * k];
        Arrays.fill(rows, -1);
        Arrays.fill(values, Float.NaN);
        Arrays.fill(shardOf, -1);
        Arrays.fill(docs, -1);
        long[] nanos = new long[n];
        long start = System.nanoTime();
        try {
            CpuParallel.forChunks(n, i -> {
                long t0 = System.nanoTime();
                try {
                    float[] query = Arrays.copyOfRange(q, i * d, (i + 1) * d);
                    List<Found> found = new ArrayList<>();
                    for (int s = 0; s < shards.size(); s++) {
                        VectorIndex.Hits hits = shards.get(s).search(query, o.ef());
                        found.addAll(o.rerank() ? rerank(shards.get(s), s, query, hits, k, o.backend())
                                : firstK(s, hits, k));
                    }
                    if (shards.size() > 1) {
                        found.sort((a, b) -> a.value != b.value ? Float.compare(b.value, a.value)
                                : Integer.compare(a.row, b.row));
                    }
                    for (int slot = 0; slot < Math.min(k, found.size()); slot++) {
                        Found f = found.get(slot);
                        rows[i * k + slot] = f.row;
                        values[i * k + slot] = f.value;
                        shardOf[i * k + slot] = f.shard;
                        docs[i * k + slot] = f.doc;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                nanos[i] = System.nanoTime() - t0;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new Result(n, k, rows, values, shardOf, docs, nanos, (System.nanoTime() - start) / 1e9);
    }

    /** One result of one shard. */
    private record Found(int shard, int row, int doc, float value) {
    }

    private static List<Found> firstK(int shard, VectorIndex.Hits hits, int k) {
        List<Found> out = new ArrayList<>();
        for (int s = 0; s < Math.min(k, hits.size()); s++) {
            out.add(new Found(shard, hits.rows()[s], hits.docs()[s], hits.values()[s]));
        }
        return out;
    }

    /** The engine's exact top-k over the candidates, laid out in row order so that ties go to the lower row. */
    private static List<Found> rerank(VectorIndex index, int shard, float[] query, VectorIndex.Hits hits, int k,
                                      Backend backend) throws IOException {
        int c = hits.size();
        List<Found> out = new ArrayList<>();
        if (c == 0) {
            return out;
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
            out.add(new Found(shard, candRows[(int) j], candDocs[(int) j], (float) r.value(0, s)));
        }
        return out;
    }
}
