package org.lrml.bench.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The work per call that each benchmark prints at setup, read back from JMH's human-readable log: the CPU benchmarks'
 * {@code # <what>: 1.23e+09 FLOP per call} / {@code ... bytes per call} (org.lrml.bench.BenchInfo) and the CUDA
 * benchmarks' {@code [per call] <what>: 1.2e+06 bytes, 3.4e+09 flops} (CudaBenchState.perCall; 0 means not
 * counted). Each line belongs to the benchmark and parameters of the last {@code # Benchmark:} and
 * {@code # Parameters:} headers before it; JMH may print it in the middle of a line (after "# Warmup Iteration 1:").
 */
public final class PerCallLog {
    /** FLOPs and bytes per call; NaN where the benchmark did not say. */
    public record Work(double flops, double bytes) {
        static final Work NONE = new Work(Double.NaN, Double.NaN);

        Work with(double f, double b) {
            return new Work(Double.isNaN(f) ? flops : f, Double.isNaN(b) ? bytes : b);
        }
    }

    private static final String NUMBER = "([0-9][0-9.]*(?:[eE][-+]?[0-9]+)?)";
    private static final Pattern BENCHMARK = Pattern.compile("^# Benchmark: (\\S+)");
    private static final Pattern PARAMETERS = Pattern.compile("^# Parameters: \\((.*)\\)\\s*$");
    private static final Pattern PARAMETER = Pattern.compile("(\\w+) = ([^,]*)");
    private static final Pattern CPU_LINE = Pattern.compile("# [^#]*?" + NUMBER + " (FLOP|bytes) per call");
    private static final Pattern CUDA_LINE = Pattern.compile("\\[per call\\].*?" + NUMBER + " bytes, " + NUMBER
            + " flops");

    private final Map<String, Work> work;

    private PerCallLog(Map<String, Work> work) {
        this.work = work;
    }

    public static PerCallLog parse(List<String> lines) {
        Map<String, Work> work = new LinkedHashMap<>();
        String benchmark = null;
        Map<String, String> params = new TreeMap<>();
        for (String line : lines) {
            Matcher m = BENCHMARK.matcher(line);
            if (m.find()) {
                benchmark = m.group(1);
                params = new TreeMap<>();
                continue;
            }
            m = PARAMETERS.matcher(line);
            if (m.find()) {
                Matcher p = PARAMETER.matcher(m.group(1));
                while (p.find()) {
                    params.put(p.group(1), p.group(2).trim());
                }
                continue;
            }
            if (benchmark == null) {
                continue;
            }
            String key = key(benchmark, params);
            m = CPU_LINE.matcher(line);
            while (m.find()) {
                double v = Double.parseDouble(m.group(1));
                boolean flop = m.group(2).equals("FLOP");
                work.put(key, work.getOrDefault(key, Work.NONE).with(flop ? v : Double.NaN, flop ? Double.NaN : v));
            }
            m = CUDA_LINE.matcher(line);
            if (m.find()) {
                double bytes = Double.parseDouble(m.group(1));
                double flops = Double.parseDouble(m.group(2));
                work.put(key, work.getOrDefault(key, Work.NONE).with(flops > 0 ? flops : Double.NaN,
                        bytes > 0 ? bytes : Double.NaN));
            }
        }
        return new PerCallLog(work);
    }

    /** The work of one benchmark run, or NaNs when its log said nothing. */
    public Work of(String benchmark, Map<String, String> params) {
        return work.getOrDefault(key(benchmark, new TreeMap<>(params)), Work.NONE);
    }

    public Map<String, Work> all() {
        return Collections.unmodifiableMap(work);
    }

    static String key(String benchmark, Map<String, String> sortedParams) {
        return benchmark + sortedParams;
    }
}
