package org.lrml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.lrml.io.Npy;
import org.lrml.util.Rng;

/** Label-based evaluation: hand-checkable cases, the NumPy golden file, and the Fashion-MNIST protocols. */
class DescriptorEvalTest {
    static final Path GOLDEN = Path.of("src/test/resources/eval");

    @Test
    void handCheckedLabels() {
        // 1-D descriptors: query 1.0 ranks the database by value: 0.9 (b), 0.5 (a), 0.1 (a), -0.3 (b).
        float[] db = {0.5f, -0.3f, 0.9f, 0.1f};
        int[] dbLabels = {0, 1, 1, 0};
        float[] q = {1.0f, -1.0f};
        int[] qLabels = {0, 1};
        EvalResult r = DescriptorEval.evaluate(q, db, qLabels, dbLabels, 1, false);
        // Query 0 (label 0): ranking 2 0 3 1 -> positives at 1, 2: AP = (1/2 + 2/3) / 2.
        // Query 1 (label 1), ranking by -x: 1 3 0 2 -> positives at 0, 3: AP = (1 + 2/4) / 2.
        double ap0 = (0.5 + 2.0 / 3) / 2;
        double ap1 = (1 + 0.5) / 2;
        assertEquals((ap0 + ap1) / 2, r.map(), 1e-12);
        assertEquals(0.5, r.recallAt(1), 0);
        assertEquals(1.0, r.recallAt(2), 0);
        // mAP@R with R = 2: query 0 has 1/2 -> 0.25; query 1 has 1/1 -> 0.5.
        assertEquals((0.25 + 0.5) / 2, r.mapAtR(), 1e-12);
        assertEquals(2, r.queries());
        assertEquals(4, r.database());
        assertEquals(ap0, r.perQueryAp()[0], 1e-12);
    }

    @Test
    void leaveOneOutExcludesTheQuery() {
        // Three items, labels 0 0 1. Without exclusion each query would find itself first.
        float[] x = {1f, 0.8f, -1f};
        int[] labels = {0, 0, 1};
        EvalResult r = DescriptorEval.evaluate(x, x, labels, labels, 1, true);
        // Item 0: ranking without itself: 1 (pos), 2 -> AP 1. Item 1: 0 (pos) first -> AP 1.
        // Item 2 (label 1): no other item with label 1 -> skipped.
        assertEquals(1.0, r.map(), 0);
        assertEquals(2, r.queries());
        assertEquals(1, r.skippedQueries());
        assertTrue(Double.isNaN(r.perQueryAp()[2]));
    }

    @Test
    void matchesNumpyGolden() throws IOException {
        float[] q = Npy.read(GOLDEN.resolve("q.npy")).toFloats();
        float[] db = Npy.read(GOLDEN.resolve("db.npy")).toFloats();
        int[] ql = Npy.read(GOLDEN.resolve("q_labels.npy")).toInts("q labels");
        int[] dbl = Npy.read(GOLDEN.resolve("db_labels.npy")).toInts("db labels");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> golden = new ObjectMapper().readValue(GOLDEN.resolve("golden.json").toFile(),
                Map.class);
        check("seen", golden.get("seen"), DescriptorEval.evaluate(q, db, ql, dbl, 6, false));
        check("leave-one-out", golden.get("loo"), DescriptorEval.evaluate(db, db, dbl, dbl, 6, true));

        // The trapezoid form on the same rankings.
        DescriptorEval.Setup oxford = new DescriptorEval.Setup("golden", "oxford", ApForm.OXFORD,
                new LabelRelevance(ql, dbl, false));
        EvalResult o = DescriptorEval.evaluate(q, ql.length, db, dbl.length, 6, List.of(oxford)).get(0);
        assertEquals((Double) golden.get("seen").get("oxford_mAP"), o.map(), 1e-12);
    }

    private static void check(String what, Map<String, Object> g, EvalResult r) {
        assertEquals((Double) g.get("mAP"), r.map(), 1e-12, what + " mAP");
        assertEquals((Double) g.get("mAP@R"), r.mapAtR(), 1e-12, what + " mAP@R");
        for (int k : EvalResult.RECALL_KS) {
            assertEquals((Double) g.get("recall@" + k), r.recallAt(k), 1e-12, what + " recall@" + k);
        }
        @SuppressWarnings("unchecked")
        List<Double> perQuery = (List<Double>) g.get("per_query_ap");
        for (int i = 0; i < perQuery.size(); i++) {
            assertEquals(perQuery.get(i), r.perQueryAp()[i], 1e-12, what + " AP of query " + i);
        }
    }

    @Test
    void unseenKeepsLabelsFiveToNineLeaveOneOut() {
        Rng rng = new Rng(9);
        int n = 203;
        int d = 4;
        float[] desc = new float[n * d];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(10);
            for (int p = 0; p < d; p++) {
                desc[i * d + p] = (float) rng.nextGaussian() + labels[i] % 3;
            }
        }
        EvalResult all = FashionProtocols.unseen(desc, labels, d);
        int[] keep = FashionProtocols.indicesWithLabels(labels, new int[]{5, 6, 7, 8, 9});
        float[] sub = new float[keep.length * d];
        int[] subLabels = new int[keep.length];
        for (int i = 0; i < keep.length; i++) {
            System.arraycopy(desc, keep[i] * d, sub, i * d, d);
            subLabels[i] = labels[keep[i]];
        }
        EvalResult manual = DescriptorEval.evaluate(sub, sub, subLabels, subLabels, d, true);
        assertEquals(manual.map(), all.map(), 0);
        assertEquals(manual.recallAt(8), all.recallAt(8), 0);
        assertEquals(keep.length, all.database());
        assertEquals(FashionProtocols.UNSEEN, all.protocol());
        assertTrue(all.map() > 0 && all.map() < 1, "a non-trivial case: " + all.map());
    }

    @Test
    void sizeMistakesAreExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DescriptorEval.evaluate(new float[4], new float[6], new int[2], new int[3], 2, true));
        assertTrue(e.getMessage().contains("exclude-self"), e.getMessage());
        IllegalArgumentException labels = assertThrows(IllegalArgumentException.class,
                () -> DescriptorEval.evaluate(new float[4], new float[6], new int[3], new int[3], 2, false));
        assertTrue(labels.getMessage().contains("3 queries x 3 database items, the descriptors 2 x 3")
                || labels.getMessage().contains("values for"), labels.getMessage());
    }
}
