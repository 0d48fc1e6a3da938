package org.lrml.eval;

import java.util.Arrays;
import java.util.List;

import org.lrml.data.BoundingBox;

/**
 * An image-retrieval benchmark in one setup: database image names, and for each query its image, the
 * box it is cropped to (null: the whole image), its positives and its junk (indices into the database;
 * junk is removed from the ranking before scoring). Positives and junk of a query must not overlap.
 */
public record Benchmark(String name, String setup, ApForm apForm, List<String> database, List<Query> queries) {

    /** One query of a benchmark. */
    public record Query(String image, BoundingBox box, int[] positives, int[] junk) {
        public Query {
            positives = positives.clone();
            junk = junk.clone();
        }

        @Override
        public String toString() {
            return image + (box == null ? "" : " " + box) + " (" + positives.length + " positives, " + junk.length
                    + " junk)";
        }
    }

    public Benchmark {
        database = List.copyOf(database);
        queries = List.copyOf(queries);
        for (Query q : queries) {
            boolean[] pos = new boolean[database.size()];
            for (int p : q.positives()) {
                checkIndex(name, q, p, database.size());
                pos[p] = true;
            }
            for (int j : q.junk()) {
                checkIndex(name, q, j, database.size());
                if (pos[j]) {
                    throw new IllegalArgumentException(name + (setup.isEmpty() ? "" : " " + setup) + ": query "
                            + q.image() + " lists database image " + database.get(j) + " (index " + j
                            + ") both as a positive and as junk");
                }
            }
        }
    }

    private static void checkIndex(String name, Query q, int i, int size) {
        if (i < 0 || i >= size) {
            throw new IllegalArgumentException(name + ": query " + q.image() + " refers to database index " + i
                    + ", but the database has " + size + " images");
        }
    }

    /** The ground truth as a {@link Relevance} for the ranker. */
    public Relevance relevance() {
        return new Relevance() {
            @Override
            public int queries() {
                return queries.size();
            }

            @Override
            public int database() {
                return database.size();
            }

            @Override
            public int fill(int query, byte[] rel) {
                Arrays.fill(rel, 0, database.size(), NEGATIVE);
                Query q = queries.get(query);
                int npos = 0;
                for (int p : q.positives()) {
                    if (rel[p] != POSITIVE) {
                        rel[p] = POSITIVE;
                        npos++;
                    }
                }
                for (int j : q.junk()) {
                    rel[j] = JUNK;
                }
                return npos;
            }
        };
    }

    /** Whether another setup ranks the same database with the same queries (so one ranking serves both). */
    public boolean sameImagesAs(Benchmark other) {
        if (!database.equals(other.database) || queries.size() != other.queries.size()) {
            return false;
        }
        for (int i = 0; i < queries.size(); i++) {
            Query a = queries.get(i);
            Query b = other.queries.get(i);
            if (!a.image().equals(b.image()) || !java.util.Objects.equals(a.box(), b.box())) {
                return false;
            }
        }
        return true;
    }

    public String title() {
        return setup.isEmpty() ? name : name + " " + setup;
    }
}
