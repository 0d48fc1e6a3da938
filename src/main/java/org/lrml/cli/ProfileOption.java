package org.lrml.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.lrml.profile.Profiler;

import picocli.CommandLine.Option;

/**
 * {@code --profile} for commands other than train (whose run folder takes the files): runs the command under a
 * {@link Profiler}, prints the table, and writes {@code <prefix>profile.json} and {@code <prefix>trace.json} into a
 * folder the command names.
 */
final class ProfileOption {
    @Option(names = "--profile", description = "Profile the command: print a table of ops and kernels by time and"
            + " write profile.json and trace.json (Perfetto, chrome://tracing) beside the output (docs/profiling.md).")
    boolean on;

    /** Runs {@code body}, profiled when --profile was given; the files go to {@code folder} with the prefix. */
    Integer around(Callable<Integer> body, Path folder, String prefix) throws Exception {
        if (!on) {
            return body.call();
        }
        try (Profiler p = Profiler.start()) {
            Integer status = body.call();
            p.close();
            System.out.print(p.report().table());
            Path json = folder.resolve(prefix + "profile.json");
            Path trace = folder.resolve(prefix + "trace.json");
            p.writeProfileJson(json);
            p.writeTrace(trace);
            System.out.println("wrote " + json + " and " + trace.getFileName());
            return status;
        }
    }
}
