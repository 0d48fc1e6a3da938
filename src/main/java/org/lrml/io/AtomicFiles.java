package org.lrml.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes files so that a reader never sees a half-written one and nothing already written is lost:
 * the content goes to a temporary file in the same folder, is flushed and forced to disk, and is then
 * renamed over the target in one atomic step, and the folder itself is forced to disk so that the rename
 * survives a power cut. A crash leaves either the old file or the new one, plus at worst a temporary
 * {@code .NAME.PID.HEX.tmp} that {@link #removeStaleTemporaries} recognises and removes.
 *
 * <p>Files that belong together (loss and gradient, indices and values, descriptors and their labels) are
 * written by {@link #writeSet}: every member is written and forced first, and only then are they renamed, one
 * right after the other. A failure or a kill during the writing (which is where the time goes) leaves none of
 * them replaced; what POSIX cannot offer is one rename for several files, so the only window in which a kill
 * leaves a mixed set is between two renames, which do no data I/O.
 */
public final class AtomicFiles {
    /** The temporary files this class creates: a dot, the target's name, the writer's pid, a random tag. */
    private static final Pattern TEMPORARY = Pattern.compile("\\.(.+)\\.(\\d+)\\.[0-9a-f]+\\.tmp");

    private AtomicFiles() {
    }

    /** The body writing the content. */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    public static void write(Path target, Body body) throws IOException {
        Map<Path, Body> one = new LinkedHashMap<>();
        one.put(target, body);
        writeSet(one);
    }

    /**
     * Writes every member of {@code members} (target to body) to its temporary file and forces it to disk; then,
     * only when all were written, renames each over its target in the map's order and forces the folders. On any
     * failure before the renames every temporary is removed and no target changes.
     */
    public static void writeSet(Map<Path, Body> members) throws IOException {
        Map<Path, Path> temporaries = new LinkedHashMap<>();
        try {
            for (Map.Entry<Path, Body> m : members.entrySet()) {
                Path dir = m.getKey().toAbsolutePath().getParent();
                Files.createDirectories(dir);
                Path tmp = newTemporary(dir, m.getKey().getFileName().toString());
                temporaries.put(m.getKey(), tmp);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                     OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                    m.getValue().write(out);
                    out.flush();
                    ch.force(true);
                }
            }
            List<Path> folders = new ArrayList<>();
            for (Path target : members.keySet()) {
                move(temporaries.get(target), target);
                temporaries.remove(target);
                Path dir = target.toAbsolutePath().getParent();
                if (!folders.contains(dir)) {
                    folders.add(dir);
                }
            }
            for (Path dir : folders) {
                forceFolder(dir);
            }
        } finally {
            for (Path tmp : temporaries.values()) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Forces a folder's entries (the renames just made) to disk. Linux allows fsync on a folder opened for reading;
     * where the platform refuses to open a folder, the rename is as durable as that platform makes it.
     */
    static void forceFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform opens folders (Windows does not); nothing more can be done there.
        }
    }

    /**
     * A new empty file beside the target. Not Files.createTempFile: that one is created owner-only (0600), and
     * the rename would hand those permissions to reports and checkpoints; a plain CREATE_NEW gets the usual
     * ones (0666 less the umask), as any other file the user writes.
     */
    private static Path newTemporary(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + name + "." + ProcessHandle.current().pid() + "."
                    + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    /**
     * Removes the temporary files in {@code dir} (not below it) that writes of a process no longer running left
     * behind (a kill, a power cut); temporaries of a live process, this one included, are kept. Returns the removed
     * files.
     */
    public static List<Path> removeStaleTemporaries(Path dir) throws IOException {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return removed;
        }
        List<Path> candidates;
        try (Stream<Path> files = Files.list(dir)) {
            candidates = files.filter(f -> TEMPORARY.matcher(f.getFileName().toString()).matches()).toList();
        }
        for (Path f : candidates) {
            Matcher m = TEMPORARY.matcher(f.getFileName().toString());
            if (m.matches() && !isRunning(m.group(2)) && Files.isRegularFile(f)) {
                Files.deleteIfExists(f);
                removed.add(f);
            }
        }
        return removed;
    }

    private static boolean isRunning(String pid) {
        try {
            long p = Long.parseLong(pid);
            return p == ProcessHandle.current().pid() || ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    public static void writeString(Path target, String text) throws IOException {
        writeBytes(target, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
