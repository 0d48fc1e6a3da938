package org.lrml.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;

/**
 * Evaluation against a database larger than memory (a million distractors): the database is read a block of rows
 * at a time ({@link DescriptorRows}, e.g. a memory-mapped .npy), each block is ranked for all queries by the
 * backend's similarity and top-k ops ({@code similarity().product}, {@code ranking().rank}; CPU or CUDA; see
 * {@link BlockRanker}), and only each query's best {@code keep} items survive ({@link KeptLists}). AP, Recall@K and mAP@R are then computed from the kept
 * prefix with the usual junk handling ({@link ItemRelevance}): positives ranked below the prefix count as not
 * retrieved, so with keep at least the database size the numbers are exactly those of {@link DescriptorEval}
 * (on the CPU backend: the same GEMM values, the same order, the same metric code), and with a smaller keep they
 * are those of a ranking cut after keep items.
 *
 * <p>Memory does not grow with the database: two blocks of descriptors on the host (one read ahead by a thread
 * while the other is ranked) and one on the backend, a block of similarities (host and backend), the group's
 * queries, and queries x keep kept entries; queries are taken in groups of at most {@link #STATE_BYTES} of kept
 * state, each group scanning the database once.
 */
public final class BlockedEvaluation {
    /** Items kept per query by default (revisitop-style evaluations look at the top 1000 at most). */
    public static final int DEFAULT_KEEP = 1000;
    /** Descriptor bytes per block by default: 16 MiB (2048 rows of 2048 floats). */
    public static final long DEFAULT_BLOCK_BYTES = 16L << 20;
    /** Budget for the kept lists and one block's ranking of a query group (about 40 bytes per kept entry). */
    static final long STATE_BYTES = 64L << 20;
    /** Similarities of one block (queries x block rows) by default at most: 4M floats, 16 MiB. */
    static final long SCORE_ELEMENTS = 1L << 22;

    private BlockedEvaluation() {
    }

    /** One ground truth to score, with the names that label its result. */
    public record Setup(String protocol, String name, ApForm apForm, ItemRelevance relevance) {
    }

    /**
     * How to scan. keep: items kept per query (clamped to the database size); blockRows: database rows per block
     * (0: {@link #DEFAULT_BLOCK_BYTES} of float32); backend: whose similarity + top-k op ranks the blocks.
     */
    public record Options(int keep, int blockRows, Backend backend) {
        public Options {
            if (keep < 1) {
                throw new IllegalArgumentException("keep must be at least 1, got " + keep);
            }
            if (blockRows < 0) {
                throw new IllegalArgumentException("block rows must be positive (or 0 for the default), got " + blockRows);
            }
        }

        /** keep 1000, default blocks, the CPU backend. */
        public static Options defaults() {
            return new Options(DEFAULT_KEEP, 0, Backends.cpu());
        }

        public Options withKeep(int k) {
            return new Options(k, blockRows, backend);
        }

        public Options withBlockRows(int rows) {
            return new Options(keep, rows, backend);
        }

        /** The block size: as asked, else DEFAULT_BLOCK_BYTES of descriptors and SCORE_ELEMENTS of similarities. */
        int rowsPerBlock(int d, long databaseSize, int queries) {
            long rows = blockRows > 0 ? blockRows
                    : Math.max(1, Math.min(DEFAULT_BLOCK_BYTES / (4L * d), SCORE_ELEMENTS / queries));
            return (int) Math.max(1, Math.min(rows, databaseSize));
        }
    }

    /** Told after each block: database rows scanned so far (over all query groups) of the total to scan. */
    @FunctionalInterface
    public interface Progress {
        void scanned(long rows, long total);
    }

