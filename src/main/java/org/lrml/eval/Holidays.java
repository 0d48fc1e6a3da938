package org.lrml.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * INRIA Holidays: images named {@code NNNNMM} (.jpg); the images sharing the first four digits form a
 * group, and the one with {@code MM = 00} is the group's query. A query's positives are the other images
 * of its group; the query itself is in the database and is removed from its own ranking (junk). AP is
 * the trapezoid form of the data set's evaluation script ({@link ApForm#OXFORD}); groups without a
 * second image have no positive and are skipped.
 */
public final class Holidays {
    public static final String NAME = "holidays";

    private Holidays() {
    }

    /** The benchmark over the given image names (all must be six digits); database order = names sorted. */
    public static Benchmark load(List<String> imageNames) {
        List<String> names = new ArrayList<>(imageNames);
        names.sort(null);
        Map<String, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (!n.matches("\\d{6}")) {
                throw new IllegalArgumentException("holidays: image '" + n + "' is not named NNNNMM (six digits:"
                        + " group NNNN, MM = 00 for the group's query)");
            }
            groups.computeIfAbsent(n.substring(0, 4), g -> new ArrayList<>()).add(i);
        }
        List<Benchmark.Query> queries = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : groups.entrySet()) {
            String queryName = e.getKey() + "00";
            int query = names.indexOf(queryName);
            if (query < 0) {
                throw new IllegalArgumentException("holidays: group " + e.getKey() + " has no query image " + queryName
                        + " (its images: " + e.getValue().stream().map(names::get).toList() + ")");
            }
            int[] positives = e.getValue().stream().mapToInt(Integer::intValue).filter(i -> i != query).toArray();
            queries.add(new Benchmark.Query(queryName, null, positives, new int[]{query}));
        }
        return new Benchmark(NAME, "", ApForm.OXFORD, names, queries);
    }
}
