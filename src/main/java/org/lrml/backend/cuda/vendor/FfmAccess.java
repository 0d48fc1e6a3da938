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
        FfmBindingFactory f = factory();
        return f == null ? new Unavailable<>("cuBLAS " + major(soname) + " via FFM", soname) : f.cublas(soname);
    }

    public static Binding<CudnnSession> cudnn(String soname) {
        FfmBindingFactory f = factory();
        return f == null ? new Unavailable<>("cuDNN " + major(soname) + " via FFM", soname) : f.cudnn(soname);
    }

    private static FfmBindingFactory factory() {
        if (unavailableReason() != null) {
            return null;
        }
        try {
            return (FfmBindingFactory) Class.forName(FACTORY).getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("the FFM bindings of this build do not load: " + e, e);
        }
    }

    static String major(String soname) {
        return soname.substring(soname.lastIndexOf('.') + 1);
    }

    /** An FFM binding this JVM cannot have: its probe says why. */
    private static final class Unavailable<S extends AutoCloseable> implements Binding<S> {
        private final String label;
        private final String soname;

        Unavailable(String label, String soname) {
            this.label = label;
            this.soname = soname;
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
            return unavailableReason();
        }

        @Override
        public String describe() {
            return label + ": " + unavailableReason();
        }

        @Override
        public S open(NativeStream stream) {
            throw new IllegalStateException(label + ": " + unavailableReason());
        }
    }
}