    /**
     * Ranks the database for every query and scores each setup. Every setup must cover all queries and the whole
     * database. Queries are read a group at a time too (leave-one-out over a million items has a million queries).
     */
    public static List<EvalResult> evaluate(DescriptorRows queries, DescriptorRows db, List<Setup> setups, Options o,
                                            Progress progress) throws IOException {
        int d = db.dim();
        long m = db.size();
        check(queries, db, setups);
        int n = (int) queries.size();
        long start = System.nanoTime();
        int keep = (int) Math.min(o.keep(), m);
        int group = (int) Math.max(1, Math.min(n, STATE_BYTES / (40L * keep)));
        int rowsPerBlock = o.rowsPerBlock(d, m, group);
        List<QueryScores> scores = new ArrayList<>();
        for (Setup s : setups) {
            scores.add(new QueryScores(s.protocol(), s.name(), s.apForm(), n));
        }
        long groups = (n + group - 1) / group;
        long[] scanned = {0};
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lrml-block-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int q0 = 0; q0 < n; q0 += group) {
                int rows = Math.min(group, n - q0);
                float[] groupQueries = new float[rows * d];
                queries.read(q0, rows, groupQueries, 0);
                Ranker.checkMatrix("query", groupQueries, rows, d);
                KeptLists kept = scan(groupQueries, rows, db, keep, rowsPerBlock, o.backend(), reader, done -> {
                    scanned[0] += done;
                    progress.scanned(scanned[0], groups * m);
                });
                score(kept, q0, rows, setups, scores);
            }
        } finally {
            reader.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<EvalResult> out = new ArrayList<>();
        for (QueryScores s : scores) {
            out.add(s.result((int) Math.min(m, Integer.MAX_VALUE), d, seconds));
        }
        return out;
    }

    /** The queries of an n x d row-major array (in memory; not copied). */
    public static List<EvalResult> evaluate(float[] queries, int n, DescriptorRows db, List<Setup> setups, Options o,
                                            Progress progress) throws IOException {
        if (queries.length != (long) n * db.dim()) {
            throw new IllegalArgumentException("query descriptors: " + queries.length + " values for " + n + " x "
                    + db.dim() + " (queries x the database's dimension)");
        }
        return evaluate(DescriptorRows.of(queries, n, db.dim()), db, setups, o, progress);
    }

    private static void check(DescriptorRows queries, DescriptorRows db, List<Setup> setups) {
        if (setups.isEmpty()) {
            throw new IllegalArgumentException("evaluate: no setup to score");
        }
        if (queries.dim() != db.dim()) {
            throw new IllegalArgumentException("the queries " + queries.describe() + " have dimension " + queries.dim()
                    + " but the database " + db.describe() + " has " + db.dim());
        }
        if (queries.size() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(queries.describe() + ": too many queries (" + queries.size() + ")");
        }
        int n = (int) queries.size();
        if (n < 1) {
            throw new IllegalArgumentException(setups.get(0).protocol() + ": no queries to evaluate");
        }
        if (db.size() < 1) {
            throw new IllegalArgumentException(setups.get(0).protocol() + ": the database " + db.describe() + " is empty");
        }
        if (db.size() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(db.describe() + ": " + db.size() + " database items; at most "
                    + (Integer.MAX_VALUE - 16) + " are ranked");
        }
        for (Setup s : setups) {
            if (s.relevance().queries() != n || s.relevance().database() != db.size()) {
                throw new IllegalArgumentException(s.protocol() + " " + s.name() + ": the ground truth covers "
                        + s.relevance().queries() + " queries x " + s.relevance().database()
                        + " database items, the descriptors " + n + " x " + db.size());
            }
        }
    }

    /** Hands the number of rows of each finished block. */
    private interface BlockDone {
        void rows(long rows);
    }

    /** One scan of the database for a group of queries. */
    private static KeptLists scan(float[] queries, int rows, DescriptorRows db, int keep, int rowsPerBlock,
                                  Backend backend, ExecutorService reader, BlockDone done) throws IOException {
        int d = db.dim();
        long m = db.size();
        KeptLists kept = new KeptLists(rows, keep);
        // Two host buffers: the reader fills one while the other is ranked.
        float[][] host = {new float[rowsPerBlock * d], new float[rowsPerBlock * d]};
        try (BlockRanker ranker = new BlockRanker(backend, queries, rows, d)) {
            CompletableFuture<Integer> next = readAhead(db, 0, rowsPerBlock, host[0], reader);
            int b = 0;
            for (long c0 = 0; c0 < m; c0 += rowsPerBlock, b++) {
                int nb = await(next);
                next = readAhead(db, c0 + nb, rowsPerBlock, host[(b + 1) % 2], reader);
                ranker.rankInto(host[b % 2], nb, c0, kept);
                done.rows(nb);
            }
            await(next);
        }
        return kept;
    }

    /** Reads the block at row first (if any) into host on the reader thread; yields its row count. */
    private static CompletableFuture<Integer> readAhead(DescriptorRows db, long first, int rowsPerBlock, float[] host,
                                                       ExecutorService reader) {
        if (first >= db.size()) {
            return CompletableFuture.completedFuture(0);
        }
        return CompletableFuture.supplyAsync(() -> {
            int nb = (int) Math.min(rowsPerBlock, db.size() - first);
            try {
                db.read(first, nb, host, 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            checkFinite(db, first, host, nb * db.dim());
            return nb;
        }, reader);
    }

    /** A NaN or infinite descriptor would never be ranked (NaN) or outrank everything: refuse it, as Ranker does. */
    private static void checkFinite(DescriptorRows db, long first, float[] x, int length) {
        for (int i = 0; i < length; i++) {
            float v = x[i];
            if (v - v != 0) {
                throw new IllegalArgumentException(db.describe() + ": database descriptor " + (first + i / db.dim())
                        + " has " + v + " at dimension " + i % db.dim() + "; descriptors must be finite");
            }
        }
    }

    private static int await(CompletableFuture<Integer> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the database", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(c);
        }
    }

    /** Scores every query of a group from its kept list, as {@link Metrics#positiveRanks} walks a full ranking. */
    private static void score(KeptLists kept, int q0, int rows, List<Setup> setups, List<QueryScores> scores) {
        int[] ranks = new int[kept.keep()];
        for (int r = 0; r < rows; r++) {
            RankedList list = kept.list(r);
            int query = q0 + r;
            for (int s = 0; s < setups.size(); s++) {
                ItemRelevance rel = setups.get(s).relevance();
                int found = 0;
                int rank = 0;
                for (int i = 0; i < list.size(); i++) {
                    byte v = rel.of(query, list.item(i));
                    if (v == Relevance.JUNK) {
                        continue;
                    }
                    if (v == Relevance.POSITIVE) {
                        ranks[found++] = rank;
                    }
                    rank++;
                }
                scores.get(s).record(query, ranks, found, rel.positives(query));
            }
        }
    }
}
