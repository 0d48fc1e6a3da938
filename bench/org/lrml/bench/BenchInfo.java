package org.lrml.bench;

/** What each benchmark prints at setup, so scores convert to rates against the machine's ceiling. */
final class BenchInfo {
    private BenchInfo() {
    }

    /** One line: FLOPs per call (GFLOP/s = flops / score_ms / 1e6) and the device. */
    static void flops(String what, double flopsPerCall, String device) {
        System.out.printf("# %s: %.6e FLOP per call (GFLOP/s = %.6e / score_ms); %s%n", what, flopsPerCall,
                flopsPerCall / 1e6, device);
    }
}
