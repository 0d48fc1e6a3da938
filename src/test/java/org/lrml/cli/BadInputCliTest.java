package org.lrml.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.nn.RetrievalNet;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.Fifo;
import org.lrml.train.Checkpoint;
import org.lrml.train.TrainConfig;
import org.lrml.util.Rng;

import picocli.CommandLine;

/**
 * The README's promise for bad input, command by command (issue 15, defects 3, 4, 5 and 7): one line
 * {@code lrml <command>: error: ...} on stderr naming the flag, file or value, exit status 1, nothing written, and
 * the problem found before the work is done.
 */
class BadInputCliTest {
    @TempDir
    static Path tmp;
    static Path x;
    static Path t;
    static Path s;
    static Path labels6;
    static Path aFile;
    static Path checkpoint;

    @BeforeAll
    static void files() throws IOException {
        float[] xv = new float[24];
        for (int i = 0; i < xv.length; i++) {
            xv[i] = (float) Math.sin(i);
        }
        x = tmp.resolve("X.npy");
        Npy.write(x, NpyArray.of(xv, 6, 4));
        t = tmp.resolve("T.npy");
        Npy.write(t, NpyArray.of(new long[]{0, 1, 2, 3, 1, 0, 4, 5}, 2, 4));
        s = tmp.resolve("S.npy");
        Npy.write(s, NpyArray.of(new float[35], 5, 7));
        labels6 = tmp.resolve("L6.npy");
        Npy.write(labels6, NpyArray.of(new long[]{0, 1, 0, 1, 0, 1}, 6));
        aFile = Files.writeString(tmp.resolve("a-file"), "not a folder");
        checkpoint = netCheckpoint("net.ckpt", Float.NaN);
    }

    /** A checkpoint of a small untrained network; {@code poison} replaces whiten.weight[0] unless it is 0. */
    static Path netCheckpoint(String name, float poison) throws IOException {
        TrainConfig cfg = TrainConfig.builder().backend("cpu")
                .net(new RetrievalNet.Config(1, new int[]{4, 4, 4}, 8, RetrievalNet.Pooling.GEM, 3.0)).build();
        Map<String, Tensor> model = new LinkedHashMap<>(new RetrievalNet(cfg.net(), new Rng(0).fork(0)).stateDict());
        float[] w = model.get("whiten.weight").toFloatArray();
        w[0] = poison;
        model.put("whiten.weight", Tensor.of(org.lrml.backend.Backends.cpu(), w, 8, 4));
        Path file = tmp.resolve(name);
        Checkpoint.of(Map.of("epoch", 1, "config", cfg.toMap()), model, Map.of()).write(file);
        return file;
    }

    /** Runs the command expecting status 1; returns its one stderr line after checking the promise. */
    static String error(String... args) {
        String[] outErr = CliTest.run(1, args);
        String err = outErr[1];
        assertEquals(1, err.lines().count(), "one line on stderr: " + err);
        String command = args[0].startsWith("-") ? "lrml" : "lrml " + args[0];
        assertTrue(err.startsWith(command + ": error: "), err);
        assertFalse(err.contains("internal error") || err.contains("\tat "), err);
        return err.strip();
    }

    @Test
    void parseErrorsKeepThePromiseOfOneLineAndStatusOne() {
        String unknown = error("rank", "--similarity", s.toString(), "--k", "2", "--out", "o", "--bogus");
        assertTrue(unknown.contains("'--bogus'") && unknown.contains("lrml rank --help"), unknown);
        String missing = error("rank", "--similarity", s.toString(), "--out", "o");
        assertTrue(missing.contains("--k"), missing);
        String malformed = error("rank", "--similarity", s.toString(), "--k", "x", "--out", "o");
        assertTrue(malformed.contains("--k") && malformed.contains("'x'"), malformed);
        String noValue = error("lossgrad", "--embeddings");
        assertTrue(noValue.contains("--embeddings"), noValue);
        String typo = error("train", "--epoch", "3");
        assertTrue(typo.contains("--epoch") && typo.contains("did you mean"), typo);
        String command = CliTest.run(1, "trian")[1];
        assertTrue(command.startsWith("lrml: error: ") && command.contains("'trian'") && command.contains("train")
                && command.lines().count() == 1, command);
        assertTrue(CliTest.run(0, "rank", "--help")[0].contains("--similarity"), "help is no error");
    }

