package org.lrml.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.lrml.eval.EvalResult;
import org.lrml.io.AtomicFiles;

/**
 * {@code metrics.json}: the headline numbers of an evaluation as fractions in [0, 1], written atomically.
 * Keys: {@code protocol}, {@code setup}, {@code ap_form}, {@code mAP}, {@code recall@1}, {@code recall@2},
 * {@code recall@4}, {@code recall@8}, {@code mAP@R}, for the revisited protocols {@code mP@1}, {@code mP@5},
 * {@code mP@10} (revisitop's precision at k), {@code queries}, {@code skipped_queries},
 * {@code database}, {@code dim}, {@code seconds}. When a protocol has several setups (revisited
 * Oxford/Paris: easy, medium, hard), the top level holds the primary one (medium) and {@code setups}
 * maps each setup name to its own object of the same keys. A metric without a value (no query had a
 * positive) is null.
 */
public final class MetricsJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MetricsJson() {
    }

    /** The keys of one result, in a stable order. */
    public static Map<String, Object> toMap(EvalResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protocol", r.protocol());
        if (!r.setup().isEmpty()) {
            m.put("setup", r.setup());
        }
        m.put("ap_form", r.apForm().label());
        m.put("mAP", number(r.map()));
        for (int k : EvalResult.RECALL_KS) {
            m.put("recall@" + k, number(r.recallAt(k)));
        }
        m.put("mAP@R", number(r.mapAtR()));
        if (r.reportsPrecision()) {
            for (int k : EvalResult.PRECISION_KS) {
                m.put("mP@" + k, number(r.precisionAt(k)));
            }
        }
        m.put("queries", r.queries());
        m.put("skipped_queries", r.skippedQueries());
        m.put("database", r.database());
        m.put("dim", r.dim());
        m.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
        return m;
    }

    /** The document for one or more setups of one protocol; primary picks the top-level setup. */
    public static Map<String, Object> toMap(List<EvalResult> results) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("metrics.json: no result to write");
        }
        if (results.size() == 1) {
            return toMap(results.get(0));
        }
        EvalResult primary = results.stream().filter(r -> r.setup().equals("medium")).findFirst()
                .orElse(results.get(0));
        Map<String, Object> top = toMap(primary);
        Map<String, Object> setups = new LinkedHashMap<>();
        for (EvalResult r : results) {
            setups.put(r.setup().isEmpty() ? r.protocol() : r.setup(), toMap(r));
        }
        top.put("setups", setups);
        return top;
    }

    public static String toJson(List<EvalResult> results) throws IOException {
        return JSON.writeValueAsString(toMap(results)) + "\n";
    }

    /** Writes dir/metrics.json atomically and returns its path. */
    public static Path write(Path dir, List<EvalResult> results) throws IOException {
        Path file = dir.resolve("metrics.json");
        AtomicFiles.writeString(file, toJson(results));
        return file;
    }

    public static Path write(Path dir, EvalResult result) throws IOException {
        return write(dir, List.of(result));
    }

    /** Reads a metrics.json back as a map (for tools and tests). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), Map.class);
    }

    private static Double number(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
