package org.lrml.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The typed epoch record keeps history.json's keys, order and numbers through a JSON round trip. */
class EpochRecordTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static Map<String, Object> metrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protocol", "fashion-mnist seen");
        m.put("mAP", 0.48241894543565167);
        m.put("recall@1", 0.8067);
        m.put("mAP@R", null);
        m.put("seconds", 10.6);
        return m;
    }

    static EpochRecord evaluated() {
        return new EpochRecord(2, "cpu", 0.6406123456789012, 12, 300, 1, 2, 0.9217, 1.7001, 1907L, 1107.25,
                3.231234f + 0.0, null, null).withEvaluation(48.2, metrics());
    }

    private static String json(Object o) throws Exception {
        return JSON.writeValueAsString(o);
    }

    @Test
    void writesHistoryJsonsKeysInItsOrder() {
        assertEquals(List.of("epoch", "backend", "loss", "steps", "tuples", "skipped_few_negatives", "skipped_no_positive",
                        "mine_seconds", "train_seconds", "train_images", "images_per_second", "gem_p", "eval_seconds",
                        "metrics"), List.copyOf(evaluated().toMap().keySet()));
        EpochRecord bare = new EpochRecord(1, "cpu", 0.5, 3, 10, 0, 0, 1, 2, 30, 15, null, null, null);
        Map<String, Object> m = bare.toMap();
        assertFalse(m.containsKey("gem_p") || m.containsKey("eval_seconds") || m.containsKey("metrics"), m.toString());
        assertFalse(bare.evaluated());
        assertTrue(Double.isNaN(bare.metric("mAP")));
    }

    @Test
    void jsonRoundTripGivesTheSameRecordAndTheSameText() throws Exception {
        EpochRecord r = evaluated();
        String text = json(r.toMap());
        Map<String, Object> back = JSON.readValue(text, new TypeReference<Map<String, Object>>() { });
        EpochRecord again = EpochRecord.fromMap(back, "test");
        assertEquals(r, again);
        assertEquals(text, json(again.toMap()));
        assertEquals(0.48241894543565167, again.metric("mAP"));
        assertTrue(Double.isNaN(again.metric("mAP@R")), "a null metric has no value");
    }

    @Test
    void aRecordWithoutBackendStaysWithoutIt() throws Exception {
        Map<String, Object> m = evaluated().toMap();
        m.remove("backend");
        EpochRecord r = EpochRecord.fromMap(m, "old record");
        assertEquals(null, r.backend());
        assertEquals(json(m), json(r.toMap()));
    }

    @Test
    void missingOrMistypedKeysAreNamed() {
        Map<String, Object> m = evaluated().toMap();
        m.remove("steps");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EpochRecord.fromMap(m, "history: epoch entry 1"));
        assertTrue(e.getMessage().contains("history: epoch entry 1") && e.getMessage().contains("'steps'"),
                e.getMessage());
        Map<String, Object> n = evaluated().toMap();
        n.put("metrics", "high");
        assertThrows(IllegalArgumentException.class, () -> EpochRecord.fromMap(n, "x"));
        assertThrows(IllegalArgumentException.class, () -> new EpochRecord(1, "cpu", 0.5, 3, 10, 0, 0, 1, 2, 30, 15,
                null, 1.0, null), "evaluation time without metrics");
    }

    @Test
    void historyRoundTripIsExact() throws Exception {
        History h = new History();
        h.recordUntrained(metrics());
        h.recordStep(0.7);
        h.recordStep(0.1 + 0.2);
        h.recordEpoch(evaluated());
        String text = json(h.toMap());
        Map<String, Object> back = JSON.readValue(text, new TypeReference<Map<String, Object>>() { });
        assertEquals(text, json(History.fromMap(back).toMap()));
        assertEquals(List.of(0.7, 0.1 + 0.2), History.fromMap(back).stepLosses());
    }
}
