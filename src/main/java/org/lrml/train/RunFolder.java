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
import org.lrml.io.InputFiles;
import org.lrml.io.Printable;
import org.lrml.report.Gallery;
import org.lrml.report.MetricsJson;
import org.lrml.report.Plots;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
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

    /** Creates the folder and its checkpoints/; a file in the way is an error naming it. */
    public void create() throws IOException {
        requireNoFileInTheWay();
        Files.createDirectories(checkpoints());
    }

    private void requireNoFileInTheWay() throws IOException {
        for (Path p : new Path[]{root, checkpoints()}) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new IOException(Printable.of(p.toString(), 400) + ": exists and is not a folder; a run folder"
                        + " needs it to be one (choose another --out)");
            }
        }
    }

    /**
     * The checkpoint with the highest epoch NUMBER (epoch-1000.ckpt comes after epoch-999.ckpt, which name order
     * would get wrong). Errors name the folder: not a run folder, or no checkpoint in it.
     */
    public Path latestCheckpoint() throws IOException {
        return latestCheckpointIfAny().orElseThrow(() -> new IOException(checkpoints()
                + ": no epoch-NNN.ckpt checkpoint to resume from"));
    }

    /** As {@link #latestCheckpoint()}, empty when the run has no checkpoint yet (killed during its first epoch). */
    public Optional<Path> latestCheckpointIfAny() throws IOException {
        Path dir = checkpoints();
        if (!Files.isDirectory(dir)) {
            throw new IOException(Printable.of(root.toString(), 400) + ": not a run folder (no checkpoints/ inside)");
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> CHECKPOINT.matcher(f.getFileName().toString()).matches())
                    .max(Comparator.comparing(RunFolder::epochOf).thenComparing(f -> f.getFileName().toString()));
        }
    }

    /** The run's config.json, for a resume before the first checkpoint; errors name the file. */
    public TrainConfig readConfig() throws IOException {
        Path file = configJson();
        InputFiles.requireRegularFile(file, "the run's config.json");
        try {
            Map<String, Object> m = JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() { });
            if (m == null) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return TrainConfig.fromMap(m);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(Printable.of(file.toString(), 400) + ": corrupt: "
                    + Printable.of(e.getOriginalMessage(), 200), e);
        } catch (IOException e) {
            throw new IOException(Printable.of(file.toString(), 400) + ": cannot be read as JSON ("
                    + Printable.of(String.valueOf(e.getMessage()), 200) + ")", e);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IOException(Printable.of(file.toString(), 400) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes the temporary files that writes interrupted by a kill or a crash left in the run folder and its
     * checkpoints/ (files of a writer that is still running are kept), saying so on {@code log}.
     */
    public void removeInterruptedWrites(java.io.PrintStream log) throws IOException {
        for (Path dir : new Path[]{root, checkpoints()}) {
            for (Path f : AtomicFiles.removeStaleTemporaries(dir)) {
                log.println("removed " + f + " (left by an interrupted write)");
            }
        }
    }

    private static BigInteger epochOf(Path checkpoint) {
        Matcher m = CHECKPOINT.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(checkpoint + ": not an epoch-NNN.ckpt name");
        }
        return new BigInteger(m.group(1));
    }

    public void writeConfig(Map<String, Object> config) throws IOException {
        requireNoFileInTheWay();
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
