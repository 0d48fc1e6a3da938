package org.lrml.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;

/**
 * An index written by {@link VectorIndexBuilder}, open for search. HNSW search runs per segment
 * ({@code LeafReader.searchNearestVectors}, what Lucene's KnnFloatVectorQuery does) with a beam of {@code ef}
 * candidates; hits are mapped from Lucene's document numbers to database rows (the row doc values, read once at
 * open: 4 bytes per document) and Lucene's scores back to dot products. Thread-safe: any number of searches at once.
 */
public final class VectorIndex implements AutoCloseable {
    static {
        LuceneLogging.quiet();
    }

    private final Path folder;
    private final FSDirectory directory;
    private final DirectoryReader reader;
    private final List<LeafReaderContext> leaves;
    /** rowOf[leaf][doc]: the database row of each document. */
    private final int[][] rowOf;
    private final int dimension;
    private final VectorSimilarityFunction similarity;
    private final String format;
    private final Map<String, String> meta;

    private VectorIndex(Path folder, FSDirectory directory, DirectoryReader reader) throws IOException {
        this.folder = folder;
        this.directory = directory;
        this.reader = reader;
        this.meta = reader.getIndexCommit().getUserData();
        if (!meta.containsKey(IndexFields.DIMENSION)) {
            throw new IOException(folder + ": a Lucene index, but not one that lrml index wrote (no "
                    + IndexFields.DIMENSION + " in its commit data)");
        }
        this.leaves = reader.leaves();
        this.rowOf = new int[leaves.size()][];
        int dim = -1;
        VectorSimilarityFunction sim = null;
        String fmt = null;
        for (int l = 0; l < leaves.size(); l++) {
            LeafReader leaf = leaves.get(l).reader();
            FieldInfo fi = leaf.getFieldInfos().fieldInfo(IndexFields.VECTOR);
            if (fi == null || !fi.hasVectorValues()) {
                throw new IOException(folder + ": segment " + l + " has no vector field '" + IndexFields.VECTOR + "'");
            }
            dim = fi.getVectorDimension();
            sim = fi.getVectorSimilarityFunction();
            fmt = fi.getAttribute("PerFieldKnnVectorsFormat.format");
            rowOf[l] = rows(leaf, folder);
        }
        this.dimension = dim > 0 ? dim : Integer.parseInt(meta.get(IndexFields.DIMENSION));
        this.similarity = sim == null ? VectorSimilarityFunction.valueOf(meta.get(IndexFields.SIMILARITY)) : sim;
        this.format = fmt;
        if (similarity != VectorSimilarityFunction.DOT_PRODUCT
                && similarity != VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT) {
            throw new IOException(folder + ": vectors compared by " + similarity + "; lrml ranks by the dot product"
                    + " (DOT_PRODUCT or MAXIMUM_INNER_PRODUCT)");
        }
    }

    private static int[] rows(LeafReader leaf, Path folder) throws IOException {
        int[] rows = new int[leaf.maxDoc()];
        Arrays.fill(rows, -1);
        NumericDocValues dv = leaf.getNumericDocValues(IndexFields.ROW);
        if (dv == null) {
            throw new IOException(folder + ": no '" + IndexFields.ROW + "' doc values (not an lrml index)");
        }
        for (int doc = dv.nextDoc(); doc != NumericDocValues.NO_MORE_DOCS; doc = dv.nextDoc()) {
            rows[doc] = Math.toIntExact(dv.longValue());
        }
        return rows;
    }

