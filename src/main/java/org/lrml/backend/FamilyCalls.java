package org.lrml.backend;

/**
 * Where a profiler watches every call into an op family without this package knowing profilers: each backend hands
 * out its family objects through {@link #observed}, which returns the object itself unless an {@link Observer} is
 * installed (then whatever the observer wraps it in, e.g. a timing proxy). The observer lives above the backend
 * ({@code org.lrml.profile}), so the backend stays a leaf; with none installed the cost is one volatile read per
 * accessor call.
 */
public final class FamilyCalls {
    private static volatile Observer observer;

    private FamilyCalls() {
    }

    /** Wraps the family objects a backend hands out while it is installed. */
    public interface Observer {
        /**
         * The object to hand out instead of {@code impl} (which implements {@code family} for {@code backend}); must
         * behave exactly as {@code impl} does.
         *
         * @param <F>     the family interface
         * @param backend the backend that owns {@code impl}
         * @param family  the family interface, e.g. {@code Conv.class}
         * @param impl    the backend's own implementation
         * @return impl, or an object that forwards every call to it
         */
        <F> F observe(Backend backend, Class<F> family, F impl);
    }

    /**
     * Installs the one observer (null removes it).
     *
     * @param o the observer, or null for none
     */
    public static void setObserver(Observer o) {
        observer = o;
    }

    /**
     * What a backend's family accessor returns: {@code impl}, or the installed observer's wrapper of it.
     *
     * @param <F>     the family interface
     * @param backend the backend that owns {@code impl}
     * @param family  the family interface
     * @param impl    the backend's implementation
     * @return impl, or its observed wrapper
     */
    public static <F> F observed(Backend backend, Class<F> family, F impl) {
        Observer o = observer;
        return o == null ? impl : o.observe(backend, family, impl);
    }
}
