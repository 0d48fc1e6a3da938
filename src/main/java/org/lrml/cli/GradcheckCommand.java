package org.lrml.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.lrml.gradcheck.Gradcheck;
import org.lrml.gradcheck.GradcheckCase;
import org.lrml.gradcheck.GradcheckSuite;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrml gradcheck}: central finite differences in double for every differentiable op. */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
        description = {"Prove every op's backward by central finite differences in double precision:",
                "L = sum(f(x) * R) with fixed random R, h = 1e-6, on odd sizes and several seeds.",
                "Prints one line per op case and last 'N passed, N failed'; exits 1 when any fails."})
final class GradcheckCommand implements Callable<Integer> {

    @Option(names = "--op", paramLabel = "NAME", description = "Only cases whose op name contains NAME (repeatable).")
    List<String> ops = new ArrayList<>();

    @Option(names = "--seeds", split = ",", paramLabel = "S", description = "Seeds to run each case with (default: 1,2,3).")
    long[] seeds = GradcheckSuite.SEEDS;

    @Option(names = "--list", description = "List the cases and exit.")
    boolean list;

    @Override
    public Integer call() {
        List<GradcheckCase> cases = new ArrayList<>();
        for (GradcheckCase c : GradcheckSuite.all()) {
            if (ops.isEmpty() || ops.stream().anyMatch(o -> c.op().contains(o))) {
                cases.add(c);
            }
        }
        if (cases.isEmpty()) {
            throw new UserError("no gradcheck case matches --op " + ops + "; see 'lrml gradcheck --list'");
        }
        if (list) {
            cases.forEach(c -> System.out.println(c.name()));
            return 0;
        }
        int passed = 0;
        int failed = 0;
        for (GradcheckCase c : cases) {
            List<Gradcheck.Result> results = new ArrayList<>();
            for (long s : seeds) {
                results.add(Gradcheck.run(c, s));
            }
            boolean ok = results.stream().allMatch(Gradcheck.Result::passed);
            int entries = results.stream().mapToInt(Gradcheck.Result::entries).sum();
            double maxErr = results.stream().mapToDouble(Gradcheck.Result::maxAbsError).max().orElse(Double.NaN);
            System.out.printf("%-4s %-48s %d seeds  %5d entries  max |analytic-numeric| %.2e%n",
                    ok ? "ok" : "FAIL", c.name(), seeds.length, entries, maxErr);
            for (Gradcheck.Result r : results) {
                if (!r.passed()) {
                    System.out.println("       seed " + r.seed() + ": " + r.message());
                }
            }
            if (ok) {
                passed++;
            } else {
                failed++;
            }
        }
        System.out.println(passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }
}
