package org.lrml.backend.cuda.vendor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The folders the dynamic loader is configured with: {@code /etc/ld.so.conf} and the files its {@code include}
 * lines name (globs, as ldconfig reads them), in order. Folders are read as text, so the list shows exactly where
 * the loader would look; ld.so.cache is not consulted (it holds only what ldconfig found in these folders).
 */
final class LoaderConfig {
    private LoaderConfig() {
    }

    static List<Path> folders(Path root) {
        List<Path> out = new ArrayList<>();
        read(root, root.resolve("etc/ld.so.conf"), out, new HashSet<>());
        return out;
    }

    private static void read(Path root, Path file, List<Path> out, Set<Path> seen) {
        if (!seen.add(file.toAbsolutePath().normalize()) || !Files.isRegularFile(file)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return;
        }
        for (String raw : lines) {
            String line = raw.replaceFirst("#.*", "").trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("include ")) {
                for (String pattern : line.substring(8).trim().split("\\s+")) {
                    for (Path included : glob(root, file.getParent(), pattern)) {
                        read(root, included, out, seen);
                    }
                }
            } else {
                for (String dir : line.split("[\\s:,]+")) {
                    if (dir.startsWith("/")) {
                        out.add(root.resolve(dir.substring(1)));
                    }
                }
            }
        }
    }

    /** Files matching an include pattern: absolute under root, relative to the including file's folder. */
    private static List<Path> glob(Path root, Path base, String pattern) {
        Path full = pattern.startsWith("/") ? root.resolve(pattern.substring(1)) : base.resolve(pattern);
        Path dir = full.getParent();
        List<Path> out = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, full.getFileName().toString())) {
            ds.forEach(out::add);
        } catch (IOException | RuntimeException e) {
            return out;
        }
        out.sort(null);
        return out;
    }
}
