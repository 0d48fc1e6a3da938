package org.lrml.eval;

/**
 * The ground truth of a retrieval task: for each query, which database items are positives, which are
 * junk (removed from the ranking before scoring, as the Oxford protocol does and as "query excluded"
 * needs) and which are negatives. Implementations must be safe to call from several threads at once.
 */
public interface Relevance {
    byte NEGATIVE = 0;
    byte POSITIVE = 1;
    byte JUNK = 2;

    /** Number of queries. */
    int queries();

    /** Number of database items. */
    int database();

    /**
     * Writes NEGATIVE, POSITIVE or JUNK for every database item of the query into rel (length
     * {@link #database()}).
     *
     * @return the number of positives
     */
    int fill(int query, byte[] rel);
}
