package org.lrml.cli;

import java.io.IOException;
import java.nio.file.Path;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.eval.Postprocessing;
import org.lrml.eval.Whitening;

import picocli.CommandLine.Option;

/**
 * The descriptor pipeline's options that 'lrml extract' and 'lrml eval' share: image size, multi-scale, learned
 * whitening and database-side augmentation (picocli mixin). 'lrml eval' adds query expansion.
 */
final class DescriptorOptions {

    @Option(names = "--image-size", paramLabel = "PX",
            description = "Longer image side fed to the network (default: 1024 for landmark networks, 28 for the"
                    + " Fashion-MNIST network).")
    Integer imageSize;

    @Option(names = "--scales", paramLabel = "S1,S2,...",
            description = "Multi-scale descriptors (landmark networks), e.g. 1,0.7071,0.5: the image resized by each"
                    + " factor, descriptors combined as (mean of v^p)^(1/p), p = GeM's p without whitening, else 1,"
                    + " then L2 (default: 1).")
    String scales;

    @Option(names = "--whitening", paramLabel = "DIR",
            description = "Apply a learned whitening (DIR/mean.npy and DIR/projection.npy, see 'lrml whiten').")
    Path whitening;

    @Option(names = "--whitening-dim", paramLabel = "N",
            description = "Keep the first N whitened dimensions (default: all).")
    Integer whiteningDim;

    @Option(names = "--dba", paramLabel = "K",
            description = "Database-side augmentation: each database descriptor plus its K nearest others, weighted by"
                    + " max(s, 0)^alpha, then L2 (default: 0 = off).")
    int dbaK;

    @Option(names = "--dba-alpha", paramLabel = "A", description = "DBA's exponent alpha (default: ${DEFAULT-VALUE}).")
    double dbaAlpha = 3.0;

    void check() {
        if (imageSize != null && imageSize < 1) {
            throw new UserError("--image-size must be at least 1, got " + imageSize);
        }
        if (dbaK < 0) {
            throw new UserError("--dba must be 0 (off) or a positive number of neighbours, got " + dbaK);
        }
        if (!(dbaAlpha >= 0) || !Double.isFinite(dbaAlpha)) {
            throw new UserError("--dba-alpha must be a number >= 0, got " + dbaAlpha);
        }
        if (whiteningDim != null && whitening == null) {
            throw new UserError("--whitening-dim needs --whitening DIR");
        }
    }

    double[] scales() {
        return LandmarkCheckpoints.parseScales(scales);
    }

    /** The post-processing these options (and query expansion, k 0 = off) describe. */
    Postprocessing postprocessing(int qeK, double qeAlpha, String backendName) throws IOException {
        Whitening w = null;
        int dim = 0;
        if (whitening != null) {
            w = Whitening.read(whitening);
            dim = whiteningDim == null ? w.rows() : whiteningDim;
            if (dim < 1 || dim > w.rows()) {
                throw new UserError("--whitening-dim " + dim + ": the whitening in " + whitening + " has " + w.rows()
                        + " rows");
            }
        }
        Backend backend = qeK > 0 || dbaK > 0 ? Backends.byName(backendName) : null;
        return new Postprocessing(w, dim, qeK, qeAlpha, dbaK, dbaAlpha, backend);
    }
}
