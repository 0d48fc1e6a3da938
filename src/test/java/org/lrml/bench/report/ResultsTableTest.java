package org.lrml.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

/** results.md of bench/run from a JMH JSON result and the per-call lines of JMH's log (samples in src/test/resources/bench). */
class ResultsTableTest {
    private static final Path DIR = Path.of("src/test/resources/bench");

    @Test
    void perCallLinesBelongToTheBenchmarkAndParametersAboveThem() throws IOException {
        PerCallLog log = PerCallLog.parse(Files.readAllLines(DIR.resolve("jmh-sample.log")));
        assertEquals(3.355443e7, log.of("org.lrml.bench.GemmBench.sgemm", Map.of("n", "256")).flops());
        assertEquals(2.147484e9, log.of("org.lrml.bench.GemmBench.sgemm", Map.of("n", "1024")).flops());
        PerCallLog.Work loss = log.of("org.lrml.bench.LossBench.fused", Map.of("params", "delta0.1-mu0.5"));
        assertEquals(9.437184e6, loss.flops());
        assertEquals(1.258291e7, loss.bytes());
        assertEquals(2.838556e6, log.of("org.lrml.bench.NetOptimBench.adam", Map.of()).bytes());
        assertTrue(Double.isNaN(log.of("org.lrml.bench.NetOptimBench.adam", Map.of()).flops()));
        // CUDA lines; parameters in either order; a count of 0 means "not counted".
        PerCallLog.Work gemm = log.of("org.lrml.bench.cuda.GemmCudaBench.sgemm", Map.of("provider", "builtin", "n", "4096"));
        assertEquals(1.374e11, gemm.flops());
        assertEquals(2.013e8, gemm.bytes());
        PerCallLog.Work topk = log.of("org.lrml.bench.cuda.TopKCudaBench.topK", Map.of("cols", "100000", "k", "5"));
        assertTrue(Double.isNaN(topk.flops()));
        assertEquals(4.0e8, topk.bytes());
        assertTrue(Double.isNaN(log.of("org.lrml.bench.NnOpsBench.softmax", Map.of()).bytes()));
        assertTrue(Double.isNaN(log.of("org.lrml.bench.GemmBench.sgemm", Map.of("n", "2048")).flops()));
    }

    @Test
    void markdownRowsCarryScoreErrorUnitAndRates(@TempDir Path tmp) throws IOException {
        Path md = tmp.resolve("results.md");
        ResultsTable.main(new String[]{DIR.resolve("jmh-sample.json").toString(), DIR.resolve("jmh-sample.log").toString(),
                md.toString(), "# JMH results", "Command: `bench/run Gemm`"});
        List<String> lines = Files.readAllLines(md);
        assertEquals(List.of(
                "# JMH results",
                "Command: `bench/run Gemm`",
                "",
                "| benchmark | params | score ± error | unit | GFLOP/s | GB/s |",
                "|---|---|--:|---|--:|--:|",
                // 2.147484e9 FLOP in 8.5 ms
                "| GemmBench.sgemm | n=1024 | 8.5 ± 0.12 | ms/op | 253 |  |",
                // one iteration: no error estimate
                "| GemmBench.sgemm | n=256 | 538.2 | ms/op | 0.0623 |  |",
                "| LossBench.fused | params=delta0.1-mu0.5 | 1.25 ± 0.05 | ms/op | 7.55 | 10.1 |",
                // throughput: 2 ops/ms is 0.5 ms per call
                "| NetOptimBench.adam |  | 2 ± 0.01 | ops/ms |  | 5.68 |",
                "| cuda.GemmCudaBench.sgemm | n=4096, provider=builtin | 9000 ± 120 | us/op | 15300 | 22.4 |",
                "| cuda.TopKCudaBench.topK | cols=100000, k=5 | 200 ± 3 | us/op |  | 2000 |",
                "| NnOpsBench.softmax |  | 2 ± 0.5 | ms/op |  |  |"), lines);
    }

    @Test
    void unitsConvertToSecondsPerCall() {
        assertEquals(2e-3, ResultsTable.secondsPerCall(2, "ms/op"), 1e-18);
        assertEquals(3e-6, ResultsTable.secondsPerCall(3, "us/op"), 1e-18);
        assertEquals(5e-9, ResultsTable.secondsPerCall(5, "ns/op"), 1e-21);
        assertEquals(0.25, ResultsTable.secondsPerCall(4, "ops/s"), 0);
        assertEquals(1e-3 / 4, ResultsTable.secondsPerCall(4, "ops/ms"), 1e-18);
        assertTrue(Double.isNaN(ResultsTable.secondsPerCall(4, "furlongs")));
    }

    @Test
    void notAResultArrayIsRefusedWithWhatItWas() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResultsTable.rows(new ObjectMapper().readTree("{\"benchmark\": 1}"), PerCallLog.parse(List.of())));
        assertTrue(e.getMessage().contains("OBJECT"), e.getMessage());
    }
}
