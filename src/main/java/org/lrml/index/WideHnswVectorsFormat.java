package org.lrml.index;

import java.io.IOException;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * Lucene 9's HNSW vector format with the dimension limit raised from 1024 to {@value #MAX_DIMENSIONS}, for the
 * 2048-dim descriptors of ResNet trunks. Lucene 9 checks a field's dimension against its codec's
 * {@link KnnVectorsFormat#getMaxDimensions}; the files themselves are exactly those of
 * {@link Lucene99HnswVectorsFormat} (this class delegates every byte to it). Only the format's name, recorded per
 * field, differs: a reader finds this class by that name through Java's service loader
 * ({@code META-INF/services/org.apache.lucene.codecs.KnnVectorsFormat}), so an Elasticsearch or OpenSearch node
 * that serves such an index needs this one class on its classpath (a plugin), or the descriptors whitened to at
 * most 1024 dimensions, which {@link VectorIndexBuilder} writes in the stock format. 4096 is the limit
 * Elasticsearch's dense_vector applies too.
 */
public final class WideHnswVectorsFormat extends KnnVectorsFormat {
    /** The name recorded in each segment's field infos. */
    public static final String NAME = "LrmlWideHnsw";
    public static final int MAX_DIMENSIONS = 4096;

    private final Lucene99HnswVectorsFormat delegate;

    /** For readers (the service loader): the graph parameters are read from the files. */
    public WideHnswVectorsFormat() {
        this(Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN, Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH);
    }

    public WideHnswVectorsFormat(int maxConn, int beamWidth) {
        this(new Lucene99HnswVectorsFormat(maxConn, beamWidth));
    }

    /** Wraps a configured HNSW format (e.g. one with merge workers). */
    WideHnswVectorsFormat(Lucene99HnswVectorsFormat delegate) {
        super(NAME);
        this.delegate = delegate;
    }

    @Override
    public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
        return delegate.fieldsWriter(state);
    }

    @Override
    public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
        return delegate.fieldsReader(state);
    }

    @Override
    public int getMaxDimensions(String fieldName) {
        return MAX_DIMENSIONS;
    }

    @Override
    public String toString() {
        return NAME + "(" + delegate + ", max dimensions " + MAX_DIMENSIONS + ")";
    }
}
