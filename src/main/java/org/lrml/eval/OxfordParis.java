package org.lrml.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.lrml.data.BoundingBox;

/**
 * Oxford5k / Paris6k ground truth as published: a folder of text files, per query
 * {@code <landmark>_<n>_query.txt} (one line: {@code oxc1_<image> x1 y1 x2 y2}; Paris writes the image
 * name without the {@code oxc1_} prefix) and {@code <landmark>_<n>_good.txt}, {@code _ok.txt},
 * {@code _junk.txt} (one image name per line, no extension). Positives are good + ok, junk is removed from
 * the ranking, AP is the benchmark's form ({@link ApForm#OXFORD}), and the query image is cropped to its
 * box. Queries are ordered by landmark, then number.
 */
public final class OxfordParis {
    static final String QUERY_SUFFIX = "_query.txt";

    private OxfordParis() {
    }

    /**
     * Reads every query of the ground-truth folder; databaseNames are the database images (file names
     * without extension, e.g. all images of the data set's folder). A name the ground truth uses that is
     * not in the database is an error naming the file.
     */
    public static Benchmark load(Path gtDir, List<String> databaseNames, String name) throws IOException {
        List<Path> queryFiles = queryFiles(gtDir);
        if (queryFiles.isEmpty()) {
            throw new IOException(gtDir + ": no *" + QUERY_SUFFIX + " files; expected the " + name
                    + " ground truth (<landmark>_<n>_query.txt with _good/_ok/_junk.txt)");
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < databaseNames.size(); i++) {
            index.put(databaseNames.get(i), i);
        }
        List<Benchmark.Query> queries = new ArrayList<>();
        for (Path qf : queryFiles) {
            String stem = qf.getFileName().toString();
            stem = stem.substring(0, stem.length() - QUERY_SUFFIX.length());
            List<String> lines = nonBlankLines(qf);
            if (lines.size() != 1) {
                throw new IOException(qf + ": expected one line 'image x1 y1 x2 y2', found " + lines.size() + " lines");
            }
            String[] f = lines.get(0).trim().split("\\s+");
            if (f.length != 5) {
                throw new IOException(qf + ": expected 'image x1 y1 x2 y2', found '" + lines.get(0).trim() + "'");
            }
            String image = f[0].startsWith("oxc1_") ? f[0].substring("oxc1_".length()) : f[0];
            BoundingBox box;
            try {
                box = new BoundingBox(Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                        Double.parseDouble(f[4]));
            } catch (IllegalArgumentException e) {
                throw new IOException(qf + ": bad bounding box '" + lines.get(0).trim() + "' (" + e.getMessage() + ")",
                        e);
            }
            Set<Integer> positives = new LinkedHashSet<>();
            positives.addAll(indices(gtDir.resolve(stem + "_good.txt"), index, name));
            positives.addAll(indices(gtDir.resolve(stem + "_ok.txt"), index, name));
            Set<Integer> junk = new LinkedHashSet<>(indices(gtDir.resolve(stem + "_junk.txt"), index, name));
            for (int p : positives) {
                if (junk.contains(p)) {
                    throw new IOException(gtDir.resolve(stem + "_junk.txt") + ": image " + databaseNames.get(p)
                            + " is also listed as good or ok for query " + stem);
                }
            }
            queries.add(new Benchmark.Query(image, box, toArray(positives), toArray(junk)));
        }
        return new Benchmark(name, "", ApForm.OXFORD, databaseNames, queries);
    }

    /** The *_query.txt files of the folder, by landmark name then query number. */
    static List<Path> queryFiles(Path gtDir) throws IOException {
        if (!Files.isDirectory(gtDir)) {
            throw new IOException(gtDir + ": no such ground-truth folder");
        }
        try (Stream<Path> s = Files.list(gtDir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(QUERY_SUFFIX))
                    .sorted(Comparator.comparing(OxfordParis::landmark).thenComparingInt(OxfordParis::number)
                            .thenComparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }

    /** Finds the folder holding *_query.txt files: dir itself or a folder below it. */
    public static Path findGroundTruth(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": no such data set folder");
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(QUERY_SUFFIX)).map(Path::getParent).sorted()
                    .findFirst().orElseThrow(() -> new IOException(dir + ": no ground truth found (no *" + QUERY_SUFFIX
                            + " file in the folder or below it)"));
        }
    }

    private static String landmark(Path p) {
        String s = p.getFileName().toString();
        s = s.substring(0, s.length() - QUERY_SUFFIX.length());
        int u = s.lastIndexOf('_');
        return u < 0 ? s : s.substring(0, u);
    }

    private static int number(Path p) {
        String s = p.getFileName().toString();
        s = s.substring(0, s.length() - QUERY_SUFFIX.length());
        int u = s.lastIndexOf('_');
        try {
            return Integer.parseInt(s.substring(u + 1));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static List<Integer> indices(Path file, Map<String, Integer> index, String name) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": missing (each query of " + name + " needs _good, _ok and _junk files)");
        }
        List<Integer> out = new ArrayList<>();
        for (String line : nonBlankLines(file)) {
            String image = line.trim();
            Integer i = index.get(image);
            if (i == null) {
                throw new IOException(file + ": image '" + image + "' is not in the database of " + index.size()
                        + " images (is the image folder complete?)");
            }
            out.add(i);
        }
        return out;
    }

    private static List<String> nonBlankLines(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!l.isBlank()) {
                out.add(l);
            }
        }
        return out;
    }

    static int[] toArray(Set<Integer> s) {
        return s.stream().mapToInt(Integer::intValue).toArray();
    }
}