    @Test
    void lossgradRefusesNanInXAndNamesTheElement() throws IOException {
        float[] v = Npy.read(x).toFloats();
        v[2 * 4 + 1] = Float.NaN;
        Path nan = tmp.resolve("Xnan.npy");
        Npy.write(nan, NpyArray.of(v, 6, 4));
        Path out = tmp.resolve("nan-out");
        String e = error("lossgrad", "--embeddings", nan.toString(), "--tuples", t.toString(), "--out", out.toString());
        assertTrue(e.contains("Xnan.npy") && e.contains("X[2, 1] is NaN"), e);
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void lossParametersAreNamedByTheirFlag() {
        String e = error("lossgrad", "--embeddings", x.toString(), "--tuples", t.toString(), "--out", "o", "--lambda",
                "-1");
        assertTrue(e.contains("--lambda must be >= 0, got -1.0") && !e.contains("LossSpec["), e);
    }

    @Test
    void extractRefusesACheckpointWithNanWeights() {
        Path out = tmp.resolve("desc.npy");
        String e = error("extract", "--checkpoint", checkpoint.toString(), "--data", tmp.toString(), "--out",
                out.toString(), "--backend", "cpu");
        assertTrue(e.contains("net.ckpt") && e.contains("whiten.weight") && e.contains("NaN"), e);
        assertFalse(Files.exists(out));
    }

    @Test
    void anOutputPathThatCannotBeWrittenIsFoundBeforeTheWork() {
        // Each command is given an input that would fail too: the --out error comes first, so no work was done.
        String junk = tmp.resolve("missing.npy").toString();
        Path under = aFile.resolve("sub");
        for (String[] args : List.of(
                new String[]{"rank", "--similarity", junk, "--k", "2", "--out", aFile.toString()},
                new String[]{"lossgrad", "--embeddings", junk, "--tuples", junk, "--out", aFile.toString()},
                new String[]{"eval", "--query-descriptors", junk, "--query-labels", junk, "--exclude-self", "--out",
                        aFile.toString()},
                new String[]{"extract", "--checkpoint", checkpoint.toString(), "--data", junk, "--out",
                        under.resolve("d.npy").toString()},
                new String[]{"extract", "--checkpoint", checkpoint.toString(), "--data", junk, "--out",
                        aFile.resolve("d.npy").toString()},
                new String[]{"extract", "--checkpoint", checkpoint.toString(), "--data", junk, "--out", tmp.toString()},
                new String[]{"train", "--data", junk, "--out", aFile.toString()})) {
            String e = error(args);
            assertTrue(e.contains("--out") && e.contains("a-file") || e.contains("is a folder"), e);
        }
    }

    @Test
    void inputsThatAreNotFilesAreNamed() {
        String folder = error("rank", "--similarity", tmp.toString(), "--k", "2", "--out", tmp.resolve("r").toString());
        assertTrue(folder.contains(tmp.toString()) && folder.contains("is a folder, not an .npy file"), folder);
        Path fifo = tmp.resolve("fifo.npy");
        assumeTrue(Fifo.make(fifo), "mkfifo");
        String e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> error("rank", "--similarity",
                fifo.toString(), "--k", "2", "--out", tmp.resolve("r").toString()));
        assertTrue(e.contains("fifo.npy") && e.contains("FIFO"), e);
    }

    @Test
    void offsetsThatWouldWrapTheGlobalIndicesAreRefused() {
        String big = error("rank", "--similarity", s.toString(), "--k", "2", "--out", tmp.resolve("r1").toString(),
                "--col-offset", Long.toString(Long.MAX_VALUE - 1));
        assertTrue(big.contains("--col-offset " + (Long.MAX_VALUE - 1)) && big.contains("7 columns"), big);
        String negative = error("rank", "--similarity", s.toString(), "--k", "2", "--out", tmp.resolve("r2").toString(),
                "--row-offset", "-3");
        assertTrue(negative.contains("--row-offset -3"), negative);
        CliTest.run(0, "rank", "--similarity", s.toString(), "--k", "2", "--out", tmp.resolve("r3").toString(),
                "--col-offset", Long.toString(Long.MAX_VALUE - 6));
    }

    @Test
    void aProviderThatCannotServeARequestIsAUserErrorNotAnInternalOne() {
        CommandLine train = new CommandLine(new Main()).getSubcommands().get("train");
        StringWriter err = new StringWriter();
        train.setErr(new PrintWriter(err, true));
        int status = new Main.ErrorHandler().handleExecutionException(new UnsupportedOperationException(
                "conv2d forward 3x3 dilation 2: no cuDNN algorithm; the built-in kernels would serve it, but cuDNN was"
                        + " forced with -Dlrml.cuda.provider.conv=cudnn"), train, null);
        assertEquals(1, status);
        assertTrue(err.toString().startsWith("lrml train: error: conv2d") && err.toString().lines().count() == 1,
                err.toString());
    }

    @Test
    void aMessageThatQuotesControlCharactersStaysOneLine() {
        CommandLine eval = new CommandLine(new Main()).getSubcommands().get("eval");
        StringWriter err = new StringWriter();
        eval.setErr(new PrintWriter(err, true));
        new Main.ErrorHandler().handleExecutionException(new IllegalArgumentException("a\nb\u001b[2J"), eval, null);
        assertEquals("lrml eval: error: a\\x0ab\\x1b[2J", err.toString().strip());
    }
}
