package org.lrml.eval;

import java.util.Arrays;

/**
 * Relevance by class label: a database item is a positive when its label equals the query's. With
 * excludeSelf (queries and database are the same set, leave-one-out), item q is junk for query q.
 */
public final class LabelRelevance implements Relevance {
    private final int[] queryLabels;
    private final int[] dbLabels;
    private final boolean excludeSelf;

    public LabelRelevance(int[] queryLabels, int[] dbLabels, boolean excludeSelf) {
        if (excludeSelf && queryLabels.length != dbLabels.length) {
            throw new IllegalArgumentException("exclude-self needs the queries to be the database (leave-one-out),"
                    + " but there are " + queryLabels.length + " query labels and " + dbLabels.length
                    + " database labels");
        }
        this.queryLabels = queryLabels.clone();
        this.dbLabels = dbLabels.clone();
        this.excludeSelf = excludeSelf;
    }

    @Override
    public int queries() {
        return queryLabels.length;
    }

    @Override
    public int database() {
        return dbLabels.length;
    }

    @Override
    public int fill(int query, byte[] rel) {
        int label = queryLabels[query];
        int npos = 0;
        for (int i = 0; i < dbLabels.length; i++) {
            boolean pos = dbLabels[i] == label;
            rel[i] = pos ? POSITIVE : NEGATIVE;
            npos += pos ? 1 : 0;
        }
        if (excludeSelf) {
            // The query's own item carries its label, so it was counted as a positive above.
            rel[query] = JUNK;
            npos--;
        }
        return npos;
    }

    @Override
    public String toString() {
        return "labels (" + queryLabels.length + " queries, " + dbLabels.length + " database"
                + (excludeSelf ? ", self excluded" : "") + ", labels " + Arrays.stream(dbLabels).distinct().count()
                + " distinct)";
    }
}
