package org.lrml.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.FSDirectory;
import org.lrml.eval.DescriptorRows;

/**
 * Builds an HNSW vector index in Lucene's format from descriptor rows (a memory-mapped .npy): one document per
 * row ({@link IndexFields}), indexed by several threads (each fills its own in-memory segment), then merged into
 * one segment (the merge re-links the graphs with the same number of workers), so a search visits one graph.
 *
 * <p>Similarity: Lucene's DOT_PRODUCT when every row is a unit vector (the descriptors this engine writes; its score
 * is (1 + x.y) / 2), else MAXIMUM_INNER_PRODUCT; both rank by the dot product, as the engine's similarity does.
 * Dimensions above Lucene 9's 1024 go through {@link WideHnswVectorsFormat}; up to 1024 the stock
 * {@link Lucene99HnswVectorsFormat} is written, which any Lucene 9.12 reader opens.
 *
 * <p>The index is built in a hidden sibling folder and renamed into place when complete, so a crash never leaves
 * a half-built index under the requested name.
 */
public final class VectorIndexBuilder {
    static {
        LuceneLogging.quiet();
    }

    /** Rows per task of an indexing thread. */
    private static final int ROWS_PER_TASK = 1024;

    private VectorIndexBuilder() {
    }

    /**
     * HNSW and build settings: maxConn (Lucene's M, links per node on upper layers; 2M on the bottom layer, as
     * faiss's M), beamWidth (efConstruction), threads, similarity (null: choose as above), overwrite an
     * existing index, rowOffset: added to every row number (a shard's first global row, so that the hits of all
     * shards of a cluster name rows of one database; docs/scale-out.md).
     */
    public record Options(int maxConn, int beamWidth, int threads, VectorSimilarityFunction similarity,
                          boolean overwrite, long rowOffset) {
        public Options(int maxConn, int beamWidth, int threads, VectorSimilarityFunction similarity, boolean overwrite) {
            this(maxConn, beamWidth, threads, similarity, overwrite, 0);
        }

        public Options {
            if (rowOffset < 0 || rowOffset > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("row offset must be in 0.." + Integer.MAX_VALUE + ", got " + rowOffset);
            }
            if (maxConn < 2 || maxConn > Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN) {
                throw new IllegalArgumentException("maxConn (M) must be in 2.." + Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN
                        + ", got " + maxConn);
            }
            if (beamWidth < 1 || beamWidth > Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH) {
                throw new IllegalArgumentException("beam width (efConstruction) must be in 1.."
                        + Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH + ", got " + beamWidth);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
        }

        /** Lucene's defaults (M 16, beam width 100), every core. */
        public static Options defaults() {
            return new Options(Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN, Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH,
                    Runtime.getRuntime().availableProcessors(), null, false);
        }
    }

    /** Told as rows are added: rows added so far of the total. */
    @FunctionalInterface
    public interface Progress {
        void added(long rows, long total);
    }

    /** What was built. */
    public record Summary(Path folder, long rows, int dimension, VectorSimilarityFunction similarity, String format,
                          double seconds) {
    }

    /** Builds the index of all rows into out; ids (null or one per row) become the documents' id field. */
    public static Summary build(DescriptorRows rows, List<String> ids, Path out, Options o, Progress progress)
            throws IOException {
        long start = System.nanoTime();
        long m = rows.size();
        int d = rows.dim();
        if (m < 1) {
            throw new IllegalArgumentException(rows.describe() + ": no descriptors to index");
        }
        if (m > Integer.MAX_VALUE - 128) {
            throw new IllegalArgumentException(rows.describe() + ": " + m + " rows; a Lucene index holds at most "
                    + (Integer.MAX_VALUE - 128) + " documents (shard the descriptors: see docs/scale-out.md)");
        }
        if (d > WideHnswVectorsFormat.MAX_DIMENSIONS) {
            throw new IllegalArgumentException(rows.describe() + ": dimension " + d + " is above the "
                    + WideHnswVectorsFormat.MAX_DIMENSIONS + " this index supports; whiten to fewer dimensions first");
        }
        if (o.rowOffset() + m > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("row offset " + o.rowOffset() + " + " + m + " rows passes "
                    + Integer.MAX_VALUE + ", the largest row number an index holds");
        }
        if (ids != null && ids.size() != m) {
            throw new IllegalArgumentException(ids.size() + " ids for " + m + " descriptors of " + rows.describe());
        }
        if (Files.exists(out) && !o.overwrite() && !isEmptyFolder(out)) {
            throw new IllegalArgumentException(out + " already exists; choose another folder or overwrite it");
        }
        VectorSimilarityFunction sim = o.similarity() != null ? o.similarity() : UnitCheck.chooseSimilarity(rows);
        Path absolute = out.toAbsolutePath();
        Path tmp = absolute.resolveSibling("." + absolute.getFileName() + ".building-" + ProcessHandle.current().pid());
        deleteRecursively(tmp);
        ExecutorService mergeWorkers = o.threads() > 1 ? Executors.newFixedThreadPool(o.threads()) : null;
        String format;
        try {
            Lucene99HnswVectorsFormat hnsw = mergeWorkers == null
                    ? new Lucene99HnswVectorsFormat(o.maxConn(), o.beamWidth())
                    : new Lucene99HnswVectorsFormat(o.maxConn(), o.beamWidth(), o.threads(), mergeWorkers);
            KnnVectorsFormat vectors = d > KnnVectorsFormat.DEFAULT_MAX_DIMENSIONS ? new WideHnswVectorsFormat(hnsw) : hnsw;
            format = vectors.getName();
            IndexWriterConfig config = new IndexWriterConfig()
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                    .setCodec(new Lucene912Codec() {
                        @Override
                        public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                            return vectors;
                        }
                    })
                    .setUseCompoundFile(false)
                    .setRAMBufferSizeMB(ramBufferMb())
                    .setMergePolicy(noNaturalMerges());
            try (FSDirectory dir = FSDirectory.open(tmp); IndexWriter w = new IndexWriter(dir, config)) {
                addAll(w, rows, ids, sim, o.threads(), o.rowOffset(), progress);
                w.forceMerge(1);
                Map<String, String> meta = new LinkedHashMap<>();
                meta.put(IndexFields.DIMENSION, Integer.toString(d));
                meta.put(IndexFields.ROWS, Long.toString(m));
                meta.put(IndexFields.ROW_OFFSET, Long.toString(o.rowOffset()));
                meta.put(IndexFields.SIMILARITY, sim.name());
                meta.put(IndexFields.MAX_CONN, Integer.toString(o.maxConn()));
                meta.put(IndexFields.BEAM_WIDTH, Integer.toString(o.beamWidth()));
                meta.put(IndexFields.SOURCE, rows.describe());
                meta.put(IndexFields.HAS_IDS, Boolean.toString(ids != null));
                w.setLiveCommitData(meta.entrySet());
                w.commit();
            }
        } catch (IOException | RuntimeException e) {
            deleteRecursively(tmp);
            throw e;
        } finally {
            if (mergeWorkers != null) {
                mergeWorkers.shutdownNow();
            }
        }
        moveIntoPlace(tmp, absolute);
        return new Summary(out, m, d, sim, format, (System.nanoTime() - start) / 1e9);
    }

