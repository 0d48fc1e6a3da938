package org.lrml.testutil;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reference outputs of torchvision made at test time by {@code src/test/resources/landmark/make_fixtures.py}
 * (state dicts of ResNet-50/101 are 100-170 MB, too large to commit). The first test that needs a fixture runs
 * the script into {@code target/landmark-fixtures/<name>}; later runs reuse it while the script and the
 * arguments are unchanged. Without a Python that imports torch, torchvision, numpy and PIL the calling test is
 * skipped with that reason (CI installs Debian's python3-torch and python3-torchvision).
 */
public final class TorchFixtures {
    public static final Path SCRIPT = Path.of("src/test/resources/landmark/make_fixtures.py");
    private static final Path ROOT = Path.of("target/landmark-fixtures");
    private static String python;
    private static String whyNot;

    private TorchFixtures() {
    }

    /** The Python to run (-Dlrml.python, else /usr/bin/python3, else python3), or null with the reason kept. */
    public static synchronized String python() {
        if (python != null || whyNot != null) {
            return python;
        }
        List<String> candidates = new ArrayList<>();
        String forced = System.getProperty("lrml.python");
        if (forced != null && !forced.isBlank()) {
            candidates.add(forced);
        }
        candidates.add("/usr/bin/python3");
        candidates.add("python3");
        for (String c : candidates) {
            try {
                Process p = new ProcessBuilder(c, "-c", "import torch, torchvision, numpy, PIL").redirectErrorStream(true)
                        .start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    python = c;
                    return python;
                }
            } catch (IOException | InterruptedException e) {
                // try the next one
            }
        }
        whyNot = "no python3 that imports torch, torchvision, numpy and PIL (tried " + candidates
                + "; apt-get install python3-torch python3-torchvision python3-numpy python3-pil)";
        return null;
    }

    /** Skips the calling test unless a Python with torch is there. */
    public static void assumePython() {
        assumeTrue(python() != null, whyNot);
    }

    /**
     * The folder holding the script's output for these arguments ({@code trunk resnet50 --size 224x224 ...}),
     * made now if missing or stale; skips the test without Python and torch.
     */
    public static synchronized Path get(String name, String... args) throws IOException, InterruptedException {
        assumePython();
        Path dir = ROOT.resolve(name);
        Path stamp = dir.resolve(".stamp");
        String key = stamp(args);
        if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(key)) {
            return dir;
        }
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of(python, SCRIPT.toString()));
        cmd.addAll(List.of(args));
        cmd.add("--out");
        cmd.add(dir.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("fixture script failed: " + String.join(" ", cmd) + "\n" + out);
        }
        Files.writeString(stamp, key);
        return dir;
    }

    private static String stamp(String... args) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(Files.readAllBytes(SCRIPT));
            md.update(String.join("\0", args).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
