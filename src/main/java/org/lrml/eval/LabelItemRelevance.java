package org.lrml.eval;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link LabelRelevance} asked item by item: a database item is a positive when its label equals the query's;
 * with excludeSelf (queries are the database) the query's own item is junk. The positives of each label are
 * counted once, so a query's AP denominator costs nothing per query. Items past the labelled ones (distractors
 * appended to the database) are negatives for every query. Holds the database labels (4 bytes per labelled item).
 */
public final class LabelItemRelevance implements ItemRelevance {
    private final int[] queryLabels;
    private final int[] dbLabels;
    private final boolean excludeSelf;
    private final long database;
    private final Map<Integer, Integer> countByLabel = new HashMap<>();

    public LabelItemRelevance(int[] queryLabels, int[] dbLabels, boolean excludeSelf) {
        this(queryLabels, dbLabels, excludeSelf, dbLabels.length);
    }

    /** database: the labelled items followed by unlabelled distractors (at least dbLabels.length items). */
    public LabelItemRelevance(int[] queryLabels, int[] dbLabels, boolean excludeSelf, long database) {
        if (database < dbLabels.length) {
            throw new IllegalArgumentException("a database of " + database + " items cannot hold " + dbLabels.length
                    + " labelled items");
        }
        if (excludeSelf && queryLabels.length != dbLabels.length) {
            throw new IllegalArgumentException("exclude-self needs the queries to be the database (leave-one-out),"
                    + " but there are " + queryLabels.length + " query labels and " + dbLabels.length
                    + " database labels");
        }
        this.queryLabels = queryLabels.clone();
        this.dbLabels = dbLabels;
        this.excludeSelf = excludeSelf;
        this.database = database;
        for (int label : dbLabels) {
            countByLabel.merge(label, 1, Integer::sum);
        }
    }

    @Override
    public int queries() {
        return queryLabels.length;
    }

    @Override
    public long database() {
        return database;
    }

    @Override
    public int positives(int query) {
        int n = countByLabel.getOrDefault(queryLabels[query], 0);
        // The query's own item carries its label and is junk, not a positive.
        return excludeSelf ? n - 1 : n;
    }

    @Override
    public byte of(int query, long item) {
        if (excludeSelf && item == query) {
            return Relevance.JUNK;
        }
        if (item >= dbLabels.length) {
            return Relevance.NEGATIVE;
        }
        return dbLabels[(int) item] == queryLabels[query] ? Relevance.POSITIVE : Relevance.NEGATIVE;
    }
}