    /** Natural merges would re-link the growing graphs again and again; one forced merge at the end does it once. */
    private static LogDocMergePolicy noNaturalMerges() {
        LogDocMergePolicy p = new LogDocMergePolicy();
        p.setMergeFactor(1 << 20);
        return p;
    }

    /** Large in-memory segments (fewer graphs to merge), within a quarter of the heap. */
    private static double ramBufferMb() {
        return Math.max(64, Math.min(1900, Runtime.getRuntime().maxMemory() / 4 / (1 << 20)));
    }

    private static void addAll(IndexWriter w, DescriptorRows rows, List<String> ids, VectorSimilarityFunction sim,
                               int threads, long rowOffset, Progress progress) throws IOException {
        long m = rows.size();
        int d = rows.dim();
        FieldType vectorType = KnnFloatVectorField.createFieldType(d, sim);
        AtomicLong nextRow = new AtomicLong();
        AtomicLong added = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Future<?>[] fs = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                fs[t] = pool.submit(() -> {
                    float[] block = new float[ROWS_PER_TASK * d];
                    long first;
                    while ((first = nextRow.getAndAdd(ROWS_PER_TASK)) < m) {
                        int count = (int) Math.min(ROWS_PER_TASK, m - first);
                        try {
                            rows.read(first, count, block, 0);
                            for (int i = 0; i < count; i++) {
                                long row = first + i;
                                float[] v = java.util.Arrays.copyOfRange(block, i * d, (i + 1) * d);
                                Document doc = new Document();
                                doc.add(new KnnFloatVectorField(IndexFields.VECTOR, v, vectorType));
                                doc.add(new NumericDocValuesField(IndexFields.ROW, rowOffset + row));
                                if (ids != null) {
                                    doc.add(new StoredField(IndexFields.ID, ids.get((int) row)));
                                }
                                w.addDocument(doc);
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        progress.added(added.addAndGet(count), m);
                    }
                    return null;
                });
            }
            for (Future<?> f : fs) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while indexing", e);
                } catch (java.util.concurrent.ExecutionException e) {
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
        } finally {
            pool.shutdownNow();
        }
    }

    private static void moveIntoPlace(Path tmp, Path out) throws IOException {
        Path old = null;
        if (Files.exists(out)) {
            old = out.resolveSibling("." + out.getFileName() + ".replaced-" + ProcessHandle.current().pid());
            deleteRecursively(old);
            Files.move(out, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) {
            deleteRecursively(old);
        }
    }

    private static boolean isEmptyFolder(Path p) throws IOException {
        if (!Files.isDirectory(p)) {
            return false;
        }
        try (var s = Files.list(p)) {
            return s.findAny().isEmpty();
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
