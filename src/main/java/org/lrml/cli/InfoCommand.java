package org.lrml.cli;

import java.util.List;
import java.util.concurrent.Callable;

import org.lrml.backend.Backend;
import org.lrml.backend.Backends;
import org.lrml.util.Setting;
import org.lrml.util.Version;

import picocli.CommandLine.Command;

/** {@code lrml info}: version, Java, and each backend with its state or the reason it is unavailable. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Print the version, the Java runtime, every backend: available (with device and providers)",
                "or the exact reason it is not, and every -Dlrml.* setting with its default and current value."})
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
        if (reason != null) {
            // Without a working backend there is no providers table; say what each vendor library binding would do.
            List<String> vendors = cudaVendorLibraries();
            if (!vendors.isEmpty()) {
                System.out.println("  cuda vendor libraries (used once the CUDA backend starts):");
                vendors.forEach(l -> System.out.println("    " + l));
            }
        }
        System.out.println("settings (set with LRML_JAVA_OPTS=\"-D...\" ./lrml ...):");
        Setting.describeAll().forEach(l -> System.out.println("  " + l));
        return 0;
    }

    /** Each cuBLAS / cuDNN binding and what it found, asked reflectively (empty in a build without CUDA). */
    @SuppressWarnings("unchecked")
    private static List<String> cudaVendorLibraries() {
        try {
            return (List<String>) Class.forName("org.lrml.backend.cuda.CudaBackend").getMethod("vendorInventory")
                    .invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return List.of();
        }
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
