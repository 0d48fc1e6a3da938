package org.lrml.cli;

import java.util.concurrent.Callable;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;

import picocli.CommandLine.Command;

/** {@code lrml info}: version, Java, and each backend with its state or the reason it is unavailable. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Print the version, the Java runtime, and every backend: available (with device and providers)",
                "or the exact reason it is not."})
final class InfoCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.println("lrml " + Version.get());
        System.out.println("java: " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("java.home") + ")");
        System.out.println("vector API: " + vectorApi());
        System.out.println("backends:");
        System.out.println("  " + Backends.cpu().describe());
        String reason = Backends.cudaUnavailableReason();
        if (reason == null) {
            Backend cuda = Backends.cuda();
            System.out.println("  " + cuda.describe().replace("\n", "\n    "));
        } else {
            System.out.println("  cuda: not available: " + reason);
        }
        String kernels = cudaKernels();
        if (kernels != null) {
            System.out.println("  cuda kernels: " + kernels);
        }
        return 0;
    }

    /** The PTX inventory of this build, asked reflectively like Backends does (null in a build without CUDA). */
    private static String cudaKernels() {
        try {
            return (String) Class.forName("org.lrml.backend.cuda.CudaBackend").getMethod("kernelInventory").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    private static String vectorApi() {
        try {
            Class<?> c = Class.forName("jdk.incubator.vector.FloatVector");
            Object species = c.getField("SPECIES_PREFERRED").get(null);
            return "available (" + species + ")";
        } catch (Throwable t) {
            return "not available (run with --add-modules jdk.incubator.vector; the scalar paths are used)";
        }
    }
}
