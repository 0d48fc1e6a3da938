package org.lrml.eval;

import java.util.Arrays;

/**
 * A benchmark setup's ground truth (positives and junk of each query) over its database followed by distractors:
 * every item past the benchmark's own images is a negative, which is how the revisited benchmarks define
 * ROxford+R1M and RParis+R1M (the 1M distractor images are appended to the database; no query has a positive or
 * junk among them). Memory: the benchmark's positive and junk lists, nothing per distractor.
 */
public final class BenchmarkItemRelevance implements ItemRelevance {
    private final int benchmarkSize;
    private final long database;
    private final int[][] positives;
    private final int[][] junk;

    /** database: the benchmark's images plus the distractors after them (at least the benchmark's size). */
    public BenchmarkItemRelevance(Benchmark setup, long database) {
        this.benchmarkSize = setup.database().size();
        if (database < benchmarkSize) {
            throw new IllegalArgumentException(setup.title() + ": a database of " + database + " items cannot hold the "
                    + benchmarkSize + " images of the benchmark");
        }
        this.database = database;
        int n = setup.queries().size();
        this.positives = new int[n][];
        this.junk = new int[n][];
        for (int q = 0; q < n; q++) {
            positives[q] = Arrays.stream(setup.queries().get(q).positives()).distinct().sorted().toArray();
            junk[q] = Arrays.stream(setup.queries().get(q).junk()).distinct().sorted().toArray();
        }
    }

    @Override
    public int queries() {
        return positives.length;
    }

    @Override
    public long database() {
        return database;
    }

    @Override
    public int positives(int query) {
        return positives[query].length;
    }

    @Override
    public byte of(int query, long item) {
        if (item >= benchmarkSize) {
            return Relevance.NEGATIVE;
        }
        int i = (int) item;
        if (Arrays.binarySearch(positives[query], i) >= 0) {
            return Relevance.POSITIVE;
        }
        return Arrays.binarySearch(junk[query], i) >= 0 ? Relevance.JUNK : Relevance.NEGATIVE;
    }
}
