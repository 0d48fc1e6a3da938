package org.lrml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lrml.data.BoundingBox;
import org.lrml.data.ChwImage;
import org.lrml.data.ImagePrep;
import org.lrml.data.Normalization;

/**
 * Every image benchmark on tiny fixtures in the official formats (make_protocol_fixtures.py), with the
 * expected numbers worked out by hand below. Image fixtures are solid colours at an angle t in the
 * red-green plane; a {@link MeanColour} extractor makes the cosine of two images cos(t1 - t2), so rankings
 * follow angle differences.
 */
class ProtocolFixturesTest {
    static final Path FIXTURES = Path.of("src/test/resources/protocols");

    /** Descriptor = the image's mean colour, unit length (RGB, no resizing, no normalisation). */
    static final class MeanColour implements DescriptorExtractor {
        final List<String> seen = new ArrayList<>();

        @Override
        public ImagePrep prep() {
            return new ImagePrep(3, 0, Normalization.NONE);
        }

        @Override
        public float[] extract(ChwImage image) {
            seen.add(image.width() + "x" + image.height());
            float[] mean = new float[3];
            for (int c = 0; c < 3; c++) {
                double s = 0;
                for (int i = 0; i < image.plane(); i++) {
                    s += image.data()[c * image.plane() + i];
                }
                mean[c] = (float) (s / image.plane());
            }
            return unit(mean);
        }
    }

