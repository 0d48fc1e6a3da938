package org.lrml.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TinyFashion;
import org.lrml.train.Checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Gradient control through {@code lrml train}: float64 training on the CPU, clipping by value and norm, the
 * per-parameter gradient statistics in history.json, anomaly mode over a healthy run, and a resume that keeps all of
 * it.
 */
class TrainGradientsTest {
    @Test
    @SuppressWarnings("unchecked")
    void float64WithClippingRecordsGradientsAndResumes(@TempDir Path tmp) throws IOException {
        Path data = TinyFashion.write(tmp.resolve("data"), 60, 20, 5);
        Path run = tmp.resolve("run");
        String out = CliTest.run(0, "train", "--data", data.toString(), "--out", run.toString(), "--backend", "cpu",
                "--epochs", "1", "--queries", "12", "--pool", "40", "--tuples-per-step", "6", "--describe-batch", "40",
                "--eval-every", "0", "--widths", "4,8,8", "--dim", "8", "--dtype", "float64", "--clip-grad-norm", "0.01",
                "--clip-grad-value", "0.5",
                "--detect-anomaly")[0];
        assertTrue(out.contains("final: mAP"), out);
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> config = json.readValue(Files.readString(run.resolve("config.json")), Map.class);
        assertEquals("float64", config.get("dtype"));
        assertEquals(0.01, config.get("clip_grad_norm"));
        assertEquals(0.5, config.get("clip_grad_value"));
        Map<String, Object> history = json.readValue(Files.readString(run.resolve("history.json")), Map.class);
        Map<String, Object> epoch = ((List<Map<String, Object>>) history.get("epochs")).get(0);
        Map<String, Object> g = (Map<String, Object>) epoch.get("gradients");
        assertEquals(epoch.get("steps"), g.get("clipped_steps"), "a norm of 0.01 clips every step: " + g);
        Map<String, Map<String, Object>> params = (Map<String, Map<String, Object>>) g.get("parameters");
        assertTrue(params.containsKey("features.conv1.weight") && params.containsKey("pool.p"), params.keySet().toString());
        for (Map.Entry<String, Map<String, Object>> p : params.entrySet()) {
            double norm = ((Number) p.getValue().get("grad_norm_mean")).doubleValue();
            assertTrue(norm >= 0 && Double.isFinite(norm), p.toString());
        }
        Checkpoint c = Checkpoint.read(run.resolve("checkpoints/epoch-001.ckpt"));
        for (Tensor t : c.modelTensors().values()) {
            assertEquals(DType.F64, t.dtype(), "float64 weights in the checkpoint");
        }
        CliTest.run(0, "train", "--resume", run.toString(), "--epochs", "2");
        Map<String, Object> resumed = json.readValue(Files.readString(run.resolve("history.json")), Map.class);
        assertEquals(2, ((List<Object>) resumed.get("epochs")).size());
        Map<String, Object> after = json.readValue(Files.readString(run.resolve("config.json")), Map.class);
        assertEquals("float64", after.get("dtype"));
        assertEquals(0.01, after.get("clip_grad_norm"));
    }

    @Test
    void detectAnomalyNamesTheOpThatOverflowsAsOneError(@TempDir Path tmp) throws IOException {
        Path data = TinyFashion.write(tmp.resolve("data"), 60, 20, 5);
        String err = CliTest.run(1, "train", "--data", data.toString(), "--out", tmp.resolve("run").toString(),
                "--backend", "cpu", "--epochs", "1", "--queries", "12", "--pool", "40", "--tuples-per-step", "6",
                "--describe-batch", "40", "--eval-every", "0", "--widths", "4,8,8", "--dim", "8", "--lr", "1e30",
                "--detect-anomaly")[1];
        assertTrue(err.contains("lrml train: error: anomaly: conv2d produced +Inf"), err);
        assertTrue(err.contains("(the op was created at org.lrml.train.RetrievalNetModel.forward"), err);
        assertTrue(err.contains("inputs:") && err.contains("float32 min"), err);
    }

    @Test
    void badDtypeAndNegativeClippingAreNamed(@TempDir Path tmp) {
        String err = CliTest.run(1, "train", "--dtype", "float16", "--out", tmp.resolve("x").toString())[1];
        assertTrue(err.contains("--dtype: unknown value 'float16'; expected float32 or float64"), err);
        err = CliTest.run(1, "train", "--clip-grad-norm", "-1", "--out", tmp.resolve("y").toString())[1];
        assertTrue(err.contains("--clip-grad-norm must be finite and >= 0"), err);
    }
}
