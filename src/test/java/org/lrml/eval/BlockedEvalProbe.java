package org.lrml.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.lrml.io.MappedNpy;

/**
 * Run in a child JVM by {@link BlockedEvaluationHeapTest} with a heap smaller than the database file: evaluates the
 * mapped database in blocks and prints the JVM's heap limit, then every query's AP as raw double bits.
 */
public final class BlockedEvalProbe {
    static final int QUERIES = 8;
    static final int CLASSES = 5;

    private BlockedEvalProbe() {
    }

    /** A cheap deterministic value for element i of stream s (the parent writes and the child recomputes them). */
    static float value(long s, long i) {
        long z = (s * 0x9E3779B97F4A7C15L) ^ (i * 0xBF58476D1CE4E5B9L);
        z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
        return ((z >>> 40) % 9) * 0.25f - 1f;
    }

    static float[] queries(int d) {
        float[] q = new float[QUERIES * d];
        for (int i = 0; i < q.length; i++) {
            q[i] = value(1, i);
        }
        return q;
    }

    static int[] labels(long seed, int n) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = (int) ((value(seed, i) + 1f) * 4f) % CLASSES;
        }
        return l;
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int blockRows = Integer.parseInt(args[1]);
        try (MappedNpy db = MappedNpy.open(file)) {
            int m = (int) db.rows();
            int d = db.cols();
            List<EvalResult> r = BlockedEvaluation.evaluate(queries(d), QUERIES, DescriptorRows.mapped(db),
                    List.of(new BlockedEvaluation.Setup("descriptors", "", ApForm.STANDARD,
                            new LabelItemRelevance(labels(2, QUERIES), labels(3, m), false))),
                    BlockedEvaluation.Options.defaults().withKeep(m).withBlockRows(blockRows), (a, b) -> { });
            System.out.println("maxMemory " + Runtime.getRuntime().maxMemory());
            for (double ap : r.get(0).perQueryAp()) {
                System.out.println(Double.doubleToRawLongBits(ap));
            }
        }
    }
}
