package org.lrml.train;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.lrml.eval.EvalResult;
import org.lrml.io.AtomicFiles;
import org.lrml.profile.Profiler;
import org.lrml.report.Gallery;
import org.lrml.report.MetricsJson;
import org.lrml.report.Plots;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The folder of one training run and the only code that knows its layout: config.json, metrics.json,
 * history.json, curves.png, gallery.png, checkpoints/epoch-NNN.ckpt, and with {@code --profile} profile.json and
 * trace.json. Every file is written atomically
 * (temporary file, fsync, rename), so an interrupted run never leaves a half-written report or checkpoint.
 */
public final class RunFolder {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern CHECKPOINT = Pattern.compile("epoch-(\\d+)\\.ckpt");

    private final Path root;

    private RunFolder(Path root) {
        this.root = root;
    }

    /** The run folder at {@code root} (nothing is created or read yet). */
    public static RunFolder at(Path root) {
        return new RunFolder(root);
    }

    public Path root() {
        return root;
    }

    public Path configJson() {
        return root.resolve("config.json");
    }

    public Path metricsJson() {
        return root.resolve("metrics.json");
    }

    public Path historyJson() {
        return root.resolve("history.json");
    }

    public Path curvesPng() {
        return root.resolve("curves.png");
    }

    public Path galleryPng() {
        return root.resolve("gallery.png");
    }

    /** The profiler's table as JSON ({@code lrml train --profile}). */
    public Path profileJson() {
        return root.resolve("profile.json");
    }

    /** The profiler's Chrome trace-event file ({@code lrml train --profile}). */
    public Path traceJson() {
        return root.resolve("trace.json");
    }

    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    /** checkpoints/epoch-NNN.ckpt (at least three digits; epoch 1000 is epoch-1000.ckpt). */
    public Path checkpoint(int epoch) {
        return checkpoints().resolve(String.format(Locale.ROOT, "epoch-%03d.ckpt", epoch));
    }

    /** Whether a run was started here (its checkpoints/ folder exists), so a new run must not reuse the folder. */
    public boolean holdsRun() {
        return Files.isDirectory(checkpoints());
    }

    /** Creates the folder and its checkpoints/. */
    public void create() throws IOException {
        Files.createDirectories(checkpoints());
    }

    /**
     * The checkpoint with the highest epoch NUMBER (epoch-1000.ckpt comes after epoch-999.ckpt, which name order
     * would get wrong). Errors name the folder: not a run folder, or no checkpoint in it.
     */
    public Path latestCheckpoint() throws IOException {
        Path dir = checkpoints();
        if (!Files.isDirectory(dir)) {
            throw new IOException(root + ": not a run folder (no checkpoints/ inside)");
        }
        Optional<Path> latest;
        try (Stream<Path> files = Files.list(dir)) {
            latest = files.filter(f -> CHECKPOINT.matcher(f.getFileName().toString()).matches())
                    .max(Comparator.comparing(RunFolder::epochOf).thenComparing(f -> f.getFileName().toString()));
        }
        return latest.orElseThrow(() -> new IOException(dir + ": no epoch-NNN.ckpt checkpoint to resume from"));
    }

    private static BigInteger epochOf(Path checkpoint) {
        Matcher m = CHECKPOINT.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(checkpoint + ": not an epoch-NNN.ckpt name");
        }
        return new BigInteger(m.group(1));
    }

    public void writeConfig(Map<String, Object> config) throws IOException {
        AtomicFiles.writeString(configJson(), json(config));
    }

    public void writeCheckpoint(int epoch, Checkpoint checkpoint) throws IOException {
        checkpoint.write(checkpoint(epoch));
    }

    /** history.json and its picture, curves.png, titled {@code title} (e.g. "LRML on Fashion-MNIST (seen)"). */
    void writeHistory(History history, String title) throws IOException {
        AtomicFiles.writeString(historyJson(), json(history.toMap()));
        Plots.write(curvesPng(), history.charts(title));
    }

    /** profile.json and trace.json of a closed profiler. */
    public void writeProfile(Profiler profiler) throws IOException {
        profiler.writeProfileJson(profileJson());
        profiler.writeTrace(traceJson());
    }

    public void writeMetrics(EvalResult result) throws IOException {
        MetricsJson.write(root, result);
    }

    public void writeGallery(String title, List<Gallery.Row> rows) throws IOException {
        Gallery.write(galleryPng(), title, rows);
    }

    private static String json(Object value) throws JsonProcessingException {
        return JSON.writeValueAsString(value) + "\n";
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
