package org.lrml.backend.cuda.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LibraryVersionTest {

    @Test
    void cudnnNumbersOfBothEncodings() {
        assertEquals(new LibraryVersion(8, 9, 2), LibraryVersion.ofCudnn(8902));
        assertEquals(new LibraryVersion(8, 0, 5), LibraryVersion.ofCudnn(8005));
        assertEquals(new LibraryVersion(7, 6, 5), LibraryVersion.ofCudnn(7605));
        assertEquals(new LibraryVersion(9, 1, 0), LibraryVersion.ofCudnn(90100));
        assertEquals(new LibraryVersion(9, 10, 2), LibraryVersion.ofCudnn(91002));
        assertEquals(new LibraryVersion(10, 0, 0), LibraryVersion.ofCudnn(100000));
        assertEquals("9.10.2", LibraryVersion.ofCudnn(91002).toString());
        assertThrows(IllegalArgumentException.class, () -> LibraryVersion.ofCudnn(-1));
    }

    @Test
    void theFfmReasonNamesBothJavaVersions() {
        assertEquals("the FFM binding needs Java 22 or newer (running 17)", FfmAccess.reason(17));
        String onNewJava = FfmAccess.reason(25);
        // The test JVM reads target/classes as a folder, where META-INF/versions/22 is not on the class path.
        assertTrue(onNewJava.startsWith("the FFM binding is not in this build"), onNewJava);
    }
}
