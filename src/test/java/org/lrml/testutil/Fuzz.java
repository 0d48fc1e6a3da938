package org.lrml.testutil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Property-based testing of the readers and the command line, on JUnit 5 without a framework: a generator makes
 * inputs (built from a grammar or mutated from valid ones), a check runs the code under test on each, and every
 * input must end in the documented way -- read, or refused with the documented exception whose message is one
 * printable line naming the input -- never in another exception, a hang ({@link #TIMEOUT_SECONDS}), or memory
 * beyond a fixed multiple of the input's actual size (measured per input with the thread's allocation counter, so a
 * reader that allocates what a header declares is caught even when the heap could hold it).
 *
 * <p>Counts and seeds come from test-only system properties (the engine's own settings go through
 * {@code org.lrml.util.Setting}; these are read here, in test code): {@code -Dlrml.fuzz.count} inputs per property
 * (default {@value #DEFAULT_COUNT}; {@code mvn verify -Dlrml.fuzz.count=10000} for the long run),
 * {@code -Dlrml.fuzz.seed} (default {@value #DEFAULT_SEED}), and {@code -Dlrml.fuzz.case=N} to rerun one input.
 * Each input comes from its own {@code Random(seed, index)}, so a reported case reproduces alone. A failure is
 * shrunk (pieces removed while it still fails the same way), saved under target/fuzz-failures/ and reported with
 * its seed and index.
 */
public final class Fuzz {
    public static final int DEFAULT_COUNT = 1000;
    public static final long DEFAULT_SEED = 20261205L;
    public static final int TIMEOUT_SECONDS = 20;

    private Fuzz() {
    }

    public static int count() {
        return Integer.getInteger("lrml.fuzz.count", DEFAULT_COUNT);
    }

    public static long seed() {
        return Long.getLong("lrml.fuzz.seed", DEFAULT_SEED);
    }

    /** The random source of input {@code index}: independent of every other input. */
    public static Random random(long seed, int index) {
        return new Random(seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L);
    }

    /** What one input did: a problem (null when the property held) and a short outcome for the tally. */
    public record Verdict(String problem, String outcome) {
        public static Verdict ok(String outcome) {
            return new Verdict(null, outcome);
        }

        public static Verdict fail(String problem) {
            return new Verdict(problem, "FAILED");
        }
    }

    /** Runs the code under test on one input; {@code name} is how the input is named (its file name). */
    @FunctionalInterface
    public interface Check<T> {
        Verdict run(T input, String name) throws Exception;
    }

    /** Code that reads an input and either returns or throws. */
    @FunctionalInterface
    public interface Reader<T> {
        void read(T input, String name) throws Exception;
    }

    /**
     * The property of a reader: it returns, or throws {@code documented} with a message that is one printable line
     * and names the input. Anything else it throws is a failure.
     */
    public static <T> Check<T> documented(Class<? extends Exception> documented, Reader<T> reader) {
        return (input, name) -> {
            try {
                reader.read(input, name);
                return Verdict.ok("read");
            } catch (Exception e) {
                if (!documented.isInstance(e)) {
                    return Verdict.fail("threw " + describe(e) + " instead of " + documented.getSimpleName());
                }
                String problem = messageProblem(e.getMessage(), name);
                return problem == null ? Verdict.ok("refused: " + firstWords(e.getMessage(), name))
                        : Verdict.fail(documented.getSimpleName() + " with " + problem);
            }
        };
    }

    /** Why a message breaks the promise (null when it keeps it): one printable line that names the input. */
    public static String messageProblem(String message, String name) {
        if (message == null || message.isBlank()) {
            return "no message";
        }
        if (message.chars().anyMatch(Character::isISOControl)) {
            return "a control character in its message: " + message.replaceAll("\\p{Cntrl}", "?");
        }
        if (name != null && !message.contains(name)) {
            return "a message that does not name " + name + ": " + message;
        }
        return null;
    }

    private static String firstWords(String message, String name) {
        String m = name == null || !message.contains(name) ? message
                : message.substring(message.indexOf(name) + name.length());
        m = m.replaceAll("^[:\\s]+", "").replaceAll("[0-9]+", "N");
        String[] words = m.split("[\\s:(]+");
        return String.join(" ", java.util.Arrays.copyOf(words, Math.min(3, words.length))).strip();
    }

    private static String describe(Throwable t) {
        StackTraceElement[] st = t.getStackTrace();
        return t + (st.length > 0 ? " at " + st[0] : "");
    }

    /**
     * One property over generated inputs of type T.
     *
     * @param name          names the property in reports and the failure files
     * @param generator     input {@code i} from its own Random
     * @param check         the code under test and what it must do
     * @param size          an input's actual size in bytes (the memory bound is proportional to it)
     * @param bytesPerByte  the allowed allocation per input byte
     * @param overheadBytes the allowed allocation whatever the input (buffers, JIT-free paths)
     * @param shrink        smaller candidates of a failing input (none: no shrinking)
     * @param save          an input as bytes, for the failure file
     */
    public record Property<T>(String name, Function<Random, T> generator, Check<T> check, Function<T, Long> size,
                              long bytesPerByte, long overheadBytes, Function<T, List<T>> shrink,
                              Function<T, byte[]> save) {

        /** A property over byte[] inputs, shrunk by removing pieces. */
        public static Property<byte[]> ofBytes(String name, Function<Random, byte[]> generator, Check<byte[]> check,
                                               long bytesPerByte, long overheadBytes) {
            return new Property<>(name, generator, check, b -> (long) b.length, bytesPerByte, overheadBytes,
                    Fuzz::smallerBytes, b -> b);
        }

        /** Runs {@link #count()} inputs; throws AssertionError describing the first failure. */
        public Summary verify() {
            return run(count(), seed());
        }

        public Summary run(int count, long seed) {
            Integer only = Integer.getInteger("lrml.fuzz.case");
            ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(null, r, "fuzz-" + name, 16L << 20);
                t.setDaemon(true);
                return t;
            });
            long start = System.nanoTime();
            Map<String, Integer> tally = new TreeMap<>();
            double worstRatio = 0;
            long worstBytes = 0;
            try {
                // The first runs load classes and fill caches; they are not what the bound is about.
                for (int i = 0; i < 3; i++) {
                    attempt(worker, generator.apply(random(seed ^ 0x5EED, i)), name + "-warmup");
                }
                for (int i = 0; i < count; i++) {
                    if (only != null && only != i) {
                        continue;
                    }
                    T input = generator.apply(random(seed, i));
                    String label = name + "-" + i;
                    Attempt a = attempt(worker, input, label);
                    if (a.hang) {
                        throw new AssertionError(report(i, seed, input, input, "no result after " + TIMEOUT_SECONDS
                                + " s (a hang)"));
                    }
                    String problem = a.problem();
                    if (problem != null) {
                        T small = shrink(worker, input, a.kind());
                        throw new AssertionError(report(i, seed, input, small, problem));
                    }
                    tally.merge(a.verdict.outcome(), 1, Integer::sum);
                    double ratio = a.bytes / (double) Math.max(1, size.apply(input));
                    if (a.bytes > worstBytes) {
                        worstBytes = a.bytes;
                    }
                    worstRatio = Math.max(worstRatio, ratio);
                }
            } finally {
                worker.shutdownNow();
            }
            Summary s = new Summary(name, only != null ? 1 : count, seed, tally, (System.nanoTime() - start) / 1e9,
                    worstBytes);
            System.out.println(s);
            return s;
        }

        private record Attempt(Verdict verdict, long bytes, long limit, boolean hang) {
            String problem() {
                if (verdict.problem() != null) {
                    return verdict.problem();
                }
                if (bytes > limit) {
                    return "allocated " + bytes + " bytes, more than the bound of " + limit + " for its size";
                }
                return null;
            }

            /** The kind of failure a shrunk input must keep: the first words of the problem. */
            String kind() {
                String p = problem();
                return p == null ? null : p.startsWith("allocated") ? "allocated" : p.split(" at |: ", 2)[0];
            }
        }

        private Attempt attempt(ExecutorService worker, T input, String label) {
            long limit = overheadBytes + bytesPerByte * size.apply(input);
            Future<Attempt> f = worker.submit(() -> {
                Verdict[] v = new Verdict[1];
                Allocation.Outcome o = Allocation.measure(() -> v[0] = check.run(input, label));
                Verdict verdict = o.thrown() == null ? v[0]
                        : Verdict.fail("the check itself threw " + describe(o.thrown()));
                return new Attempt(verdict, o.bytes(), limit, false);
            });
            try {
                return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                return new Attempt(Verdict.fail("hang"), 0, limit, true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } catch (java.util.concurrent.ExecutionException e) {
                return new Attempt(Verdict.fail("the runner threw " + e.getCause()), 0, limit, false);
            }
        }

        private T shrink(ExecutorService worker, T input, String kind) {
            T best = input;
            int tries = 0;
            long deadline = System.nanoTime() + 20_000_000_000L;
            boolean progress = true;
            while (progress && tries < 400 && System.nanoTime() < deadline) {
                progress = false;
                for (T candidate : shrink.apply(best)) {
                    if (++tries > 400 || System.nanoTime() > deadline) {
                        break;
                    }
                    Attempt a = attempt(worker, candidate, name + "-shrink");
                    if (!a.hang && kind.equals(a.kind())) {
                        best = candidate;
                        progress = true;
                        break;
                    }
                }
            }
            return best;
        }

        private String report(int index, long seed, T original, T small, String problem) {
            byte[] bytes = save.apply(small);
            Path file = Path.of("target", "fuzz-failures", name + "-" + index + ".bin");
            String saved;
            try {
                Files.createDirectories(file.getParent());
                Files.write(file, bytes);
                saved = "saved to " + file;
            } catch (IOException e) {
                saved = "not saved (" + e.getMessage() + ")";
            }
            return String.format(Locale.ROOT, "property '%s' failed on input %d (-Dlrml.fuzz.seed=%d"
                            + " -Dlrml.fuzz.case=%d reruns it): %s%n  input of %d bytes, shrunk to %d, %s%n  base64: %s",
                    name, index, seed, index, problem, size.apply(original), bytes.length, saved,
                    bytes.length <= 3000 ? Base64.getEncoder().encodeToString(bytes) : "(too long to print)");
        }
    }

    /** What a property run found: how many inputs, how each ended, the time, the largest allocation. */
    public record Summary(String name, int count, long seed, Map<String, Integer> tally, double seconds,
                          long largestAllocation) {
        public int total() {
            return tally.values().stream().mapToInt(Integer::intValue).sum();
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                    "fuzz %s: %d inputs (seed %d) in %.1f s, largest allocation %.1f MiB:", name, count, seed, seconds,
                    largestAllocation / 1048576.0));
            tally.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .forEach(e -> b.append(String.format(Locale.ROOT, "%n  %5d  %s", e.getValue(), e.getKey())));
            return b.toString();
        }
    }

    /** Shrink candidates of bytes: halves, then pieces of decreasing size removed, then a prefix. */
    static List<byte[]> smallerBytes(byte[] b) {
        List<byte[]> out = new ArrayList<>();
        if (b.length <= 1) {
            return out;
        }
        for (int piece = b.length / 2; piece >= 1; piece /= 2) {
            for (int at = 0; at + piece <= b.length && out.size() < 64; at += piece) {
                byte[] c = new byte[b.length - piece];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(b, at + piece, c, at, b.length - at - piece);
                out.add(c);
            }
        }
        return out;
    }

    /** Bytes of a text input, for the failure file. */
    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
