package org.lrml.index;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Silences Lucene's start-up notice about vector acceleration. lrml runs with {@code --add-modules
 * jdk.incubator.vector} for its own GEMM; Lucene 9.12 uses that module only on Java 20 and later and says so on
 * stderr at its first vector operation, once per command, which would read as a problem with the command. The
 * logger is held here because java.util.logging keeps loggers only weakly.
 */
final class LuceneLogging {
    private static final Logger VECTORIZATION = Logger.getLogger("org.apache.lucene.internal.vectorization");

    static {
        VECTORIZATION.setLevel(Level.SEVERE);
    }

    private LuceneLogging() {
    }

    /** Call before Lucene's first vector operation (the static initialiser does the work). */
    static void quiet() {
        // Loading the class is enough.
    }
}
