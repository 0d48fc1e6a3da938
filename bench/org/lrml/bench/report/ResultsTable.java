package org.lrml.bench.report;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * results.md of bench/run: one Markdown row per JMH result (benchmark, parameters, score +- error, unit) with the
 * rates its per-call work gives (GFLOP/s, GB/s; see {@link PerCallLog}).
 * <pre>java -cp ... org.lrml.bench.report.ResultsTable results.json jmh.log results.md [header line]...</pre>
 * Header lines (date, command, machine) go above the table as given.
 */
public final class ResultsTable {
    private ResultsTable() {
    }

    /** One JMH result with its rates. */
    public record Row(String benchmark, String params, String score, String unit, String gflops, String gbs) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: ResultsTable RESULTS.json JMH.log RESULTS.md [HEADER LINE]...");
            System.exit(2);
        }
        Path json = Path.of(args[0]);
        Path log = Path.of(args[1]);
        List<String> logLines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        List<Row> rows = rows(new ObjectMapper().readTree(json.toFile()), PerCallLog.parse(logLines));
        List<String> header = new ArrayList<>(List.of(args).subList(3, args.length));
        String md = markdown(header, rows);
        Files.writeString(Path.of(args[2]), md, StandardCharsets.UTF_8);
        System.out.print(md);
    }

    /** The rows of a JMH JSON result array, in its order. */
    public static List<Row> rows(JsonNode results, PerCallLog work) {
        if (!results.isArray()) {
            throw new IllegalArgumentException("a JMH JSON result is an array of benchmark entries, got "
                    + results.getNodeType());
        }
        List<Row> rows = new ArrayList<>();
        for (JsonNode e : results) {
            String benchmark = e.path("benchmark").asText();
            Map<String, String> params = new LinkedHashMap<>();
            e.path("params").fields().forEachRemaining(f -> params.put(f.getKey(), f.getValue().asText()));
            JsonNode metric = e.path("primaryMetric");
            double score = metric.path("score").asDouble(Double.NaN);
            double error = errorOf(metric.path("scoreError"));
            String unit = metric.path("scoreUnit").asText();
            double seconds = secondsPerCall(score, unit);
            PerCallLog.Work w = work.of(benchmark, params);
            List<String> p = new ArrayList<>();
            params.forEach((k, v) -> p.add(k + "=" + v));
            rows.add(new Row(shortName(benchmark), String.join(", ", p),
                    sig(score, 4) + (Double.isNaN(error) ? "" : " ± " + sig(error, 2)), unit,
                    rate(w.flops(), seconds), rate(w.bytes(), seconds)));
        }
        return rows;
    }

    public static String markdown(List<String> header, List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        for (String h : header) {
            sb.append(h).append("\n");
        }
        if (!header.isEmpty()) {
            sb.append("\n");
        }
        sb.append("| benchmark | params | score ± error | unit | GFLOP/s | GB/s |\n");
        sb.append("|---|---|--:|---|--:|--:|\n");
        for (Row r : rows) {
            sb.append("| ").append(String.join(" | ", r.benchmark(), r.params(), r.score(), r.unit(), r.gflops(),
                    r.gbs())).append(" |\n");
        }
        return sb.toString();
    }

    /** Seconds per call from a JMH score: time per op (s/op, ms/op, us/op, ns/op) or throughput (ops/s, ...). */
    static double secondsPerCall(double score, String unit) {
        String[] parts = unit.split("/");
        if (parts.length != 2) {
            return Double.NaN;
        }
        if (parts[1].equals("op")) {
            return score * seconds(parts[0]);
        }
        if (parts[0].equals("ops")) {
            return seconds(parts[1]) / score;
        }
        return Double.NaN;
    }

    private static double seconds(String unit) {
        return switch (unit) {
            case "s" -> 1;
            case "ms" -> 1e-3;
            case "us" -> 1e-6;
            case "ns" -> 1e-9;
            case "min" -> 60;
            default -> Double.NaN;
        };
    }

    /** JMH writes "NaN" as a string when one iteration gives no error estimate. */
    private static double errorOf(JsonNode n) {
        if (n.isNumber()) {
            return n.asDouble();
        }
        return Double.NaN;
    }

    private static String rate(double work, double seconds) {
        if (Double.isNaN(work) || !(seconds > 0)) {
            return "";
        }
        return sig(work / seconds / 1e9, 3);
    }

    static String sig(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        if (v == 0) {
            return "0";
        }
        BigDecimal b = new BigDecimal(v).round(new MathContext(digits));
        // Plain digits up to 10^7, so columns read without exponents; beyond, scientific.
        return Math.abs(v) < 1e7 ? b.stripTrailingZeros().toPlainString()
                : String.format(Locale.ROOT, "%." + (digits - 1) + "e", v);
    }

    private static String shortName(String benchmark) {
        return benchmark.startsWith("org.lrml.bench.") ? benchmark.substring("org.lrml.bench.".length()) : benchmark;
    }
}
