package org.lrml.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.nn.RetrievalNet;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.Fuzz;
import org.lrml.testutil.Mutator;
import org.lrml.util.Rng;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Property: every checkpoint file, however damaged or edited, either loads as a network ({@link NetExtractor#load},
 * which reads, verifies, checks the config and builds the network) or is refused with an IOException naming the
 * file; never another exception, a hang, or memory beyond a fixed multiple of the file's size (zip entries may
 * inflate about 1032-fold). Inputs: a valid checkpoint cut anywhere (entry boundaries included), damaged at the
 * byte level, and rebuilt with entries dropped, repeated, renamed, stored uncompressed or replaced by broken
 * .npy files, and with meta.json edited: wrong JSON types, sizes at the edges of int, a config that declares a
 * network far larger than the file holds, broken syntax, deep nesting; half the rebuilt ones get a manifest that
 * matches their edits, so the checks behind it are reached too.
 */
class CheckpointPropertyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static byte[] good;
    static List<Integer> boundaries;

    @BeforeAll
    static void aSmallCheckpoint() throws IOException {
        TrainConfig cfg = TrainConfig.builder().backend("cpu")
                .net(new RetrievalNet.Config(1, new int[]{2, 3, 4}, 5, RetrievalNet.Pooling.GEM, 3.0)).build();
        Map<String, Tensor> model = new RetrievalNet(cfg.net(), new Rng(1).fork(0)).stateDict();
        Map<String, Tensor> optim = new LinkedHashMap<>();
        optim.put("group.0.lr", Tensor.of(org.lrml.backend.Backends.cpu(), new float[]{1e-3f}));
        optim.put("param.0.exp_avg", model.values().iterator().next());
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("epoch", 1);
        meta.put("config", cfg.toMap());
        meta.put("history", Map.of("step_losses", List.of(0.5, 0.25)));
        Path f = tmp.resolve("good.ckpt");
        Checkpoint.of(meta, model, optim).write(f);
        good = Files.readAllBytes(f);
        boundaries = new ArrayList<>();
        for (int i = 0; i + 4 <= good.length; i++) {
            if (good[i] == 'P' && good[i + 1] == 'K' && (good[i + 2] == 3 || good[i + 2] == 1 || good[i + 2] == 5)) {
                boundaries.add(i);
            }
        }
    }

    @Test
    void everyCheckpointLoadsOrIsRefusedWithANamedIoError() {
        Fuzz.Check<byte[]> check = Fuzz.documented(IOException.class, (bytes, name) -> {
            Path f = Files.write(tmp.resolve(name), bytes);
            try {
                NetExtractor.load(f, "cpu", 28);
            } finally {
                Files.delete(f);
            }
        });
        Fuzz.Summary s = Fuzz.Property.ofBytes("checkpoint", CheckpointPropertyTest::generate, check, 4096, 8 << 20)
                .verify();
        assertEquals(Fuzz.count(), s.total());
    }

    static byte[] generate(Random rng) {
        int[] cuts = boundaries.stream().mapToInt(Integer::intValue).toArray();
        return switch (rng.nextInt(8)) {
            case 0 -> java.util.Arrays.copyOf(good,
                    Math.max(0, Math.min(good.length, cuts[rng.nextInt(cuts.length)] + rng.nextInt(3) - 1)));
            case 1, 2 -> Mutator.mutate(good, rng, 3, null, cuts);
            default -> rebuilt(rng);
        };
    }

    /** The good checkpoint's entries, edited, written as a new zip. */
    static byte[] rebuilt(Random rng) {
        Map<String, byte[]> entries = entries(good);
        List<String> names = new ArrayList<>(entries.keySet());
        int edits = 1 + rng.nextInt(3);
        for (int e = 0; e < edits; e++) {
            String victim = names.get(rng.nextInt(names.size()));
            switch (rng.nextInt(7)) {
                case 0 -> entries.remove(victim);
                case 1 -> entries.put(weirdName(rng), entries.getOrDefault(victim, new byte[0]));
                case 2, 3 -> entries.put("meta.json", editMeta(entries.get("meta.json"), rng));
                case 4 -> entries.put(victim, victim.equals("meta.json") ? Mutator.mutate(entries.getOrDefault(victim,
                        new byte[0]), rng, 2, null) : brokenNpy(rng));
                default -> entries.put("meta.json", editConfig(entries.get("meta.json"), rng));
            }
        }
        if (rng.nextBoolean() && entries.get("meta.json") != null) {
            entries.put("meta.json", withMatchingManifest(entries));
        }
        return zip(entries, rng.nextInt(4) == 0, rng.nextInt(10) == 0 ? names.get(0) : null);
    }

    private static String weirdName(Random rng) {
        String[] names = {"model/x.npy", "optim/param.9.step.npy", "../escape.npy", "model/\u001b[2J.npy", "notes.txt",
                "model/", "model/a b.npy", "meta.json.bak", "optim/.npy"};
        return names[rng.nextInt(names.length)];
    }

    private static byte[] brokenNpy(Random rng) {
        byte[] npy = switch (rng.nextInt(3)) {
            case 0 -> org.lrml.io.NpyPropertyTest.generate(rng);
            case 1 -> npy(NpyArray.of(new float[]{Float.NaN, 1}, 2));
            default -> npy(NpyArray.of(new long[]{1, 2, 3}, 3));
        };
        return npy;
    }

    private static byte[] npy(NpyArray a) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Npy.write(out, a);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static final Object[] ODD_VALUES = {null, -1, 0, 2.5, "2", "x", List.of(), Map.of(), true,
            Integer.MAX_VALUE, Long.MAX_VALUE, 1L << 40, List.of(1, "a"), Map.of("a", List.of(Map.of()))};

    private static Object odd(Random rng) {
        return ODD_VALUES[rng.nextInt(ODD_VALUES.length)];
    }

    @SuppressWarnings("unchecked")
    private static byte[] editMeta(byte[] metaJson, Random rng) {
        if (metaJson == null) {
            metaJson = entries(good).get("meta.json");
        }
        if (rng.nextInt(6) == 0) {
            return rng.nextBoolean() ? Mutator.mutate(metaJson, rng, 3, null)
                    : ("[".repeat(100_000) + "]".repeat(100_000)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        Map<String, Object> m = read(metaJson);
        String[] keys = {"format", "version", "epoch", "config", "history", "entries", "engine"};
        String key = keys[rng.nextInt(keys.length)];
        if (rng.nextInt(4) == 0) {
            m.remove(key);
        } else if (key.equals("history") && rng.nextBoolean()) {
            Map<String, Object> history = new LinkedHashMap<>();
            history.put(rng.nextBoolean() ? "epochs" : "step_losses", odd(rng));
            m.put("history", history);
        } else if (key.equals("entries") && m.get("entries") instanceof Map<?, ?> entries && !entries.isEmpty()) {
            Map<String, Object> e = new LinkedHashMap<>((Map<String, Object>) entries);
            String one = e.keySet().iterator().next();
            e.put(one, rng.nextBoolean() ? odd(rng) : Map.of("bytes", 1, "crc32", "00000000"));
            m.put("entries", e);
        } else {
            m.put(key, odd(rng));
        }
        return write(m);
    }

    @SuppressWarnings("unchecked")
    private static byte[] editConfig(byte[] metaJson, Random rng) {
        if (metaJson == null) {
            metaJson = entries(good).get("meta.json");
        }
        Map<String, Object> m = read(metaJson);
        if (!(m.get("config") instanceof Map<?, ?> c)) {
            return metaJson;
        }
        Map<String, Object> config = new LinkedHashMap<>((Map<String, Object>) c);
        if (!(config.get("net") instanceof Map<?, ?> n)) {
            return metaJson;
        }
        Map<String, Object> net = new LinkedHashMap<>((Map<String, Object>) n);
        switch (rng.nextInt(5)) {
            case 0 -> net.put("widths", List.of(big(rng), big(rng), big(rng)));
            case 1 -> net.put("dim", big(rng));
            case 2 -> net.put("in_channels", big(rng));
            case 3 -> net.put(rng.nextBoolean() ? "widths" : "pooling", odd(rng));
            default -> config.put(rng.nextBoolean() ? "epochs" : "seed", odd(rng));
        }
        config.put("net", net);
        m.put("config", config);
        return write(m);
    }

    private static Object big(Random rng) {
        long v = Mutator.interestingSize(rng);
        return rng.nextBoolean() ? v : (Object) (int) Math.min(Integer.MAX_VALUE, Math.max(-1, v));
    }

    private static byte[] withMatchingManifest(Map<String, byte[]> entries) {
        Map<String, Object> m;
        try {
            m = JSON.readValue(entries.get("meta.json"), new TypeReference<Map<String, Object>>() { });
        } catch (IOException | RuntimeException e) {
            return entries.get("meta.json");
        }
        if (m == null) {
            return entries.get("meta.json");
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        entries.forEach((name, bytes) -> {
            if (!name.equals("meta.json")) {
                manifest.put(name, Checkpoint.manifestEntry(bytes));
            }
        });
        m.put("entries", manifest);
        return write(m);
    }

    private static Map<String, Object> read(byte[] json) {
        if (json == null) {
            return new LinkedHashMap<>();
        }
        try {
            Map<String, Object> m = JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
            return m == null ? new LinkedHashMap<>() : new LinkedHashMap<>(m);
        } catch (IOException e) {
            return new LinkedHashMap<>();
        }
    }

    private static byte[] write(Map<String, Object> m) {
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, byte[]> entries(byte[] zip) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.put(e.getName(), in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** A zip of the entries, deflated or stored; {@code twice} names an entry written a second time. */
    private static byte[] zip(Map<String, byte[]> entries, boolean stored, String twice) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(b)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                put(out, e.getKey(), e.getValue(), stored);
            }
            if (twice != null && entries.containsKey(twice)) {
                put(out, twice, entries.get(twice), stored);
            }
        } catch (IOException | IllegalArgumentException e) {
            // ZipOutputStream refuses a repeated name: write the set without it
            return zip(entries, stored, null);
        }
        return b.toByteArray();
    }

    private static void put(ZipOutputStream out, String name, byte[] bytes, boolean stored) throws IOException {
        ZipEntry e = new ZipEntry(name);
        if (stored) {
            CRC32 crc = new CRC32();
            crc.update(bytes);
            e.setMethod(ZipEntry.STORED);
            e.setSize(bytes.length);
            e.setCrc(crc.getValue());
        }
        out.putNextEntry(e);
        out.write(bytes);
        out.closeEntry();
    }
}
