package org.lrml.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.io.Pickle;
import org.lrml.io.PickleWriter;

/** The SfM-120k pickle and ims/ layout as cirtorch has them, and one clear error for each way a set is broken. */
class SfmDatasetTest {
    private static final SyntheticSfm.Spec TINY = new SyntheticSfm.Spec(3, 2, 3, 24, 5);

    @Test
    void readsTheGeneratedSetInCirtorchsLayout(@TempDir Path dir) throws IOException {
        SyntheticSfm.write(dir, TINY);
        SfmDataset set = SfmDataset.read(dir);
        assertEquals(9, set.train().size());
        assertEquals(6, set.val().size());
        assertArrayEquals(new int[]{0, 0, 0, 1, 1, 1, 2, 2, 2}, set.train().clusters());
        assertArrayEquals(new int[]{3, 3, 3, 4, 4, 4}, set.val().clusters());
        for (SfmSplit s : List.of(set.train(), set.val())) {
            for (int i = 0; i < s.size(); i++) {
                String cid = s.cids().get(i);
                // cirtorch's cid2filename: ims/<cid[-2:]>/<cid[-4:-2]>/<cid[-6:-4]>/<cid>, no extension.
                Path expected = dir.resolve("ims").resolve(cid.substring(30, 32)).resolve(cid.substring(28, 30))
                        .resolve(cid.substring(26, 28)).resolve(cid);
                assertEquals(expected, s.files().get(i));
                assertEquals(24, Math.max(ImageDecoder.decode(expected).height(), ImageDecoder.decode(expected).width()));
            }
            for (int p = 0; p < s.pairs(); p++) {
                assertEquals(s.clusters()[s.queries()[p]], s.clusters()[s.positives()[p]], "pair " + p);
                assertNotEquals(s.queries()[p], s.positives()[p]);
            }
        }
    }

    @Test
    void theGeneratorRepeatsItselfAndPythonsLayoutReadsBack(@TempDir Path dir) throws IOException {
        SyntheticSfm.write(dir.resolve("a"), TINY);
        SyntheticSfm.write(dir.resolve("b"), TINY);
        SfmDataset a = SfmDataset.read(dir.resolve("a"));
        SfmDataset b = SfmDataset.read(dir.resolve("b"));
        assertEquals(a.train().cids(), b.train().cids());
        assertArrayEquals(Files.readAllBytes(a.train().files().get(4)), Files.readAllBytes(b.train().files().get(4)));
        Object root = Pickle.read(dir.resolve("a").resolve(SfmDataset.PICKLE));
        assertEquals(List.of("cids", "cluster", "qidxs", "pidxs"),
                List.copyOf(((Map<?, ?>) Pickle.get(root, "train", "pkl")).keySet()));
    }

    @Test
    void aMissingImageIsNamed(@TempDir Path dir) throws IOException {
        SyntheticSfm.write(dir, TINY);
        SfmDataset set = SfmDataset.read(dir);
        String cid = set.val().cids().get(2);
        Files.delete(set.val().files().get(2));
        IOException e = assertThrows(IOException.class, () -> SfmDataset.read(dir));
        assertTrue(e.getMessage().contains(cid) && e.getMessage().contains("val") && !e.getMessage().contains("\n"),
                e.getMessage());
    }

    @Test
    void aMissingKeyIndexOrFileIsNamed(@TempDir Path dir) throws IOException {
        SyntheticSfm.write(dir, TINY);
        Path pkl = dir.resolve(SfmDataset.PICKLE);
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) Pickle.read(pkl);
        @SuppressWarnings("unchecked")
        Map<String, Object> val = new LinkedHashMap<>((Map<String, Object>) root.get("val"));
        val.remove("pidxs");
        Map<String, Object> broken = new LinkedHashMap<>(root);
        broken.put("val", val);
        PickleWriter.write(pkl, broken);
        IOException e = assertThrows(IOException.class, () -> SfmDataset.read(dir));
        assertTrue(e.getMessage().contains("val") && e.getMessage().contains("'pidxs'"), e.getMessage());

        broken.remove("val");
        PickleWriter.write(pkl, broken);
        e = assertThrows(IOException.class, () -> SfmDataset.read(dir));
        assertTrue(e.getMessage().contains("'val'"), e.getMessage());

        @SuppressWarnings("unchecked")
        List<Object> pidxs = new java.util.ArrayList<>((List<Object>) ((Map<String, Object>) root.get("val")).get("pidxs"));
        pidxs.set(pidxs.size() - 1, 99L);
        val.put("pidxs", pidxs);
        broken.put("val", val);
        PickleWriter.write(pkl, broken);
        e = assertThrows(IOException.class, () -> SfmDataset.read(dir));
        assertTrue(e.getMessage().contains("index 99") && e.getMessage().contains("val"), e.getMessage());

        Files.delete(pkl);
        e = assertThrows(IOException.class, () -> SfmDataset.read(dir));
        assertTrue(e.getMessage().contains(SfmDataset.PICKLE) && e.getMessage().contains("--data"), e.getMessage());
    }
}
