package org.lrml.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SettingTest {
    private static final String[] TOUCHED = {"lrml.cuda.device", "lrml.cpu.vector", "lrml.cuda.similarityRank",
            "lrml.cuda.kernel.sgemm_f32", "lrml.cuda.kernel.topk_select_f32", "lrml.cuda.kernel."};

    @AfterEach
    void clear() {
        for (String k : TOUCHED) {
            System.clearProperty(k);
        }
    }

    @Test
    void valuesAreTrimmedAndBlankMeansUnset() {
        assertNull(Setting.CUDA_DEVICE.value());
        System.setProperty("lrml.cuda.device", "  ");
        assertNull(Setting.CUDA_DEVICE.value());
        assertEquals(0, Setting.CUDA_DEVICE.intValue(0, 0));
        System.setProperty("lrml.cuda.device", " 2 ");
        assertEquals(2, Setting.CUDA_DEVICE.intValue(0, 0));
    }

    @Test
    void malformedValuesNameThePropertyAndWhatItTakes() {
        System.setProperty("lrml.cuda.device", "first");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Setting.CUDA_DEVICE.intValue(0, 0));
        assertTrue(e.getMessage().startsWith("-Dlrml.cuda.device=first: expected an integer >= 0"), e.getMessage());
        System.setProperty("lrml.cuda.device", "-1");
        assertThrows(IllegalArgumentException.class, () -> Setting.CUDA_DEVICE.intValue(0, 0));
        System.setProperty("lrml.cpu.vector", "yes");
        e = assertThrows(IllegalArgumentException.class, () -> Setting.CPU_VECTOR.booleanValue(true));
        assertTrue(e.getMessage().contains("expected true or false"), e.getMessage());
        System.setProperty("lrml.cpu.vector", "FALSE");
        assertFalse(Setting.CPU_VECTOR.booleanValue(true));
        System.setProperty("lrml.cuda.similarityRank", "Quick");
        e = assertThrows(IllegalArgumentException.class,
                () -> Setting.CUDA_SIMILARITY_RANK.choice("auto", "auto", "fused", "blocked"));
        assertTrue(e.getMessage().contains("=Quick: expected auto, fused, blocked"), e.getMessage());
        System.setProperty("lrml.cuda.similarityRank", "Fused");
        assertEquals("fused", Setting.CUDA_SIMILARITY_RANK.choice("auto", "auto", "fused", "blocked"));
    }

    @Test
    void prefixSettingsCollectEveryName() {
        System.setProperty("lrml.cuda.kernel.sgemm_f32", "1");
        System.setProperty("lrml.cuda.kernel.topk_select_f32", "v2");
        System.setProperty("lrml.cuda.kernel.", "ignored: no name");
        assertEquals(Map.of("sgemm_f32", "1", "topk_select_f32", "v2"), Setting.CUDA_KERNEL.valuesByName());
        assertEquals("1", Setting.CUDA_KERNEL.value("sgemm_f32"));
        assertThrows(IllegalStateException.class, Setting.CUDA_KERNEL::value);
        assertThrows(IllegalStateException.class, () -> Setting.CUDA_DEVICE.value("x"));
    }

    @Test
    void theListingHasEverySettingWithItsDefaultAndCurrentValue() {
        System.setProperty("lrml.cuda.device", "1");
        List<String> lines = Setting.describeAll();
        assertEquals(Setting.values().length, lines.size());
        for (Setting s : Setting.values()) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("-D" + s.key())), s.key() + " missing from " + lines);
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("-Dlrml.cuda.device") && l.endsWith("[set: 1]")), lines.toString());
    }
}
