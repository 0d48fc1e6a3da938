package org.lrml.index;

/**
 * What an lrml index holds, by name: one Lucene document per descriptor with the vector, its row in the .npy
 * the index was built from plus the row offset of a shard (doc values: searching maps Lucene's document numbers back
 * to rows), and the caller's id when one was given; and commit user data describing the whole index. A search engine that serves the index
 * sees ordinary Lucene fields: a {@code knn_vector}/{@code dense_vector} field named {@value #VECTOR}, a long
 * {@value #ROW} and a keyword {@value #ID}.
 */
final class IndexFields {
    static final String VECTOR = "vector";
    static final String ROW = "row";
    static final String ID = "id";

    /** Commit user data keys. */
    static final String DIMENSION = "lrml.dimension";
    static final String ROWS = "lrml.rows";
    static final String ROW_OFFSET = "lrml.rowOffset";
    static final String SIMILARITY = "lrml.similarity";
    static final String MAX_CONN = "lrml.hnsw.maxConn";
    static final String BEAM_WIDTH = "lrml.hnsw.beamWidth";
    static final String SOURCE = "lrml.source";
    static final String HAS_IDS = "lrml.ids";

    private IndexFields() {
    }
}
