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
import org.lrml.eval.DescriptorEval;
import org.lrml.eval.EvalResult;
import org.lrml.io.Npy;
import org.lrml.io.NpyArray;
import org.lrml.nn.LandmarkNet;
import org.lrml.report.MetricsJson;
import org.lrml.testutil.Agreement;
import org.lrml.testutil.TorchFixtures;
import org.lrml.train.Checkpoint;
import org.lrml.util.Rng;

/**
 * 'lrml import', 'lrml extract', 'lrml whiten' and 'lrml eval' on landmark networks, end to end through the command
 * line. The "done when": a torchvision ResNet-50 state dict (random weights, realistic batch-norm statistics)
 * imported and run on 224 x 224 images gives descriptors equal to torchvision + GeM + L2 within 1e-4.
 */
class LandmarkCliTest {

    static Path images(Path fixture, Path dir) throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        try (var s = Files.list(fixture)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.getFileName().toString().endsWith(".png")) {
                    Files.copy(p, images.resolve(p.getFileName()));
                }
            }
        }
        return images;
    }

    static void sameDescriptors(String what, Path expected, Path actual) throws IOException {
        NpyArray e = Npy.read(expected);
        NpyArray a = Npy.read(actual);
        Agreement.check(what, e.shape(), e.toFloats(), a.shape(), a.toFloats(), 1e-4);
    }

    @Test
    void resnet50StateDictImportedAndExtractedAt224MatchesTorchvision(@TempDir Path dir) throws Exception {
        Path fx = TorchFixtures.get("resnet50-224x224", "trunk", "resnet50", "--size", "224x224");
        Path ckpt = dir.resolve("r50.ckpt");
        String out = CliTest.run(0, "import", "--torch", fx.resolve("resnet50.pth").toString(), "--arch", "resnet50",
                "--out", ckpt.toString())[0];
        assertTrue(out.contains("torchvision layout") && out.contains("GeM p 3.0000 (--gem-p)"), out);
        Path desc = dir.resolve("d.npy");
        CliTest.run(0, "extract", "--checkpoint", ckpt.toString(), "--images", images(fx, dir).toString(),
                "--image-size", "224", "--backend", "cpu", "--out", desc.toString());
        assertEquals("image0\nimage1\n", Files.readString(dir.resolve("d.names.txt")));
        sameDescriptors("lrml import + extract, resnet50 224x224 vs torchvision + GeM + L2", fx.resolve("gem.npy"), desc);
        Checkpoint c = Checkpoint.read(ckpt);
        assertEquals("resnet50", ((Map<?, ?>) c.meta().get("model")).get("arch"));
    }

    @Test
    void cirtorchCheckpointWithWhiteningAndMultiScale(@TempDir Path dir) throws Exception {
        Path fx = TorchFixtures.get("resnet18-cirtorch", "trunk", "resnet18", "--size", "64x80", "--cirtorch",
                "--multiscale");
        Path images = images(fx, dir);
        Path cir = dir.resolve("cir.ckpt");
        String out = CliTest.run(0, "import", "--torch", fx.resolve("resnet18-cirtorch.pth").toString(), "--out",
                cir.toString(), "--export-whitening", dir.resolve("lw").toString())[0];
        Path ms = dir.resolve("lw").resolve("retrieval-SfM-120k-ms");
        org.junit.jupiter.api.Assertions.assertArrayEquals(Npy.read(fx.resolve("lw_ms_P.npy")).toDoubles(),
                Npy.read(ms.resolve("projection.npy")).toDoubles(), "meta['Lw'] projection exported as it is");
        org.junit.jupiter.api.Assertions.assertArrayEquals(Npy.read(fx.resolve("lw_ms_m.npy")).toDoubles(),
                Npy.read(ms.resolve("mean.npy")).toDoubles());
        assertTrue(out.contains("cirtorch layout") && out.contains("whitening to 512") && out.contains("(from the file)"),
                out);
        Path d = dir.resolve("cir.npy");
        CliTest.run(0, "extract", "--checkpoint", cir.toString(), "--images", images.toString(), "--image-size", "80",
                "--out", d.toString());
        sameDescriptors("cirtorch resnet18: GeM p 2.7, L2, whitening, L2", fx.resolve("cirtorch.npy"), d);

        Path plain = dir.resolve("plain.ckpt");
        CliTest.run(0, "import", "--torch", fx.resolve("resnet18.pth").toString(), "--arch", "resnet18", "--out",
                plain.toString());
        Path multi = dir.resolve("ms.npy");
        CliTest.run(0, "extract", "--checkpoint", plain.toString(), "--images", images.toString(), "--image-size", "80",
                "--scales", "1," + (1 / Math.sqrt(2)) + ",0.5", "--out", multi.toString());
        sameDescriptors("multi-scale 1, 1/sqrt(2), 1/2 (mean of v^3)", fx.resolve("ms.npy"), multi);
    }

    @Test
    void importErrorsListWhatDoesNotFit(@TempDir Path dir) throws Exception {
        Path fx = TorchFixtures.get("resnet18-cirtorch", "trunk", "resnet18", "--size", "64x80", "--cirtorch",
                "--multiscale");
        String out = dir.resolve("x.ckpt").toString();
        String wrong = CliTest.run(1, "import", "--torch", fx.resolve("resnet18.pth").toString(), "--arch", "resnet50",
                "--out", out)[1].strip();
        assertEquals(1, wrong.lines().count(), wrong);
        assertTrue(wrong.startsWith("lrml import: error: ") && wrong.contains("resnet18.pth")
                && wrong.contains("do not fit resnet50") && wrong.contains("missing [features.layer1.0.conv3.weight")
                && wrong.contains("mis-shaped [features.layer1.0.conv1.weight [64, 64, 3, 3] (network: [64, 64, 1, 1])")
                && wrong.contains("more"), wrong);
        String vgg = CliTest.run(1, "import", "--torch", fx.resolve("resnet18.pth").toString(), "--arch", "vgg16",
                "--out", out)[1].strip();
        assertEquals(1, vgg.lines().count(), vgg);
        assertTrue(vgg.contains("missing [features.0.weight") && vgg.contains("unexpected [conv1.weight"), vgg);
        String contradiction = CliTest.run(1, "import", "--torch", fx.resolve("resnet18-cirtorch.pth").toString(),
                "--arch", "vgg16", "--out", out)[1].strip();
        assertTrue(contradiction.contains("contradicts") && contradiction.contains("resnet18"), contradiction);
        String noArch = CliTest.run(1, "import", "--torch", fx.resolve("resnet18.pth").toString(), "--out", out)[1];
        assertTrue(noArch.contains("--arch is required"), noArch);
        assertTrue(!Files.exists(dir.resolve("x.ckpt")), "no checkpoint after a failed import");
    }

    @Test
    void importRefusesFilesThatAreNotStateDicts(@TempDir Path dir) {
        String err = CliTest.run(1, "import", "--torch", "src/test/resources/landmark/torch/small_legacy.pth", "--arch",
                "resnet101", "--out", dir.resolve("x.ckpt").toString())[1].strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains("small_legacy.pth") && err.contains("not tensors"), err);
        String missing = CliTest.run(1, "import", "--torch", dir.resolve("none.pth").toString(), "--arch", "resnet18",
                "--out", dir.resolve("x.ckpt").toString())[1];
        assertTrue(missing.contains("--torch") && missing.contains("no such file"), missing);
    }

    @Test
    void whitenWritesTheNumpyProjection(@TempDir Path dir) throws IOException {
        Path pipe = Path.of("src/test/resources/landmark/pipeline");
        Path lw = dir.resolve("lw");
        CliTest.run(0, "whiten", "--descriptors", pipe.resolve("X.npy").toString(), "--pairs",
                pipe.resolve("pairs.npy").toString(), "--out", lw.toString());
        NpyArray mean = Npy.read(lw.resolve("mean.npy"));
        NpyArray expected = Npy.read(pipe.resolve("lw_mean.npy"));
        assertEquals(NpyArray.Type.F8, mean.type());
        double[] m = mean.toDoubles();
        for (int i = 0; i < m.length; i++) {
            assertEquals(expected.toDoubles()[i], m[i], 1e-7);
        }
        assertEquals(List.of(24, 24), List.of(Npy.read(lw.resolve("projection.npy")).shape()[0],
                Npy.read(lw.resolve("projection.npy")).shape()[1]));
        CliTest.run(0, "whiten", "--descriptors", pipe.resolve("X.npy").toString(), "--pca", "--out",
                dir.resolve("pca").toString());
        String both = CliTest.run(1, "whiten", "--descriptors", pipe.resolve("X.npy").toString(), "--pca", "--pairs",
                pipe.resolve("pairs.npy").toString(), "--out", dir.toString())[1];
        assertTrue(both.contains("mutually exclusive") && !both.contains("Error:"), both);
        String badPairs = CliTest.run(1, "whiten", "--descriptors", pipe.resolve("X.npy").toString(), "--pairs",
                pipe.resolve("X.npy").toString(), "--out", dir.toString())[1];
        assertTrue(badPairs.contains("--pairs") && badPairs.contains("n x 2"), badPairs);
    }

    @Test
    void evalAppliesWhiteningDbaAndQueryExpansionToDescriptorFiles(@TempDir Path dir) throws IOException {
        Path g = Path.of("src/test/resources/eval");
        Path pipe = Path.of("src/test/resources/landmark/pipeline");
        CliTest.run(0, "eval", "--query-descriptors", g.resolve("q.npy").toString(), "--db-descriptors",
                g.resolve("db.npy").toString(), "--query-labels", g.resolve("q_labels.npy").toString(), "--db-labels",
                g.resolve("db_labels.npy").toString(), "--qe", "3", "--qe-alpha", "1", "--out", dir.toString());
        Map<String, Object> m = MetricsJson.read(dir.resolve("metrics.json"));
        NpyArray qe = Npy.read(pipe.resolve("eval_qe_k3_a1.npy"));
        NpyArray db = Npy.read(g.resolve("db.npy"));
        EvalResult expected = DescriptorEval.evaluate(qe.toFloats(), db.toFloats(),
                Npy.read(g.resolve("q_labels.npy")).toInts("q"), Npy.read(g.resolve("db_labels.npy")).toInts("db"), 6,
                false);
        // The expanded queries agree to 1e-7; float32 rounding may then break a few of this fixture's many exact ties
        // differently, which moves the mAP in the fifth digit.
        assertEquals(expected.map(), (Double) m.get("mAP"), 1e-4, "mAP with NumPy's expanded queries");
        String selfQe = CliTest.run(1, "eval", "--query-descriptors", g.resolve("q.npy").toString(), "--query-labels",
                g.resolve("q_labels.npy").toString(), "--exclude-self", "--qe", "2", "--out", dir.toString())[1];
        assertTrue(selfQe.contains("--qe and --dba with --exclude-self"), selfQe);
        String wdim = CliTest.run(1, "eval", "--query-descriptors", g.resolve("q.npy").toString(), "--db-descriptors",
                g.resolve("db.npy").toString(), "--query-labels", g.resolve("q_labels.npy").toString(), "--db-labels",
                g.resolve("db_labels.npy").toString(), "--whitening-dim", "3", "--out", dir.toString())[1];
        assertTrue(wdim.contains("--whitening-dim needs --whitening"), wdim);
    }

    /** A landmark checkpoint without PyTorch: a fresh ResNet-18 with GeM written as lrml import writes one. */
    static Path freshCheckpoint(Path dir) throws IOException {
        LandmarkNet.Spec spec = LandmarkNet.Spec.of(LandmarkNet.Arch.RESNET18, LandmarkNet.Pooling.GEM, 3.0);
        LandmarkNet net = new LandmarkNet(spec, new Rng(3));
        Path ckpt = dir.resolve("fresh.ckpt");
        Checkpoint.of(LandmarkCheckpoints.meta(spec, Map.of("test", "fresh")), net.stateDict(), Map.of()).write(ckpt);
        return ckpt;
    }

    @Test
    void extractFollowsAListOrTheSfmWhiteningSetAndPostProcesses(@TempDir Path dir) throws IOException {
        Path ckpt = freshCheckpoint(dir);
        Path jpgs = Path.of("src/test/resources/landmark/images");
        Path listed = dir.resolve("listed.npy");
        Path list = dir.resolve("list.txt");
        Files.writeString(list, "progressive\nbaseline\ncmyk\n");
        CliTest.run(0, "extract", "--checkpoint", ckpt.toString(), "--images", jpgs.toString(), "--list", list.toString(),
                "--image-size", "40", "--out", listed.toString());
        assertEquals("progressive\nbaseline\ncmyk\n", Files.readString(dir.resolve("listed.names.txt")));
        assertEquals(List.of(3, 512), List.of(Npy.read(listed).shape()[0], Npy.read(listed).shape()[1]));

        // cirtorch's layout: ims/<cid[-2:]>/<cid[-4:-2]>/<cid[-6:-4]>/<cid>, files without extension.
        Path sfm = Path.of("src/test/resources/landmark/sfm/retrieval-SfM-120k-whiten.pkl");
        Path ims = dir.resolve("ims");
        String[] cids = {"a1b2c3d4e5f60718", "0f1e2d3c4b5a6978", "1122334455667788", "99aabbccddeeff00"};
        String[] sources = {"baseline.jpg", "q444.jpg", "cmyk.jpg", "exif6.jpg"};
        for (int i = 0; i < cids.length; i++) {
            String c = cids[i];
            Path folder = Files.createDirectories(ims.resolve(c.substring(c.length() - 2))
                    .resolve(c.substring(c.length() - 4, c.length() - 2)).resolve(c.substring(c.length() - 6, c.length() - 4)));
            Files.copy(jpgs.resolve(sources[i]), folder.resolve(c));
        }
        Path lw = dir.resolve("lw.npy");
        CliTest.run(0, "extract", "--checkpoint", ckpt.toString(), "--images", ims.toString(), "--sfm-whiten",
                sfm.toString(), "--image-size", "40", "--out", lw.toString());
        NpyArray pairs = Npy.read(dir.resolve("lw.pairs.npy"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[]{0, 1, 2, 3, 3, 0}, (long[]) pairs.data());
        assertEquals(cids[0] + "\n" + cids[1] + "\n" + cids[2] + "\n" + cids[3] + "\n",
                Files.readString(dir.resolve("lw.names.txt")));

        // Whitening of the extracted set to 3 dimensions, then DBA: unit rows of 3 values.
        Path pca = dir.resolve("pca");
        new org.lrml.eval.Whitening(new double[512], identityRows(4, 512)).write(pca);
        Path post = dir.resolve("post.npy");
        String out = CliTest.run(0, "extract", "--checkpoint", ckpt.toString(), "--images", jpgs.toString(), "--list",
                list.toString(), "--image-size", "40", "--whitening", pca.toString(), "--whitening-dim", "3", "--dba",
                "1", "--out", post.toString())[0];
        assertTrue(out.contains("whitening to 3") && out.contains("DBA k 1"), out);
        float[] v = Npy.read(post).toFloats();
        assertEquals(9, v.length);
        for (int i = 0; i < 3; i++) {
            double n = v[3 * i] * v[3 * i] + v[3 * i + 1] * v[3 * i + 1] + v[3 * i + 2] * v[3 * i + 2];
            assertEquals(1.0, n, 1e-5, "row " + i + " is a unit vector");
        }
        String missing = CliTest.run(1, "extract", "--checkpoint", ckpt.toString(), "--images", dir.toString(),
                "--sfm-whiten", sfm.toString(), "--out", dir.resolve("x.npy").toString())[1];
        assertTrue(missing.contains("a1b2c3d4e5f60718") && missing.contains("not found"), missing);
    }

    private static double[][] identityRows(int rows, int d) {
        double[][] p = new double[rows][d];
        for (int r = 0; r < rows; r++) {
            p[r][r] = 1;
        }
        return p;
    }

    @Test
    void evalRunsARevisitedProtocolWithALandmarkCheckpoint(@TempDir Path dir) throws IOException {
        Path ckpt = freshCheckpoint(dir);
        Path dataset = roxfordFixture(dir.resolve("roxford5k"));
        String out = CliTest.run(0, "eval", "--checkpoint", ckpt.toString(), "--protocol", "roxford5k", "--dataset",
                dataset.toString(), "--image-size", "48", "--scales", "1,0.7071", "--qe", "1", "--dba", "1",
                "--backend", "cpu", "--out", dir.resolve("m").toString())[0];
        assertTrue(out.contains("roxford5k medium") && out.contains("mP@10"), out);
        Map<String, Object> m = MetricsJson.read(dir.resolve("m").resolve("metrics.json"));
        assertTrue(m.containsKey("mP@1") && m.containsKey("setups"), m.toString());
        String noProtocol = CliTest.run(1, "eval", "--checkpoint", ckpt.toString(), "--out", dir.toString())[1];
        assertTrue(noProtocol.contains("landmark network") && noProtocol.contains("--protocol"), noProtocol);
        String fashionData = CliTest.run(1, "extract", "--checkpoint", ckpt.toString(), "--data", dir.toString(),
                "--out", dir.resolve("x.npy").toString())[1];
        assertTrue(fashionData.contains("landmark network"), fashionData);
    }

    /** A roxford5k folder: the ground truth fixture and ten made-up JPEGs under its image names. */
    static Path roxfordFixture(Path dir) throws IOException {
        Path dataset = Files.createDirectories(dir);
        Files.copy(Path.of("src/test/resources/protocols/roxford5k/numpy-p4/gnd_roxford5k.pkl"),
                dataset.resolve("gnd_roxford5k.pkl"));
        Path jpg = Files.createDirectories(dataset.resolve("jpg"));
        List<String> names = List.of("all_souls_000013", "all_souls_000026", "oxford_002985", "all_souls_000051",
                "ashmolean_000058", "ashmolean_000000", "oxford_003410", "christ_church_000179", "ashmolean_000269",
                "christ_church_000999");
        // Pictures large enough for the fixture's query boxes (up to 110 x 200), in colours that differ by name.
        for (int i = 0; i < names.size(); i++) {
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(160, 240,
                    java.awt.image.BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 240; y++) {
                for (int x = 0; x < 160; x++) {
                    int r = (x * (i + 3)) & 0xff;
                    int gr = (y * (7 - i % 5)) & 0xff;
                    img.setRGB(x, y, (r << 16) | (gr << 8) | ((x + y + 40 * i) & 0xff));
                }
            }
            javax.imageio.ImageIO.write(img, "jpg", jpg.resolve(names.get(i) + ".jpg").toFile());
        }
        return dataset;
    }
}
