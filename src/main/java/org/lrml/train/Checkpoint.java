package org.lrml.train;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.lrml.backend.Backends;
import org.lrml.io.AtomicFiles;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.tensor.Tensor;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * A training checkpoint: one zip file (readable by NumPy's {@code np.load} as an .npz archive) holding
 * {@code meta.json} (format, completed epochs, the training config, the history so far) and one .npy entry
 * per tensor: {@code model/<name>.npy} for parameters and buffers, {@code optim/<name>.npy} for optimiser
 * state. Written atomically, so an interrupted write never damages an earlier checkpoint.
 */
public record Checkpoint(Map<String, Object> meta, Map<String, NpyArray> model, Map<String, NpyArray> optimizer) {
    public static final String FORMAT = "lrml-checkpoint";
    public static final int VERSION = 1;
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

    /** Writes the checkpoint atomically (temporary file, flush, fsync, rename). */
    public void write(Path file) throws IOException {
        byte[] metaBytes = JSON.writeValueAsBytes(meta);
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            zip.putNextEntry(new ZipEntry("meta.json"));
            zip.write(metaBytes);
            zip.closeEntry();
            for (Map.Entry<String, NpyArray> e : model.entrySet()) {
                zip.putNextEntry(new ZipEntry("model/" + e.getKey() + ".npy"));
                Npy.write(zip, e.getValue());
                zip.closeEntry();
            }
            for (Map.Entry<String, NpyArray> e : optimizer.entrySet()) {
                zip.putNextEntry(new ZipEntry("optim/" + e.getKey() + ".npy"));
                Npy.write(zip, e.getValue());
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    /** Reads and checks a checkpoint; every problem is an IOException naming the file. */
    public static Checkpoint read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such checkpoint file");
        }
        Map<String, Object> meta = null;
        Map<String, NpyArray> model = new LinkedHashMap<>();
        Map<String, NpyArray> optim = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            boolean any = false;
            while ((e = zip.getNextEntry()) != null) {
                any = true;
                String name = e.getName();
                byte[] bytes = readAll(zip);
                if (name.equals("meta.json")) {
                    meta = JSON.readValue(bytes, new TypeReference<Map<String, Object>>() { });
                } else if (name.startsWith("model/") && name.endsWith(".npy")) {
                    model.put(name.substring(6, name.length() - 4), Npy.read(bytes, file + ":" + name));
                } else if (name.startsWith("optim/") && name.endsWith(".npy")) {
                    optim.put(name.substring(6, name.length() - 4), Npy.read(bytes, file + ":" + name));
                } else {
                    throw new IOException(file + ": unexpected entry '" + name + "' in a checkpoint");
                }
            }
            if (!any) {
                throw new IOException(file + ": not an lrml checkpoint (not a zip archive, or empty)");
            }
        } catch (ZipException ze) {
            throw new IOException(file + ": corrupt checkpoint (" + ze.getMessage() + ")", ze);
        } catch (java.io.EOFException eof) {
            throw new IOException(file + ": truncated checkpoint", eof);
        } catch (com.fasterxml.jackson.core.JacksonException je) {
            throw new IOException(file + ": corrupt meta.json in the checkpoint: " + je.getOriginalMessage(), je);
        }
        if (meta == null) {
            throw new IOException(file + ": not an lrml checkpoint (no meta.json)");
        }
        if (!FORMAT.equals(meta.get("format"))) {
            throw new IOException(file + ": not an lrml checkpoint (format '" + meta.get("format") + "')");
        }
        Object v = meta.get("version");
        if (!(v instanceof Number n) || n.intValue() != VERSION) {
            throw new IOException(file + ": checkpoint version " + v + " is not supported (this build reads version "
                    + VERSION + ")");
        }
        if (!(meta.get("epoch") instanceof Number) || !(meta.get("config") instanceof Map)) {
            throw new IOException(file + ": checkpoint meta.json lacks 'epoch' or 'config'");
        }
        if (model.isEmpty()) {
            throw new IOException(file + ": checkpoint holds no model tensors");
        }
        return new Checkpoint(meta, model, optim);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toByteArray();
    }
}
