package org.lrml.backend.cuda.vendor;

/**
 * One way to reach a vendor library: JCuda's JNI classes (JCublas2, JCudnn) or a thin binding through the JDK's
 * foreign-function API. {@link #probe} finds and loads the library and reads its version without a GPU;
 * {@link #open} then creates the library's handle on the backend's stream.
 *
 * @param <S> the calls the provider makes through it
 */
public interface Binding<S extends AutoCloseable> {

    /** "cuBLAS 12 via JCublas2", "cuDNN 9 via FFM": what this binding reaches, and how. */
    String label();

    /** The soname it loads, e.g. libcublas.so.13. */
    String soname();

    /**
     * Looks for the library, loads it and reads its version. Returns null when it can serve (then
     * {@link #describe()} says what was found), else the exact reason it cannot.
     */
    String probe(LibrarySearch search);

    /** After a successful probe: "cuBLAS 13.0.2 via FFM (/path/libcublas.so.13)". */
    String describe();

    /** Creates the library handle bound to the stream; the caller has made the device's context current. */
    S open(NativeStream stream);
}
