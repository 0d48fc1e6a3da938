package org.lrml.backend;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where backends announce every storage they create. The tensor layer installs the listener (its memory
 * scopes, which close a step's intermediate buffers deterministically), so this package needs nothing above
 * it. Without a listener an announcement does nothing.
 */
public final class Allocations {
    private static volatile Consumer<Storage> listener = s -> { };

    private Allocations() {
    }

    /** Installs the one listener (the tensor layer's memory scopes); replaces any earlier one. */
    public static void setListener(Consumer<Storage> l) {
        listener = Objects.requireNonNull(l, "listener");
    }

    /** Called by a backend for each storage it allocates or uploads. */
    public static void created(Storage s) {
        listener.accept(s);
    }
}
