package org.lrml.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.eval.RevisitedOxfordParis;
import org.lrml.testutil.Fuzz;
import org.lrml.testutil.Mutator;

/**
 * Property: every pickle is read or refused with an IOException naming it -- never another exception, a hang, a
 * stack overflow, or memory beyond 256 bytes per input byte (each opcode byte may make one Java object) -- and
 * every pickle that reads as a dict goes through the revisited Oxford/Paris ground-truth loader with the same
 * promise. Inputs: CPython's and numpy's own pickles (src/test/resources/pickle), random value trees and opcode
 * soups (PickleGen), all also mutated at the byte level.
 */
class PicklePropertyTest {
    @TempDir
    Path dir;

    private static final List<byte[]> CORPUS = corpus();

    private static List<byte[]> corpus() {
        try (Stream<Path> files = Files.list(PickleTest.DIR)) {
            List<byte[]> out = new ArrayList<>();
            for (Path p : files.filter(f -> f.toString().endsWith(".pkl")).sorted().toList()) {
                out.add(Files.readAllBytes(p));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyPickleIsReadOrRefusedWithANamedIoError() {
        Fuzz.Check<byte[]> check = Fuzz.documented(IOException.class, (bytes, name) -> {
            Object value = Pickle.read(bytes, name);
            if (value instanceof Map) {
                Path f = Files.write(dir.resolve(name), bytes);
                try {
                    RevisitedOxfordParis.load(f, "roxford5k");
                } finally {
                    Files.delete(f);
                }
            }
        });
        Fuzz.Summary s = Fuzz.Property.ofBytes("pickle", PicklePropertyTest::generate, check, 256, 2 << 20).verify();
        assertEquals(Fuzz.count(), s.total());
    }

    static byte[] generate(Random rng) {
        int kind = rng.nextInt(10);
        byte[] b = kind < 3 ? CORPUS.get(rng.nextInt(CORPUS.size())) : kind < 8 ? PickleGen.valueTree(rng)
                : PickleGen.opcodeSoup(rng);
        return kind < 3 || rng.nextInt(10) < 4 ? Mutator.mutate(b, rng, 4, CORPUS) : b;
    }
}
