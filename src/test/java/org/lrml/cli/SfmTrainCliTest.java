package org.lrml.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrml.data.SyntheticSfm;
import org.lrml.report.MetricsJson;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code lrml train --dataset sfm120k} end to end on the synthetic SfM-format set: a ResNet-18 at 64 px trains one
 * epoch, its loss falls and the mAP of the held-out val clusters rises; the checkpoint then evaluates as a
 * landmark network with {@code lrml eval --checkpoint}, with the run's learned whitening. Bad input: one line each.
 */
class SfmTrainCliTest {

    @Test
    void trainsOneEpochAndTheCheckpointEvaluates(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("sfm");
        SyntheticSfm.write(data, SyntheticSfm.Spec.small());
        Path run = dir.resolve("run");
        String out = CliTest.run(0, "train", "--dataset", "sfm120k", "--data", data.toString(), "--arch", "resnet18",
                "--image-size", "64", "--queries", "40", "--pool", "60", "--epochs", "1", "--lr", "5e-5",
                "--describe-batch", "48", "--backend", "cpu", "--out", run.toString())[0];
        assertTrue(out.contains("frozen batch norm") && out.contains("positives given") && out.contains("whitening Lw"),
                out);
        @SuppressWarnings("unchecked")
        Map<String, Object> history = new ObjectMapper().readValue(run.resolve("history.json").toFile(), Map.class);
        @SuppressWarnings("unchecked")
        List<Double> losses = ((List<Number>) history.get("step_losses")).stream().map(Number::doubleValue).toList();
        double first = (losses.get(0) + losses.get(1)) / 2;
        double last = (losses.get(losses.size() - 1) + losses.get(losses.size() - 2)) / 2;
        assertTrue(last < first, "the loss falls within the epoch: " + losses);
        double untrained = ((Number) ((Map<?, ?>) history.get("untrained")).get("mAP")).doubleValue();
        double trained = ((Number) MetricsJson.read(run.resolve("metrics.json")).get("mAP")).doubleValue();
        assertTrue(trained > untrained + 0.01, "val mAP " + untrained + " -> " + trained);
        for (String f : List.of("config.json", "curves.png", "gallery.png", "checkpoints/epoch-001.ckpt",
                "whitening/projection.npy")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f);
        }

        Path ckpt = run.resolve("checkpoints").resolve("epoch-001.ckpt");
        Path dataset = LandmarkCliTest.roxfordFixture(dir.resolve("roxford5k"));
        String eval = CliTest.run(0, "eval", "--checkpoint", ckpt.toString(), "--protocol", "roxford5k", "--dataset",
                dataset.toString(), "--image-size", "48", "--whitening", run.resolve("whitening").toString(),
                "--backend", "cpu", "--out", dir.resolve("m").toString())[0];
        assertTrue(eval.contains("roxford5k medium") && eval.contains("whitening to 512"), eval);
    }

    @Test
    void badInputIsOneLineNamingTheFlagOrFile(@TempDir Path dir) throws IOException {
        String noData = CliTest.run(1, "train", "--dataset", "sfm120k")[1];
        assertTrue(noData.contains("--data") && noData.contains("retrieval-SfM-120k.pkl"), noData);
        String noPkl = CliTest.run(1, "train", "--dataset", "sfm120k", "--data", dir.toString(), "--out",
                dir.resolve("r").toString())[1];
        assertTrue(noPkl.contains("retrieval-SfM-120k.pkl") && noPkl.strip().lines().count() == 1, noPkl);
        String wrongFlag = CliTest.run(1, "train", "--dataset", "sfm120k", "--data", dir.toString(), "--widths",
                "8,8,8")[1];
        assertTrue(wrongFlag.contains("--widths") && wrongFlag.contains("fashion-mnist"), wrongFlag);
        String sfmFlag = CliTest.run(1, "train", "--arch", "resnet18")[1];
        assertTrue(sfmFlag.contains("--arch") && sfmFlag.contains("sfm120k"), sfmFlag);
        String arch = CliTest.run(1, "train", "--dataset", "sfm120k", "--data", dir.toString(), "--arch", "resnet7")[1];
        assertTrue(arch.contains("--arch") && arch.contains("resnet7"), arch);
        String dataset = CliTest.run(1, "train", "--dataset", "imagenet")[1];
        assertTrue(dataset.contains("--dataset") && dataset.contains("sfm120k"), dataset);
    }
}
