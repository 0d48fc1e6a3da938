package org.lrml.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.cli.Main;
import org.lrml.testutil.TinyFashion;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The README's promise under SIGKILL (issue 15): {@code lrml train} runs in a child JVM that is killed with kill -9
 * at random points -- a random moment of start-up, shortly after config.json or after a new checkpoint appears, and
 * the moment a checkpoint's temporary file appears, i.e. in the middle of writing it -- several times; after every kill each checkpoint under its final name must load, and
 * {@code --resume} (or a fresh start, when the kill came before config.json) must complete the run with exactly the
 * numbers of an uninterrupted run: every checkpoint's tensors, every step's loss and the final metrics, bit for bit
 * on the CPU backend. A tiny synthetic Fashion-format set keeps it to seconds. {@code -Dlrml.kill.count=N} (test
 * code reads it) kills more often; {@code -Dlrml.kill.seed} picks other kill points.
 */
class KillNineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KILLS = Integer.getInteger("lrml.kill.count", 3);
    private static final long SEED = Long.getLong("lrml.kill.seed", 9);

    @TempDir
    Path tmp;

    private List<String> trainArgs(Path data) {
        return List.of("train", "--data", data.toString(), "--backend", "cpu", "--epochs", "2", "--queries", "32",
                "--pool", "90", "--tuples-per-step", "8", "--widths", "4,4,4", "--dim", "8", "--seed", "5",
                "--describe-batch", "64", "--eval-every", "1");
    }

    @Test
    void aRunKilledAtRandomPointsResumesToTheUninterruptedRunsNumbers() throws Exception {
        Path data = TinyFashion.write(tmp.resolve("data"), 240, 80, 11);
        Path reference = tmp.resolve("reference");
        long t0 = System.nanoTime();
        List<String> refArgs = new ArrayList<>(trainArgs(data));
        refArgs.addAll(List.of("--out", reference.toString()));
        PrintStream out = System.out;
        PrintStream err = System.err;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertEquals(0, Main.run(refArgs.toArray(new String[0])), "the uninterrupted run");
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        double referenceSeconds = (System.nanoTime() - t0) / 1e9;

        Path run = tmp.resolve("killed");
        Random rng = new Random(SEED);
        List<String> events = new ArrayList<>();
        int kills = 0;
        int starts = 0;
        while (true) {
            List<String> args = new ArrayList<>(trainArgs(data));
            if (Files.exists(run.resolve("config.json"))) {
                args = new ArrayList<>(List.of("train", "--resume", run.toString()));
            } else {
                args.addAll(List.of("--out", run.toString()));
            }
            Path log = tmp.resolve("child-" + starts++ + ".log");
            Process child = start(args, log);
            if (kills < KILLS && kill(child, run, rng, kills % 2 == 1, events)) {
                kills++;
                everyCheckpointLoads(run, events);
                continue;
            }
            if (!child.waitFor(120, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                fail("the child did not finish; log: " + Files.readString(log));
            }
            assertEquals(0, child.exitValue(), "the last child's status; log:\n" + Files.readString(log));
            break;
        }
        System.out.printf(Locale.ROOT, "kill -9: %d kills over %d child JVMs, %.1f s in all (the uninterrupted run"
                + " %.1f s in this JVM)%n  %s%n", kills, starts, (System.nanoTime() - t0) / 1e9, referenceSeconds,
                String.join("\n  ", events));
        assertTrue(kills >= Math.min(KILLS, 2), "at least two kills landed: " + events);
        sameNumbers(reference, run);
        try (Stream<Path> left = Stream.concat(Files.list(run), Files.list(run.resolve("checkpoints")))) {
            assertEquals(List.of(), left.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(),
                    "the resumes removed every temporary of an interrupted write");
        }
    }

    private static Process start(List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xss8m", "-Xmx512m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                Main.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Checkpoints under their final names now. */
    private static int checkpoints(Path run) throws IOException {
        Path dir = run.resolve("checkpoints");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return (int) files.filter(f -> f.getFileName().toString().matches("epoch-\\d+\\.ckpt")).count();
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        }
    }

    /**
     * Kills the child with SIGKILL, at a point picked by what the run folder shows rather than by the clock (so the
     * points spread over the run on a fast or a loaded machine): the moment a checkpoint's temporary file appears
     * ({@code midWrite}); otherwise a random 0-400 ms after one of: the JVM's start (plus up to 1.5 s: start-up and
     * data loading), config.json written, or this child's first new checkpoint. Returns false when the child
     * finished first.
     */
    private static boolean kill(Process child, Path run, Random rng, boolean midWrite, List<String> events)
            throws Exception {
        long start = System.nanoTime();
        int before = checkpoints(run);
        int milestone = rng.nextInt(3);
        String what = midWrite ? "while a checkpoint was being written"
                : new String[]{"during start-up", "after config.json", "after its first new checkpoint"}[milestone];
        long extra = midWrite ? 0 : (long) ((milestone == 0 ? 1.5 : 0.4) * rng.nextDouble() * 1e9);
        long reached = midWrite || milestone != 0 ? -1 : start;
        while (child.isAlive()) {
            if (reached < 0) {
                boolean now = midWrite ? temporaryCheckpoint(run)
                        : milestone == 1 ? Files.exists(run.resolve("config.json")) : checkpoints(run) > before;
                if (now) {
                    reached = System.nanoTime();
                }
            }
            if (reached >= 0 && System.nanoTime() - reached >= extra) {
                break;
            }
            Thread.sleep(0, 200_000);
        }
        if (!child.isAlive()) {
            return false;
        }
        child.destroyForcibly();  // SIGKILL on POSIX systems
        child.waitFor();
        events.add(String.format(Locale.ROOT, "killed %s, %.2f s after start; checkpoints: %s", what,
                (System.nanoTime() - start) / 1e9, listing(run)));
        return true;
    }

    private static boolean temporaryCheckpoint(Path run) throws IOException {
        Path dir = run.resolve("checkpoints");
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp"));
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    private static String listing(Path run) throws IOException {
        Path dir = run.resolve("checkpoints");
        if (!Files.isDirectory(dir)) {
            return "(no checkpoints/ yet)";
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList().toString();
        }
    }

    private static void everyCheckpointLoads(Path run, List<String> events) throws IOException {
        Path dir = run.resolve("checkpoints");
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("epoch-\\d+\\.ckpt")).toList()) {
                try {
                    Checkpoint.read(f);
                } catch (IOException e) {
                    fail("after " + events.get(events.size() - 1) + ": " + e.getMessage());
                }
            }
        }
    }

    /** Every checkpoint's tensors, every step's loss, every epoch's metrics and the final metrics.json. */
    private static void sameNumbers(Path reference, Path run) throws IOException {
        for (int epoch = 1; epoch <= 2; epoch++) {
            Checkpoint a = Checkpoint.read(RunFolder.at(reference).checkpoint(epoch));
            Checkpoint b = Checkpoint.read(RunFolder.at(run).checkpoint(epoch));
            assertEquals(a.model(), b.model(), "epoch " + epoch + ": model tensors bit for bit");
            assertEquals(a.optimizer(), b.optimizer(), "epoch " + epoch + ": optimiser state bit for bit");
            History ha = History.fromMap(a.history());
            History hb = History.fromMap(b.history());
            assertEquals(ha.stepLosses(), hb.stepLosses(), "epoch " + epoch + ": every step's loss");
            for (int e = 0; e < ha.epochs().size(); e++) {
                assertEquals(withoutTimes(ha.epochs().get(e).metrics()), withoutTimes(hb.epochs().get(e).metrics()),
                        "epoch " + (e + 1) + " metrics");
                assertEquals(ha.epochs().get(e).loss(), hb.epochs().get(e).loss());
            }
        }
        Map<String, Object> ma = withoutTimes(JSON.readValue(reference.resolve("metrics.json").toFile(),
                new TypeReference<Map<String, Object>>() { }));
        Map<String, Object> mb = withoutTimes(JSON.readValue(run.resolve("metrics.json").toFile(),
                new TypeReference<Map<String, Object>>() { }));
        assertEquals(ma, mb, "final metrics.json");
        assertArrayEquals(Files.readAllBytes(reference.resolve("config.json")),
                Files.readAllBytes(run.resolve("config.json")));
    }

    private static Map<String, Object> withoutTimes(Map<String, Object> metrics) {
        Map<String, Object> m = new java.util.LinkedHashMap<>(metrics);
        m.remove("seconds");
        return m;
    }
}
