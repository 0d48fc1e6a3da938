package org.lrml.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.lrml.backend.LossKind;
import org.lrml.backend.LossSpec;
import org.lrml.train.TrainConfig;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** {@code lrml train --help} shows every default, and they are exactly the builder's. */
class TrainDefaultsTest {
    private static final List<String> WITHOUT_DEFAULT = List.of("--out", "--resume", "--draws-out", "--margin", "--pretrained",
            "--help", "--version", "--profile", "--detect-anomaly");

    private static TrainCommand parse(String... args) {
        TrainCommand cmd = new TrainCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd;
    }

    /** The help text on one line per option (picocli wraps long descriptions). */
    private static String help() {
        return CliTest.run(0, "train", "--help")[0].replaceAll("\\s*\\n\\s+(?![\\s-])", " ");
    }

    @Test
    void withoutFlagsTheCommandBuildsTheBuildersDefaults() {
        assertEquals(TrainConfig.defaults(), parse().config());
        for (LossKind kind : LossKind.values()) {
            assertEquals(LossSpec.defaults(kind), parse("--loss", kind.name().toLowerCase(Locale.ROOT)).config().loss(),
                    kind + " with its own defaults");
        }
    }

    @Test
    void helpShowsEveryDefaultAsTheBuilderHasIt() {
        String help = help();
        CommandLine cl = new CommandLine(new TrainCommand());
        for (OptionSpec o : cl.getCommandSpec().options()) {
            String flag = o.longestName();
            if (WITHOUT_DEFAULT.contains(flag)) {
                assertNull(TrainDefaults.of(flag), flag);
                continue;
            }
            String value = TrainDefaults.of(flag);
            assertNotNull(value, flag + " has no default in TrainDefaults");
            Matcher m = Pattern.compile(Pattern.quote(flag) + "=\\S+ [^\\n]*?default: ([^;)]+)[;)]").matcher(help);
            assertTrue(m.find(), flag + " shows no default in:\n" + help);
            assertEquals(value, m.group(1).strip(), flag);
        }
        for (LossKind kind : LossKind.values()) {
            String margin = TrainDefaults.plain(LossSpec.defaults(kind).margin());
            assertTrue(help.contains("(default " + margin + ")"), "margin of " + kind + " (" + margin + ") in:\n" + help);
        }
        assertTrue(help.contains("(default: 1e-6; sfm120k: 1e-4)"), "weight decay as typed:\n" + help);
    }

    @Test
    void plainNumbersReadBackExactly() {
        for (double v : new double[]{1e-3, 1e-6, 10, 1.2, 0.05, 3, 0, 1e-12, 123456789.0}) {
            assertEquals(v, Double.parseDouble(TrainDefaults.plain(v)), TrainDefaults.plain(v));
        }
        assertEquals("10", TrainDefaults.plain(10));
        assertEquals("0.001", TrainDefaults.plain(1e-3));
    }
}
