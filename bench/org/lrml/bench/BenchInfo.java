package org.lrml.bench;

import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * What each benchmark prints at setup, so scores convert to rates against the machine's ceiling. bench/run reads
 * these lines back from JMH's log (org.lrml.bench.report.PerCallLog) for the GFLOP/s and GB/s columns of
 * results.md, so keep their form: {@code # <what>: <number> FLOP per call} and {@code # <what>: <number> bytes per
 * call}.
 */
public final class BenchInfo {
    private BenchInfo() {
    }

    /** One line: FLOPs per call (GFLOP/s = flops / score_ms / 1e6) and the device. */
    public static void flops(String what, double flopsPerCall, String device) {
        System.out.printf("# %s: %.6e FLOP per call (GFLOP/s = %.6e / score_ms); %s%n", what, flopsPerCall,
                flopsPerCall / 1e6, firstLine(device));
    }

    /** One line: bytes moved per call (GB/s = bytes / score_ms / 1e6) and the device. */
    public static void bytes(String what, double bytesPerCall, String device) {
        System.out.printf("# %s: %.6e bytes per call (GB/s = %.6e / score_ms); %s%n", what, bytesPerCall,
                bytesPerCall / 1e6, firstLine(device));
    }

    /** The benchmark method's name ("sgemm"), for setups whose per-call work differs by method. */
    public static String method(BenchmarkParams params) {
        String b = params.getBenchmark();
        return b.substring(b.lastIndexOf('.') + 1);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
