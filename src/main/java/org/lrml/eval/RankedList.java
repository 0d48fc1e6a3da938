package org.lrml.eval;

/**
 * One query's ranking of the whole database: item(r) is the database index at 0-based rank r
 * (similarity descending, ties by lower index), score(r) its similarity. Valid only during the callback
 * that receives it (the ranker reuses the buffers).
 */
public interface RankedList {
    int size();

    int item(int rank);

    float score(int rank);
}
