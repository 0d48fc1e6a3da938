package org.lrml.eval;

/**
 * The ground truth asked one item at a time, for rankings that keep only each query's best items
 * ({@link BlockedEvaluation}). {@link Relevance} fills a byte per database item for every query, which is what a
 * full ranking needs; a kept prefix of 1000 items needs only those 1000 answers and the number of positives, so
 * the memory of the ground truth need not grow with a million distractors. Implementations must be safe to call
 * from several threads at once.
 */
public interface ItemRelevance {

    /** Number of queries. */
    int queries();

    /** Number of database items. */
    long database();

    /** The query's positives in the whole database: the denominator of its AP (0: the query is skipped). */
    int positives(int query);

    /** {@link Relevance#NEGATIVE}, {@link Relevance#POSITIVE} or {@link Relevance#JUNK} of one item for the query. */
    byte of(int query, long item);
}
