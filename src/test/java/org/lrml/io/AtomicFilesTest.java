package org.lrml.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @Test
    void replacesTheTargetAndLeavesNoTemporary(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("sub/metrics.json");
        AtomicFiles.writeString(target, "first");
        AtomicFiles.writeString(target, "second");
        assertEquals("second", Files.readString(target));
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(1, files.count(), "only the target is left");
        }
    }

    @Test
    void aFailingBodyKeepsTheOldFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("model.ckpt");
        AtomicFiles.writeBytes(target, new byte[]{1, 2, 3});
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[]{9, 9});
            throw new IOException("disk full");
        }));
        assertArrayEquals(new byte[]{1, 2, 3}, Files.readAllBytes(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "the temporary file is removed");
        }
    }

    @Test
    void writtenFilesGetTheUsualPermissionsNotOwnerOnly(@TempDir Path dir) throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX file system");
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x", StandardCharsets.UTF_8);
        Path atomic = dir.resolve("atomic.txt");
        AtomicFiles.writeString(atomic, "x");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(atomic),
                "an atomically written report must be as readable as any file the user writes");
        assertTrue(Files.isReadable(atomic));
    }
}
