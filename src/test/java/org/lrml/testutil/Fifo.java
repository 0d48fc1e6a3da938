package org.lrml.testutil;

import java.io.IOException;
import java.nio.file.Path;

/** Named pipes for the tests that an input FIFO is refused instead of read (which would wait for a writer). */
public final class Fifo {
    private Fifo() {
    }

    /** Makes a FIFO at {@code path}; false where mkfifo is not available (the caller then skips). */
    public static boolean make(Path path) {
        try {
            Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
