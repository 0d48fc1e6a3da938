package org.lrml.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The check every reader makes before it opens an input: the path names an existing regular file. Opening a
 * FIFO blocks until some other process writes to it (a reader would hang with no message), a folder fails with
 * a bare "Is a directory", and a device can be endless; each is an {@link IOException} that names the path and
 * says what it is instead.
 */
public final class InputFiles {
    private InputFiles() {
    }

    /** Throws unless {@code file} is a regular file (following symbolic links); {@code what} names it in errors. */
    public static void requireRegularFile(Path file, String what) throws IOException {
        if (Files.isRegularFile(file)) {
            return;
        }
        String name = Printable.of(file.toString(), 400);
        if (Files.isDirectory(file)) {
            throw new IOException(name + ": is a folder, not " + what);
        }
        if (!Files.exists(file)) {
            boolean dangling = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
            throw new IOException(name + ": no such file" + (dangling ? " (a symbolic link to nothing)" : ""));
        }
        throw new IOException(name + ": not a regular file (a FIFO, socket or device); lrml reads " + what
                + " only from regular files, since reading a FIFO would wait for a writer");
    }

    /** As {@link #requireRegularFile(Path, String)} for a file of no particular kind. */
    public static void requireRegularFile(Path file) throws IOException {
        requireRegularFile(file, "a data file");
    }
}
