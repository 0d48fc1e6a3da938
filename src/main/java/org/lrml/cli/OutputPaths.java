package org.lrml.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.lrml.io.Printable;

/**
 * Checks of an output path made before a command does its work: finding out that {@code --out} names a file, or
 * a folder that cannot be written, only after minutes of extraction or evaluation would throw that work away.
 * Nothing is created here; the command creates the folder when it writes.
 */
final class OutputPaths {
    private OutputPaths() {
    }

    /** {@code dir} is, or can be created as, a folder this process can write into. */
    static void requireFolder(Path dir, String flag) {
        String what = flag + " " + Printable.of(dir.toString(), 400);
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new UserError(what + ": exists and is not a folder; name a folder (it is created if missing)");
            }
            probe(dir, what);
            return;
        }
        requireCreatable(dir, what);
    }

    /** {@code file} is not a folder, and the folder it goes into exists (or can be created) and is writable. */
    static void requireFile(Path file, String flag) {
        String what = flag + " " + Printable.of(file.toString(), 400);
        if (Files.isDirectory(file)) {
            throw new UserError(what + ": is a folder; name the file to write");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (Files.isDirectory(parent)) {
            probe(parent, what);
        } else {
            requireCreatable(parent, what);
        }
    }

    /** The nearest existing ancestor (or {@code dir} itself) must be a writable folder, or the folders cannot be made. */
    private static void requireCreatable(Path dir, String what) {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return;
        }
        if (!Files.isDirectory(p)) {
            throw new UserError(what + ": cannot be created, " + Printable.of(p.toString(), 400)
                    + " is a file, not a folder");
        }
        if (!Files.isWritable(p)) {
            throw new UserError(what + ": cannot be created, the folder " + Printable.of(p.toString(), 400)
                    + " is not writable");
        }
    }

    /** Creates and removes an empty file: the one test of writability that permissions, ACLs and mounts all answer. */
    private static void probe(Path dir, String what) {
        try {
            Path p = Files.createTempFile(dir, ".lrml-write-test-", ".tmp");
            Files.delete(p);
        } catch (IOException | SecurityException e) {
            throw new UserError(what + ": cannot write there (" + Printable.of(String.valueOf(e.getMessage())) + ")");
        }
    }
}