    static float[] unit(float[] v) {
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        float[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] /= (float) Math.sqrt(n);
        }
        return out;
    }

    static float[] angle(double degrees) {
        double t = Math.toRadians(degrees);
        return new float[]{(float) Math.cos(t), (float) Math.sin(t), 0f};
    }

    // ------------------------------------------------------------------ Oxford5k (images) and Paris6k (names)

    /*
     * Database (sorted names) and angles: 0 all_souls_000001 (query image: left half 0, right half 90 ->
     * mean at 45), 1 all_souls_000002 (10), 2 all_souls_000003 (25), 3 all_souls_000004 (50),
     * 4 ashmolean_000001 (query image: left 12 px at 90, right 4 px at 0 -> about 71.6), 5 ashmolean_000002
     * (80), 6 ashmolean_000003 (65), 7 magdalen_000001 (35).
     *
     * all_souls_1: box = left half -> query at 0; ranking 1 2 7 0 3 6 4 5. good {0, 1}, ok {3}, junk {2}:
     * junk-free ranking 1 7 0 3 6 4 5, positives at 0, 2, 3. Oxford AP = [ (1+1)/2 + (1/2+2/3)/2
     * + (2/3+3/4)/2 ] / 3 = 0.763888...
     * ashmolean_1: box = left 12 px -> query at 90; ranking 5 4 6 3 0 7 2 1. good {4, 5}, junk {6}:
     * positives at 0, 1 -> AP 1. mAP = 0.881944..., Recall@1 = 1.
     */
    static final double ALL_SOULS_AP = (1.0 + (0.5 + 2.0 / 3) / 2 + (2.0 / 3 + 0.75) / 2) / 3;

    @Test
    void oxford5kFromImagesWithQueryCropping() throws IOException {
        MeanColour extractor = new MeanColour();
        List<EvalResult> results = Protocols.run(Protocols.Protocol.OXFORD5K, FIXTURES.resolve("oxford5k"), extractor,
                (done, total) -> {
                });
        assertEquals(1, results.size());
        EvalResult r = results.get(0);
        assertEquals(ApForm.OXFORD, r.apForm());
        assertEquals(ALL_SOULS_AP, r.perQueryAp()[0], 1e-9);
        assertEquals(1.0, r.perQueryAp()[1], 1e-9);
        assertEquals((ALL_SOULS_AP + 1) / 2, r.map(), 1e-9);
        assertEquals(1.0, r.recallAt(1), 0);
        assertEquals(8, r.database());
        assertEquals(2, r.queries());
        // Database images are whole (16 x 12); the queries were cropped to 8 x 12 and 12 x 12.
        assertEquals(List.of("8x12", "12x12"), extractor.seen.subList(8, 10));
    }

    @Test
    void paris6kGroundTruthWithoutPrefix() throws IOException {
        String[] names = {"all_souls_000001", "all_souls_000002", "all_souls_000003", "all_souls_000004",
                "ashmolean_000001", "ashmolean_000002", "ashmolean_000003", "magdalen_000001"};
        double[] angles = {45, 10, 25, 50, 71.6, 80, 65, 35};
        Map<String, float[]> db = new HashMap<>();
        List<String> database = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            database.add("paris_" + names[i]);
            db.put("paris_" + names[i], angle(angles[i]));
        }
        Map<String, float[]> queries = Map.of("paris_all_souls_000001", angle(0), "paris_ashmolean_000001", angle(90));
        Benchmark b = OxfordParis.load(FIXTURES.resolve("paris6k/gt"), database, "paris6k");
        assertEquals("paris_all_souls_000001", b.queries().get(0).image());
        assertEquals(new BoundingBox(0.4, 0, 11.6, 12), b.queries().get(1).box());
        List<String> boxed = new ArrayList<>();
        EvalResult r = BenchmarkEval.evaluate(List.of(b), (image, box) -> {
            if (box == null) {
                return db.get(image);
            }
            boxed.add(image);
            return queries.get(image);
        }).get(0);
        assertEquals(List.of("paris_all_souls_000001", "paris_ashmolean_000001"), boxed, "queries come with a box");
        assertEquals((ALL_SOULS_AP + 1) / 2, r.map(), 1e-9);
    }

    @Test
    void groundTruthNamingAnUnknownImageIsAnError() {
        IOException e = assertThrows(IOException.class,
                () -> OxfordParis.load(FIXTURES.resolve("oxford5k/gt"), List.of("all_souls_000001"), "oxford5k"));
        assertTrue(e.getMessage().contains("all_souls_1_good.txt") && e.getMessage().contains("all_souls_000002"),
                e.getMessage());
    }

    @Test
    void missingGroundTruthFileIsNamed(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a_1_query.txt"), "oxc1_x 0 0 1 1\n");
        Files.writeString(dir.resolve("a_1_good.txt"), "x\n");
        IOException e = assertThrows(IOException.class, () -> OxfordParis.load(dir, List.of("x"), "oxford5k"));
        assertTrue(e.getMessage().contains("a_1_ok.txt") && e.getMessage().contains("missing"), e.getMessage());
    }

    // ------------------------------------------------------------------ revisited Oxford / Paris (pickles)

    /*
     * imlist has 8 images; database descriptors are the unit vectors e_0..e_7, so a query vector w ranks
     * item i by w_i. Rankings chosen: q0: 3 2 5 0 6 1 4 7, q1: 0 4 6 1 5 2 3 7, q2: anything.
     * gnd: q0 easy {0,1} hard {2} junk {3}; q1 easy {} hard {4,5} junk {6}; q2 easy {} hard {} junk {7}.
     *
     * Easy (pos easy, junk junk+hard): q0 junk-free 5 0 6 1 4 7, positives at 1, 3:
     *   AP = [(0 + 1/2)/2 + (1/3 + 2/4)/2] / 2 = 1/3. q1, q2 no positive -> skipped. mAP 1/3, R@1 0, R@2 1.
     * Medium (pos easy+hard, junk junk): q0 2 5 0 6 1 4 7, positives at 0, 2, 4:
     *   AP = [1 + (1/2 + 2/3)/2 + (2/4 + 3/5)/2] / 3 = 0.711111; q1 0 4 1 5 2 3 7 -> positives at 1, 3: AP 1/3.
     *   mAP = 0.522222, R@1 = 1/2 (q1's first positive is second), q2 skipped.
     * Hard (pos hard, junk junk+easy): q0 2 5 6 4 7 -> rank 0, AP 1; q1 as Medium, 1/3. mAP 2/3.
     */
    static final double Q0_MEDIUM = (1 + (0.5 + 2.0 / 3) / 2 + (0.5 + 0.6) / 2) / 3;

    static DescriptorSource revisitedSource(List<String> imlist, List<String> qimlist) {
        Map<String, float[]> db = new HashMap<>();
        for (int i = 0; i < imlist.size(); i++) {
            float[] e = new float[8];
            e[i] = 1;
            db.put(imlist.get(i), e);
        }
        int[][] rankings = {{3, 2, 5, 0, 6, 1, 4, 7}, {0, 4, 6, 1, 5, 2, 3, 7}, {7, 6, 5, 4, 3, 2, 1, 0}};
        Map<String, float[]> q = new HashMap<>();
        for (int k = 0; k < 3; k++) {
            float[] w = new float[8];
            for (int r = 0; r < 8; r++) {
                w[rankings[k][r]] = 8 - r;
            }
            q.put(qimlist.get(k), w);
        }
        return (image, box) -> box == null ? db.get(image) : q.get(image);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"roxford5k/lists-p2", "roxford5k/lists-p4", "roxford5k/numpy-p2", "roxford5k/numpy-p4"})
    void revisitedOxfordSetups(String folder) throws IOException {
        List<Benchmark> setups = RevisitedOxfordParis.load(FIXTURES.resolve(folder).resolve("gnd_roxford5k.pkl"),
                "roxford5k");
        checkRevisited(setups);
    }

    @Test
    void revisitedParis() throws IOException {
        checkRevisited(RevisitedOxfordParis.load(FIXTURES.resolve("rparis6k/gnd_rparis6k.pkl"), "rparis6k"));
    }

    private static void checkRevisited(List<Benchmark> setups) throws IOException {
        assertEquals(List.of("easy", "medium", "hard"), setups.stream().map(Benchmark::setup).toList());
        Benchmark medium = setups.get(1);
        assertEquals(8, medium.database().size());
        assertEquals(new BoundingBox(10.5, 20.0, 110.25, 200.0), medium.queries().get(0).box());
        List<String> qnames = medium.queries().stream().map(Benchmark.Query::image).toList();
        List<EvalResult> r = BenchmarkEval.evaluate(setups, revisitedSource(medium.database(), qnames));
        EvalResult easy = r.get(0);
        EvalResult med = r.get(1);
        EvalResult hard = r.get(2);
        assertEquals(1.0 / 3, easy.map(), 1e-12);
        assertEquals(1, easy.queries());
        assertEquals(2, easy.skippedQueries());
        assertEquals(0.0, easy.recallAt(1), 0);
        assertEquals(1.0, easy.recallAt(2), 0);
        assertEquals((Q0_MEDIUM + 1.0 / 3) / 2, med.map(), 1e-12);
        assertEquals(2, med.queries());
        assertEquals(0.5, med.recallAt(1), 0);
        assertEquals((1 + 1.0 / 3) / 2, hard.map(), 1e-12);
        assertEquals(1.0, hard.perQueryAp()[0], 1e-12);
        assertTrue(Double.isNaN(hard.perQueryAp()[2]), "q2 has no positive in any setup");
    }

    @Test
    void revisitedFromTheDatasetFolderChecksImages(@TempDir Path dir) throws IOException {
        Files.copy(FIXTURES.resolve("rparis6k/gnd_rparis6k.pkl"), dir.resolve("gnd_rparis6k.pkl"));
        IOException e = assertThrows(IOException.class,
                () -> Protocols.imageBenchmark(Protocols.Protocol.RPARIS6K, dir));
        assertTrue(e.getMessage().contains("all_souls_000013") && e.getMessage().contains("not found"), e.getMessage());
        IOException none = assertThrows(IOException.class,
                () -> Protocols.imageBenchmark(Protocols.Protocol.ROXFORD5K, dir));
        assertTrue(none.getMessage().contains("gnd_roxford5k.pkl"), none.getMessage());
    }

    // ------------------------------------------------------------------ Holidays (images)

    /*
     * Images (sorted) and angles: 0 100000 (0, query), 1 100001 (30), 2 100002 (60), 3 100100 (90, query),
     * 4 100101 (50), 5 100200 (20, query of a group without other images -> skipped).
     * 100000: itself removed; ranking 5 1 4 2 3; positives {1, 2} at ranks 1, 3:
     *   AP = [(0 + 1/2)/2 + (1/3 + 2/4)/2] / 2 = 1/3.
     * 100100: ranking 2 4 1 5 0; positive {4} at rank 1: AP = (0 + 1/2)/2 = 1/4.
     * mAP = 7/24, Recall@1 = 0, Recall@2 = 1.
     */
    @Test
    void holidaysFromImages() throws IOException {
        List<EvalResult> results = Protocols.run(Protocols.Protocol.HOLIDAYS, FIXTURES.resolve("holidays"),
                new MeanColour(), (done, total) -> {
                });
        EvalResult r = results.get(0);
        assertEquals(3, r.queries() + r.skippedQueries());
        assertEquals(1, r.skippedQueries());
        assertEquals(1.0 / 3, r.perQueryAp()[0], 1e-6);
        assertEquals(0.25, r.perQueryAp()[1], 1e-6);
        assertEquals(7.0 / 24, r.map(), 1e-6);
        assertEquals(0.0, r.recallAt(1), 0);
        assertEquals(1.0, r.recallAt(2), 0);
        assertEquals(6, r.database());
    }

    @Test
    void holidaysGroupsAndNames() {
        Benchmark b = Holidays.load(List.of("100101", "100000", "100100", "100001"));
        assertEquals(List.of("100000", "100001", "100100", "100101"), b.database());
        assertEquals("100000", b.queries().get(0).image());
        assertNull(b.queries().get(0).box());
        assertEquals(1, b.queries().get(0).positives()[0]);
        assertEquals(0, b.queries().get(0).junk()[0], "the query leaves its own ranking");
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> Holidays.load(List.of("100000", "holiday")));
        assertTrue(name.getMessage().contains("'holiday'"), name.getMessage());
        IllegalArgumentException noQuery = assertThrows(IllegalArgumentException.class,
                () -> Holidays.load(List.of("100001")));
        assertTrue(noQuery.getMessage().contains("no query image 100000"), noQuery.getMessage());
    }

    @Test
    void positivesAndJunkMustNotOverlap() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Benchmark("b", "", ApForm.OXFORD,
                List.of("x", "y"), List.of(new Benchmark.Query("x", null, new int[]{1}, new int[]{1}))));
        assertTrue(e.getMessage().contains("both as a positive and as junk"), e.getMessage());
    }
}
