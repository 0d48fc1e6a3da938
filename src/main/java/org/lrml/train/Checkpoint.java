package org.lrml.train;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.lrml.backend.Backends;
import org.lrml.io.AtomicFiles;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.tensor.Tensor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * A training checkpoint: one zip file (readable by NumPy's {@code np.load} as an .npz archive) holding
 * {@code meta.json} (format, completed epochs, the training config, the history so far, and since version 2 the
 * manifest {@code entries}: every tensor entry with its size and CRC-32) and one .npy entry per tensor:
 * {@code model/<name>.npy} for parameters and buffers, {@code optim/<name>.npy} for optimiser state. Written
 * atomically, so an interrupted write never damages an earlier checkpoint.
 *
 * <p>{@link #read} accepts a checkpoint only whole ({@link CheckpointReader}): a file cut anywhere, even exactly
 * between two entries, lacks the zip's central directory and is refused, and an archive that is whole but lacks a
 * tensor the manifest lists is refused as well; a missing optimiser state can therefore never be mistaken for a
 * fresh one.
 */
public record Checkpoint(Map<String, Object> meta, Map<String, NpyArray> model, Map<String, NpyArray> optimizer) {
    public static final String FORMAT = "lrml-checkpoint";
    /** The version this build writes: 2 added the manifest. */
    public static final int VERSION = 2;
    /** The key of the manifest in meta.json. */
    static final String ENTRIES = "entries";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Completed epochs at the time of the checkpoint. */
    public int epoch() {
        return ((Number) meta.get("epoch")).intValue();
    }

    @SuppressWarnings("unchecked")
    public TrainConfig config() {
        return TrainConfig.fromMap((Map<String, Object>) meta.get("config"));
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> history() {
        Object h = meta.get("history");
        return h == null ? Map.of() : (Map<String, Object>) h;
    }

    /** The model entries as CPU tensors (float32 as stored). */
    public Map<String, Tensor> modelTensors() {
        return tensors(model);
    }

    public Map<String, Tensor> optimizerTensors() {
        return tensors(optimizer);
    }

    private static Map<String, Tensor> tensors(Map<String, NpyArray> arrays) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> out.put(k, v.toTensor(Backends.cpu())));
        return out;
    }

    public static Checkpoint of(Map<String, Object> meta, Map<String, Tensor> model, Map<String, Tensor> optimizer) {
        Map<String, NpyArray> m = new LinkedHashMap<>();
        model.forEach((k, v) -> m.put(k, NpyArray.of(v)));
        Map<String, NpyArray> o = new LinkedHashMap<>();
        optimizer.forEach((k, v) -> o.put(k, NpyArray.of(v)));
        Map<String, Object> full = new LinkedHashMap<>();
        full.put("format", FORMAT);
        full.put("version", VERSION);
        full.putAll(meta);
        return new Checkpoint(full, m, o);
    }

    /**
     * Writes the checkpoint atomically (temporary file, flush, fsync, rename). meta.json comes first and lists every
     * tensor entry with its size and CRC-32, so a reader can tell a whole checkpoint from one that lost entries.
     */
    public void write(Path file) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (Map.Entry<String, NpyArray> e : model.entrySet()) {
            entries.put("model/" + e.getKey() + ".npy", npyBytes(e.getValue()));
        }
        for (Map.Entry<String, NpyArray> e : optimizer.entrySet()) {
            entries.put("optim/" + e.getKey() + ".npy", npyBytes(e.getValue()));
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        entries.forEach((name, bytes) -> manifest.put(name, manifestEntry(bytes)));
        Map<String, Object> fullMeta = new LinkedHashMap<>(meta);
        fullMeta.put("version", VERSION);
        fullMeta.put(ENTRIES, manifest);
        byte[] metaBytes = JSON.writeValueAsBytes(fullMeta);
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            zip.putNextEntry(new ZipEntry("meta.json"));
            zip.write(metaBytes);
            zip.closeEntry();
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    private static byte[] npyBytes(NpyArray a) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Npy.write(b, a);
        return b.toByteArray();
    }

    /** {"bytes": N, "crc32": "8 hex digits"}: what the manifest records of one entry. */
    static Map<String, Object> manifestEntry(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bytes", bytes.length);
        m.put("crc32", String.format("%08x", crc.getValue()));
        return m;
    }

    /**
     * Reads and checks a checkpoint; every problem is an IOException naming the file: not a whole zip archive
     * (truncated, or cut between entries), a damaged entry (CRC), an entry the manifest lists that is missing or
     * differs, an unexpected or repeated entry, a meta.json of the wrong shape, a tensor that is not float or holds
     * NaN or infinity (the trainer never saves a diverged network).
     */
    public static Checkpoint read(Path file) throws IOException {
        return CheckpointReader.read(file);
    }
}
