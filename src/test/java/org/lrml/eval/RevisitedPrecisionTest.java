package org.lrml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.report.MetricsJson;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * mAP and mP@1/5/10 of the revisited protocols against an independent NumPy implementation of revisitop's
 * compute_map (src/test/resources/landmark/pipeline/make_pipeline_fixtures.py), on a 30-query, 200-image ground
 * truth in the official pickle form, with one query that has no positives at all.
 */
class RevisitedPrecisionTest {
    static final Path DIR = Path.of("src/test/resources/landmark/pipeline");

    @Test
    void matchesRevisitopsDefinitions() throws IOException {
        List<Benchmark> setups = RevisitedOxfordParis.load(DIR.resolve("gnd_rtest.pkl"), "rtest");
        NpyArray q = Npy.read(DIR.resolve("rtest_q.npy"));
        NpyArray db = Npy.read(DIR.resolve("rtest_db.npy"));
        List<DescriptorEval.Setup> s = new ArrayList<>();
        for (Benchmark b : setups) {
            s.add(new DescriptorEval.Setup(b.name(), b.setup(), b.apForm(), b.relevance()));
        }
        List<EvalResult> results = DescriptorEval.evaluate(q.toFloats(), 30, db.toFloats(), 200, 16, s);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Number>> golden = new ObjectMapper().readValue(DIR.resolve("rtest_metrics.json").toFile(),
                Map.class);
        for (EvalResult r : results) {
            Map<String, Number> g = golden.get(r.setup());
            assertEquals(g.get("mAP").doubleValue(), r.map(), 1e-12, r.title() + " mAP");
            assertEquals(g.get("queries").intValue(), r.queries(), r.title() + " queries");
            for (int k : EvalResult.PRECISION_KS) {
                assertEquals(g.get("mP@" + k).doubleValue(), r.precisionAt(k), 1e-12, r.title() + " mP@" + k);
            }
            assertTrue(r.summary().contains("mP@5"), r.summary());
        }
        String json = MetricsJson.toJson(results);
        assertTrue(json.contains("\"mP@10\""), json);
    }

    @Test
    void precisionStopsAtTheLastPositive() {
        // Positives at 1-based ranks 1 and 3 (0-based 0 and 2): mP@5 is 2/3 (k' = 3), mP@1 is 1.
        int[] ranks = {0, 2};
        assertEquals(1.0, Metrics.revisitedPrecisionAt(ranks, 2, 1), 0);
        assertEquals(2.0 / 3, Metrics.revisitedPrecisionAt(ranks, 2, 5), 1e-15);
        assertEquals(0.0, Metrics.revisitedPrecisionAt(new int[]{7}, 1, 5), 0);
    }
}