    /** Opens the index in folder; errors name the folder. */
    public static VectorIndex open(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException(folder + ": no such index folder");
        }
        FSDirectory dir = FSDirectory.open(folder);
        try {
            DirectoryReader r = DirectoryReader.open(dir);
            try {
                return new VectorIndex(folder, dir, r);
            } catch (IOException | RuntimeException e) {
                r.close();
                throw e;
            }
        } catch (IndexNotFoundException e) {
            dir.close();
            throw new IOException(folder + ": not a Lucene index (no segments file)", e);
        } catch (IOException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    public Path folder() {
        return folder;
    }

    public int dimension() {
        return dimension;
    }

    /** Documents (database rows) in the index. */
    public int size() {
        return reader.numDocs();
    }

    public VectorSimilarityFunction similarity() {
        return similarity;
    }

    /** The vector format's name in the segments (Lucene99HnswVectorsFormat, or WideHnswVectorsFormat's). */
    public String format() {
        return format;
    }

    /** Segments (graphs searched per query). */
    public int segments() {
        return leaves.size();
    }

    /** The commit data the builder wrote (dimension, rows, similarity, HNSW parameters, source). */
    public Map<String, String> metadata() {
        return meta;
    }

    public boolean hasIds() {
        return Boolean.parseBoolean(meta.getOrDefault(IndexFields.HAS_IDS, "false"));
    }

    /** Up to ef approximate nearest neighbours of one query, best first (dot product descending, ties by row). */
    public Hits search(float[] query, int ef) throws IOException {
        if (query.length != dimension) {
            throw new IllegalArgumentException("query of dimension " + query.length + " for an index of " + dimension);
        }
        if (ef < 1) {
            throw new IllegalArgumentException("ef must be at least 1, got " + ef);
        }
        List<Hit> hits = new ArrayList<>();
        for (int l = 0; l < leaves.size(); l++) {
            LeafReaderContext ctx = leaves.get(l);
            TopDocs top = ctx.reader().searchNearestVectors(IndexFields.VECTOR, query, ef, ctx.reader().getLiveDocs(),
                    Integer.MAX_VALUE);
            for (ScoreDoc sd : top.scoreDocs) {
                hits.add(new Hit(rowOf[l][sd.doc], ctx.docBase + sd.doc, dotProduct(sd.score)));
            }
        }
        hits.sort((a, b) -> a.value != b.value ? Float.compare(b.value, a.value) : Integer.compare(a.row, b.row));
        int n = Math.min(ef, hits.size());
        int[] rows = new int[n];
        int[] docs = new int[n];
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            rows[i] = hits.get(i).row;
            docs[i] = hits.get(i).doc;
            values[i] = hits.get(i).value;
        }
        return new Hits(rows, docs, values);
    }

    private record Hit(int row, int doc, float value) {
    }

    /**
     * Search results: database rows, Lucene document numbers (for {@link #vectors} and {@link #id}), and dot
     * products recovered from Lucene's scores (float arithmetic: within a few ulps of the engine's).
     */
    public record Hits(int[] rows, int[] docs, float[] values) {
        public int size() {
            return rows.length;
        }
    }

    /** Lucene's score as the dot product it was computed from. */
    float dotProduct(float score) {
        if (similarity == VectorSimilarityFunction.DOT_PRODUCT) {
            return 2 * score - 1; // score = max((1 + dot) / 2, 0)
        }
        return score < 1 ? 1 - 1 / score : score - 1; // dot < 0 ? 1 / (1 - dot) : dot + 1
    }

    /** The stored vectors of the given documents (docs x dimension, row-major), as indexed (float32, exact). */
    public float[] vectors(int[] docs) throws IOException {
        float[] out = new float[docs.length * dimension];
        Integer[] order = new Integer[docs.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Vector values iterate forward only: visit the documents in increasing order, one iterator per segment.
        Arrays.sort(order, (a, b) -> Integer.compare(docs[a], docs[b]));
        FloatVectorValues values = null;
        int leaf = -1;
        for (int i : order) {
            int l = leafOf(docs[i]);
            if (l != leaf) {
                leaf = l;
                values = leaves.get(l).reader().getFloatVectorValues(IndexFields.VECTOR);
            }
            int local = docs[i] - leaves.get(l).docBase;
            if (values.docID() != local && values.advance(local) != local) {
                throw new IOException(folder + ": document " + docs[i] + " has no vector");
            }
            System.arraycopy(values.vectorValue(), 0, out, i * dimension, dimension);
        }
        return out;
    }

    /** The id stored with a document (lrml index --ids), or its row as text when the index has none. */
    public String id(int doc) throws IOException {
        int l = leafOf(doc);
        int local = doc - leaves.get(l).docBase;
        if (!hasIds()) {
            return Integer.toString(rowOf[l][local]);
        }
        return leaves.get(l).reader().storedFields().document(local).get(IndexFields.ID);
    }

    private int leafOf(int doc) {
        for (int l = leaves.size() - 1; l >= 0; l--) {
            if (doc >= leaves.get(l).docBase) {
                return l;
            }
        }
        throw new IllegalArgumentException("document " + doc + " is outside the index");
    }

    @Override
    public void close() throws IOException {
        try {
            reader.close();
        } finally {
            directory.close();
        }
    }
}
