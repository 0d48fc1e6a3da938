package org.lrml.backend.cuda;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.lrml.backend.BackendUnavailableException;
import org.lrml.util.Setting;

/**
 * Which implementation serves each op family on the CUDA backend, and why. Each family lists its options in
 * order of preference, each available or not with the reason; the first available one is active unless
 * {@code -Dlrml.cuda.provider.<family>=<name>} forces another (to compare providers in benchmarks). Every family
 * has the built-in PTX kernels; gemm has cuBLAS and conv cuDNN ahead of them where those libraries work here
 * ({@link org.lrml.backend.cuda.vendor.VendorProviders}).
 */
public final class Providers {
    public static final String PROPERTY_PREFIX = "lrml.cuda.provider.";

    /** Op families as the Backend interface groups them (org.lrml.backend.family), in the same order. */
    public enum Family {
        ELEMENTWISE, REDUCE, LAYOUT, GEMM, CONV, POOL, BATCHNORM, SOFTMAX, DROPOUT, SIMILARITY, RANKING, TUPLELOSS, OPTIM;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One way to serve a family: available (with what it is) or not (with why). */
    public record Option(String name, String detail, String unavailableReason) {
        public static Option available(String name, String detail) {
            return new Option(name, detail, null);
        }

        public static Option unavailable(String name, String reason) {
            return new Option(name, null, reason);
        }

        public boolean isAvailable() {
            return unavailableReason == null;
        }
    }

    /** A family's options and the active one (null when none is available). */
    public record Row(Family family, Option active, List<Option> options, boolean forced) {
        public String describe() {
            StringBuilder sb = new StringBuilder(String.format("%-11s ", family.key()));
            if (active == null) {
                sb.append("none");
            } else {
                sb.append(active.name()).append(forced ? " (forced)" : "").append(": ").append(active.detail());
            }
            for (Option o : options) {
                if (o != active) {
                    sb.append("; ").append(o.name()).append(o.isAvailable() ? " available" : ": " + o.unavailableReason());
                }
            }
            return sb.toString();
        }
    }

    private final Map<Family, Row> rows;

    private Providers(Map<Family, Row> rows) {
        this.rows = rows;
    }

    /** Chooses the active option of every family; a forced option that is unknown or unavailable is an error. */
    static Providers resolve(Map<Family, List<Option>> options) {
        Map<Family, Row> rows = new EnumMap<>(Family.class);
        for (Family f : Family.values()) {
            List<Option> opts = options.getOrDefault(f, List.of());
            String forcedName = Setting.CUDA_PROVIDER.value(f.key());
            Option active = null;
            boolean forced = forcedName != null && !forcedName.isBlank();
            if (forced) {
                for (Option o : opts) {
                    if (o.name().equalsIgnoreCase(forcedName.trim())) {
                        active = o;
                    }
                }
                if (active == null) {
                    List<String> names = new ArrayList<>();
                    opts.forEach(o -> names.add(o.name()));
                    throw new BackendUnavailableException("-D" + PROPERTY_PREFIX + f.key() + "=" + forcedName
                            + ": no such provider for " + f.key() + " (known: " + names + ")");
                }
                if (!active.isAvailable()) {
                    throw new BackendUnavailableException("-D" + PROPERTY_PREFIX + f.key() + "=" + forcedName
                            + " is not available here: " + active.unavailableReason());
                }
            } else {
                for (Option o : opts) {
                    if (o.isAvailable()) {
                        active = o;
                        break;
                    }
                }
            }
            rows.put(f, new Row(f, active, List.copyOf(opts), forced));
        }
        return new Providers(rows);
    }

    public Row row(Family f) {
        return rows.get(f);
    }

    /** The active provider's name, or null when the family has none here. */
    public String active(Family f) {
        Row r = rows.get(f);
        return r.active() == null ? null : r.active().name();
    }

    /** One line per family. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (Row r : rows.values()) {
            out.add(r.describe());
        }
        return out;
    }
}
