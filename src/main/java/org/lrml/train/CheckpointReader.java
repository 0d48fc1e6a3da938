package org.lrml.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.lrml.io.InputFiles;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.io.Printable;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a {@link Checkpoint} only when it is whole, through the zip's central directory (which a file cut anywhere
 * lacks) rather than by streaming local entries (which would take a file cut between two entries for a complete
 * one). Each entry is read up to the size the directory declares and no further, its CRC-32 is checked, and the
 * size is bounded by what deflate can make of the compressed bytes actually in the file, so a damaged or hostile
 * archive costs at most a fixed multiple of its own size in memory.
 */
final class CheckpointReader {
    /** Deflate expands at most about 1032:1; anything claiming more is not a real entry. */
    private static final long MAX_INFLATION = 1100;
    private static final Pattern TENSOR = Pattern.compile("(model|optim)/([A-Za-z0-9_.\\-]+)\\.npy");
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointReader() {
    }

    static Checkpoint read(Path file) throws IOException {
        InputFiles.requireRegularFile(file, "a checkpoint");
        String name = Printable.of(file.toString(), 400);
        Map<String, byte[]> entries = entries(file, name);
        byte[] metaBytes = entries.remove("meta.json");
        if (metaBytes == null) {
            throw new IOException(name + ": not an lrml checkpoint (no meta.json)");
        }
        Map<String, Object> meta = meta(metaBytes, name);
        checkManifest(meta, entries, name);
        Map<String, NpyArray> model = new LinkedHashMap<>();
        Map<String, NpyArray> optim = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            var m = TENSOR.matcher(e.getKey());
            if (!m.matches()) {
                throw new IOException(name + ": unexpected entry '" + Printable.of(e.getKey()) + "' in a checkpoint");
            }
            NpyArray a = Npy.read(e.getValue(), name + ":" + e.getKey());
            requireFiniteFloats(a, name + ":" + e.getKey());
            (m.group(1).equals("model") ? model : optim).put(m.group(2), a);
        }
        if (model.isEmpty()) {
            throw new IOException(name + ": checkpoint holds no model tensors");
        }
        return new Checkpoint(meta, model, optim);
    }

    /** Every entry's bytes, by name, in the order of the central directory. */
    private static Map<String, byte[]> entries(Path file, String name) throws IOException {
        long fileSize = Files.size(file);
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> all = zip.entries();
            while (all.hasMoreElements()) {
                ZipEntry e = all.nextElement();
                String entry = e.getName();
                if (out.containsKey(entry)) {
                    throw new IOException(name + ": corrupt checkpoint: the entry '" + Printable.of(entry)
                            + "' appears twice");
                }
                if (!entry.equals("meta.json") && !TENSOR.matcher(entry).matches()) {
                    throw new IOException(name + ": unexpected entry '" + Printable.of(entry) + "' in a checkpoint");
                }
                out.put(entry, entry(zip, e, fileSize, name));
            }
        } catch (IOException | IllegalArgumentException e) {
            if (e instanceof IOException && e.getMessage() != null && e.getMessage().startsWith(name + ":")) {
                throw (IOException) e;
            }
            // java.util.zip reports a broken archive as ZipException, EOFException (an END record pointing past the
            // end), or for a malformed entry name IllegalArgumentException.
            throw new IOException(name + ": " + (startsLikeZip(file) ? "truncated or corrupt checkpoint (not a whole"
                    + " zip archive: " + Printable.of(e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()) + ")" : "not an lrml checkpoint (not a zip archive)"), e);
        }
        if (out.isEmpty()) {
            throw new IOException(name + ": not an lrml checkpoint (an empty zip archive)");
        }
        return out;
    }

    private static boolean startsLikeZip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4);
            return head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
        }
    }

    private static byte[] entry(ZipFile zip, ZipEntry e, long fileSize, String name) throws IOException {
        String where = name + ":" + Printable.of(e.getName());
        long size = e.getSize();
        long packed = e.getCompressedSize();
        if (size < 0 || packed < 0 || packed > fileSize || size > Integer.MAX_VALUE - 16
                || size > MAX_INFLATION * packed + 1024) {
            throw new IOException(where + ": corrupt checkpoint: the zip directory declares " + size + " bytes from "
                    + packed + " compressed bytes in a file of " + fileSize);
        }
        byte[] bytes;
        try (InputStream in = zip.getInputStream(e)) {
            bytes = in.readNBytes((int) size);
            if (bytes.length < size) {
                throw new IOException(where + ": truncated entry: " + bytes.length + " of " + size + " bytes");
            }
            if (in.read() >= 0) {
                throw new IOException(where + ": corrupt entry: more data than the " + size + " bytes declared");
            }
        } catch (java.util.zip.ZipException | java.io.EOFException ex) {
            throw new IOException(where + ": corrupt entry (" + Printable.of(String.valueOf(ex.getMessage())) + ")", ex);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        if (crc.getValue() != e.getCrc()) {
            throw new IOException(where + ": corrupt entry: its CRC-32 is " + String.format("%08x", crc.getValue())
                    + ", the zip directory records " + String.format("%08x", e.getCrc()));
        }
        return bytes;
    }

    private static Map<String, Object> meta(byte[] bytes, String name) throws IOException {
        Map<String, Object> meta;
        try {
            meta = JSON.readValue(bytes, new TypeReference<Map<String, Object>>() { });
        } catch (JacksonException je) {
            throw new IOException(name + ": corrupt meta.json in the checkpoint: "
                    + Printable.of(je.getOriginalMessage(), 200), je);
        } catch (IOException e) {
            // Jackson's encoding detection throws plain IOExceptions (CharConversionException) for bytes that are no
            // Unicode text at all.
            throw new IOException(name + ": corrupt meta.json in the checkpoint (not UTF-8 JSON: "
                    + Printable.of(String.valueOf(e.getMessage()), 200) + ")", e);
        }
        if (meta == null) {
            throw new IOException(name + ": corrupt meta.json in the checkpoint: not a JSON object");
        }
        if (!Checkpoint.FORMAT.equals(meta.get("format"))) {
            throw new IOException(name + ": not an lrml checkpoint (format '" + Printable.of(String.valueOf(
                    meta.get("format"))) + "')");
        }
        Object v = meta.get("version");
        if (!(v instanceof Integer n) || n < 1 || n > Checkpoint.VERSION) {
            throw new IOException(name + ": checkpoint version " + Printable.of(String.valueOf(v)) + " is not supported"
                    + " (this build reads versions 1 to " + Checkpoint.VERSION + ")");
        }
        if (!(meta.get("epoch") instanceof Integer epoch) || epoch < 0 || !(meta.get("config") instanceof Map)) {
            throw new IOException(name + ": checkpoint meta.json lacks 'epoch' (a whole number >= 0) or 'config'"
                    + " (an object)");
        }
        Object h = meta.get("history");
        if (h != null && !(h instanceof Map)) {
            throw new IOException(name + ": checkpoint meta.json: 'history' must be an object");
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> history = (Map<String, Object>) h;
            History.fromMap(history);
        } catch (IllegalArgumentException e) {
            throw new IOException(name + ": checkpoint meta.json: " + e.getMessage(), e);
        }
        return meta;
    }

    /**
     * Version 2 lists every tensor entry with its size and CRC-32: the archive must hold exactly those, byte for
     * byte. Version 1 (written before the manifest) has only the zip's own directory and CRCs.
     */
    private static void checkManifest(Map<String, Object> meta, Map<String, byte[]> entries, String name)
            throws IOException {
        int version = (Integer) meta.get("version");
        Object m = meta.get(Checkpoint.ENTRIES);
        if (version < 2) {
            return;
        }
        if (!(m instanceof Map<?, ?> manifest)) {
            throw new IOException(name + ": corrupt checkpoint: meta.json has no '" + Checkpoint.ENTRIES
                    + "' manifest (every version-2 checkpoint lists its tensors)");
        }
        List<String> missing = new ArrayList<>();
        for (Object key : manifest.keySet()) {
            byte[] bytes = entries.get(String.valueOf(key));
            if (bytes == null) {
                missing.add(Printable.of(String.valueOf(key)));
            } else if (!Checkpoint.manifestEntry(bytes).equals(manifest.get(key))) {
                throw new IOException(name + ": corrupt checkpoint: the entry " + Printable.of(String.valueOf(key))
                        + " differs from what meta.json recorded when it was written ("
                        + Printable.of(String.valueOf(manifest.get(key))) + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException(name + ": incomplete checkpoint: " + missing.size() + " of the " + manifest.size()
                    + " tensors its meta.json lists are missing (" + String.join(", ", missing.subList(0,
                    Math.min(3, missing.size()))) + (missing.size() > 3 ? ", ..." : "") + ")");
        }
        Set<String> listed = new HashSet<>();
        manifest.keySet().forEach(k -> listed.add(String.valueOf(k)));
        for (String entry : entries.keySet()) {
            if (!listed.contains(entry)) {
                throw new IOException(name + ": corrupt checkpoint: the entry " + Printable.of(entry)
                        + " is not in the manifest of meta.json");
            }
        }
    }

    /** Checkpoint tensors are float32 or float64 and finite: the trainer stops before it would save anything else. */
    private static void requireFiniteFloats(NpyArray a, String where) throws IOException {
        if (!a.isFloat()) {
            throw new IOException(where + ": a " + a.type().numpyName() + " tensor; checkpoint tensors are float32 or"
                    + " float64");
        }
        if (a.data() instanceof float[] f) {
            for (int i = 0; i < f.length; i++) {
                if (!Float.isFinite(f[i])) {
                    throw nonFinite(where, i, f[i]);
                }
            }
        } else {
            double[] d = (double[]) a.data();
            for (int i = 0; i < d.length; i++) {
                if (!Double.isFinite(d[i])) {
                    throw nonFinite(where, i, d[i]);
                }
            }
        }
    }

    private static IOException nonFinite(String where, int index, double value) {
        return new IOException(where + ": holds " + value + " at index " + index + "; a checkpoint of a diverged network"
                + " (the trainer never writes one) or an edited file");
    }
}
