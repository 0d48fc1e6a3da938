package org.lrml.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.testutil.Fifo;
import org.lrml.testutil.Fuzz;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Property of the command line: any argument list ends with status 0, or with status 1 and exactly one line
 * {@code lrml <command>: error: ...} on stderr -- never status 2 (an internal error), a stack trace, the usage text
 * instead of an error, or a hang. Argument lists come from the commands' own option model (picocli's), each option
 * given a value from a vocabulary of good, malformed and hostile ones for its type (numbers out of range, NaN,
 * files that are folders, FIFOs, missing or not what they should be), plus unknown options, stray words, repeated
 * options and options missing their value. train, extract and gradcheck always get one parse error, so no case
 * starts real training or extraction; rank, lossgrad and eval run for real on small files.
 */
class CliParsePropertyTest {
    private static final String[] COMMANDS = {"rank", "lossgrad", "eval", "extract", "train", "gradcheck", "info", "help"};
    private static final String[] INTS = {"1", "2", "3", "5", "0", "-1", "x", "1e3", "2147483648", "9223372036854775807",
            "", "0x10", " 3", "１"};
    private static final String[] DOUBLES = {"0.5", "1", "0", "-1", "nan", "NaN", "Infinity", "1e300", "-1e-300", "abc",
            "", "0x1p3"};
    private static final String[] WORDS = {"cpu", "auto", "cuda", "lrml", "triplet", "contrastive", "seen", "unseen",
            "oxford5k", "hardest", "bottom", "random", "same", "different", "any", "gem", "mac", "test", "train", "bogus",
            "", "\u001b[31mred", "matmul"};
    private static final String[] WIDTHS = {"4,4,4", "4,4", "a,b,c", "-1,2,3", "4,4,4,4", "", "2147483647,1,1"};
    private static final String[] JUNK = {"--nope", "-z", "--k=3=4", "stray", "--", "-", "---k", "--similarity=",
            "--\u00e9", "@missing-args-file"};

    @TempDir
    static Path tmp;
    static List<String> paths;

    @BeforeAll
    static void files() throws IOException {
        Path x = tmp.resolve("X.npy");
        Npy.write(x, NpyArray.of(new float[]{1, 0, 0, 1, 0.6f, 0.8f, -1, 0}, 4, 2));
        Path t = tmp.resolve("T.npy");
        Npy.write(t, NpyArray.of(new long[]{0, 1, 2, 1, 0, 3}, 2, 3));
        Path labels = tmp.resolve("L.npy");
        Npy.write(labels, NpyArray.of(new long[]{0, 1, 0, 1}, 4));
        Path nan = tmp.resolve("nan.npy");
        Npy.write(nan, NpyArray.of(new float[]{Float.NaN, 0, 1, 0}, 2, 2));
        Path text = Files.writeString(tmp.resolve("text.npy"), "not numpy");
        Path fifo = tmp.resolve("fifo.npy");
        paths = new ArrayList<>(List.of(x.toString(), t.toString(), labels.toString(), nan.toString(), text.toString(),
                tmp.resolve("missing.npy").toString(), tmp.toString(), tmp.resolve("a\nb").toString()));
        if (Fifo.make(fifo)) {
            paths.add(fifo.toString());
        }
    }

    @Test
    void everyArgumentListEndsInStatusZeroOrOneErrorLine() {
        CommandLine model = new CommandLine(new Main());
        Fuzz.Property<List<String>> p = new Fuzz.Property<>("cli", rng -> arguments(model, rng),
                CliParsePropertyTest::runAndCheck, args -> (long) String.join(" ", args).length(), 1L << 30, 1L << 30,
                CliParsePropertyTest::shorter, args -> Fuzz.utf8(String.join("\n", args)));
        Fuzz.Summary s = p.verify();
        assertEquals(Fuzz.count(), s.total());
    }

    static List<String> arguments(CommandLine model, Random rng) {
        List<String> args = new ArrayList<>();
        if (rng.nextInt(30) == 0) {
            args.add(rng.nextBoolean() ? "trian" : "--nope");
            return args;
        }
        String command = COMMANDS[rng.nextInt(COMMANDS.length)];
        args.add(command);
        if (command.equals("help")) {
            if (rng.nextBoolean()) {
                args.add(COMMANDS[rng.nextInt(COMMANDS.length)]);
            }
            return args;
        }
        CommandSpec spec = model.getSubcommands().get(command).getCommandSpec();
        Path out = tmp.resolve("out-" + rng.nextInt(1 << 20));
        for (OptionSpec o : spec.options()) {
            if (o.usageHelp() || o.versionHelp()) {
                continue;
            }
            if (!(o.required() ? rng.nextInt(8) != 0 : rng.nextInt(3) == 0)) {
                continue;
            }
            String name = o.longestName();
            if (!o.arity().isVariable() && o.arity().max() == 0) {
                args.add(name);
                continue;
            }
            args.add(name);
            args.add(value(name, o.type(), command, out, rng));
        }
        boolean mustFail = command.equals("train") || command.equals("extract") || command.equals("gradcheck");
        if (mustFail || rng.nextInt(4) == 0) {
            args.add(1 + rng.nextInt(args.size()), JUNK[rng.nextInt(mustFail ? 3 : JUNK.length)]);
        }
        if (rng.nextInt(10) == 0 && args.size() > 2) {
            args.add(args.get(1));
        }
        return args;
    }

    private static String value(String name, Class<?> type, String command, Path out, Random rng) {
        if (name.equals("--out") || name.equals("--draws-out")) {
            return rng.nextInt(5) == 0 ? paths.get(rng.nextInt(paths.size())) : out.toString();
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == long[].class) {
            return INTS[rng.nextInt(INTS.length)];
        }
        if (type == double.class || type == Double.class) {
            return DOUBLES[rng.nextInt(DOUBLES.length)];
        }
        if (type == int[].class) {
            return WIDTHS[rng.nextInt(WIDTHS.length)];
        }
        if (type == Path.class) {
            // eval never gets a usable checkpoint: with one it would describe the real data set
            return paths.get(rng.nextInt(paths.size()));
        }
        return WORDS[rng.nextInt(WORDS.length)];
    }

    private static Fuzz.Verdict runAndCheck(List<String> args, String name) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            status = Main.run(args.toArray(new String[0]));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String stderr = e.toString(StandardCharsets.UTF_8);
        String command = args.isEmpty() || args.get(0).startsWith("-") || args.get(0).equals("trian") ? "lrml"
                : "lrml " + args.get(0);
        if (status == 0) {
            return stderr.contains(": error: ") ? Fuzz.Verdict.fail("status 0 with an error: " + stderr)
                    : Fuzz.Verdict.ok("status 0");
        }
        if (status != 1) {
            return Fuzz.Verdict.fail("status " + status + " for " + args + ": " + stderr);
        }
        List<String> lines = stderr.lines().toList();
        if (lines.size() != 1 || !lines.get(0).startsWith(command + ": error: ")) {
            return Fuzz.Verdict.fail("not one error line for " + args + ": " + stderr);
        }
        String problem = Fuzz.messageProblem(lines.get(0), null);
        if (problem != null) {
            return Fuzz.Verdict.fail(problem);
        }
        boolean parse = lines.get(0).endsWith("--help'");
        return Fuzz.Verdict.ok("status 1, " + (parse ? "a parse error" : "bad input found by the command") + " ("
                + args.get(0) + ")");
    }

    private static List<List<String>> shorter(List<String> args) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 1; i < args.size(); i++) {
            List<String> c = new ArrayList<>(args);
            c.remove(i);
            out.add(c);
        }
        return out;
    }
}
