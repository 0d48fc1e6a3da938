package org.lrml.backend.cuda.vendor;

/**
 * The FFM bindings when this JVM and build have them: they need Java 22 or newer (the foreign-function API became
 * final in 22) and the multi-release part of the jar compiled by JDK 22+ (org.lrml.backend.cuda.ffm in
 * META-INF/versions/22). Otherwise each FFM binding is a placeholder whose probe gives the reason.
 */
public final class FfmAccess {
    static final String FACTORY = "org.lrml.backend.cuda.ffm.FfmBindings";
    public static final int MIN_JAVA = 22;

    private FfmAccess() {
    }

    /** Why the FFM bindings are not usable in this JVM, or null when they are. */
    public static String unavailableReason() {
        return reason(Runtime.version().feature());
    }

    static String reason(int javaFeature) {
        if (javaFeature < MIN_JAVA) {
            return "the FFM binding needs Java " + MIN_JAVA + " or newer (running " + javaFeature + ")";
        }
        try {
            Class.forName(FACTORY, false, FfmAccess.class.getClassLoader());
            return null;
        } catch (ClassNotFoundException | LinkageError e) {
            return "the FFM binding is not in this build (" + FACTORY + " missing: the jar's META-INF/versions/22 is built"
                    + " only when a JDK 22+ is found, and only a jar, not target/classes, is read as multi-release)";
        }
    }

    public static Binding<CublasSession> cublas(String soname) {
        String label = "cuBLAS " + major(soname) + " via FFM";
        try {
            FfmBindingFactory f = factory();
            return f == null ? new Unavailable<>(label, soname, unavailableReason()) : f.cublas(soname);
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return new Unavailable<>(label, soname, "the FFM bindings of this build do not load: " + e);
        }
    }

    public static Binding<CudnnSession> cudnn(String soname) {
        String label = "cuDNN " + major(soname) + " via FFM";
        try {
            FfmBindingFactory f = factory();
            return f == null ? new Unavailable<>(label, soname, unavailableReason()) : f.cudnn(soname);
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return new Unavailable<>(label, soname, "the FFM bindings of this build do not load: " + e);
        }
    }

    private static FfmBindingFactory factory() throws ReflectiveOperationException {
        return unavailableReason() != null ? null
                : (FfmBindingFactory) Class.forName(FACTORY).getConstructor().newInstance();
    }

    static String major(String soname) {
        return soname.substring(soname.lastIndexOf('.') + 1);
    }

    /** An FFM binding this JVM or build cannot have: its probe says why. */
    private static final class Unavailable<S extends AutoCloseable> implements Binding<S> {
        private final String label;
        private final String soname;
        private final String reason;

        Unavailable(String label, String soname, String reason) {
            this.label = label;
            this.soname = soname;
            this.reason = reason;
        }

        @Override
        public String label() {
            return label;
        }

        @Override
        public String soname() {
            return soname;
        }

        @Override
        public String probe(LibrarySearch search) {
            return reason;
        }

        @Override
        public String describe() {
            return label + ": " + reason;
        }

        @Override
        public S open(NativeStream stream) {
            throw new IllegalStateException(label + ": " + reason);
        }
    }
}
