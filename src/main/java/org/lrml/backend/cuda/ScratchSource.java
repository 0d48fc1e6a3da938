package org.lrml.backend.cuda;

/**
 * Where vendor libraries get their workspace: device memory lent for one call and handed back when the lease
 * closes (the caching allocator; the tests lend host memory to fake libraries).
 */
public interface ScratchSource {

    /** A lease of at least {@code bytes} bytes; {@code what} names it in an out-of-memory message. */
    Lease scratch(long bytes, String what);

    /** Borrowed memory: its address, returned on close. */
    interface Lease extends AutoCloseable {
        long address();

        @Override
        void close();
    }
}
