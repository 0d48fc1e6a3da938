package org.lrml.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The trainer sits below the command line: nothing under org.lrml.train may use org.lrml.cli. */
class TrainLayeringTest {
    @Test
    void trainDoesNotImportTheCommandLine() throws IOException {
        List<String> offenders;
        try (Stream<Path> s = Files.walk(Path.of("src/main/java/org/lrml/train"))) {
            offenders = s.filter(p -> p.toString().endsWith(".java")).filter(p -> {
                try {
                    return Files.readString(p).contains("org.lrml.cli");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(Path::toString).toList();
        }
        assertTrue(offenders.isEmpty(), "org.lrml.train uses org.lrml.cli (an upward import): " + offenders);
    }
}
