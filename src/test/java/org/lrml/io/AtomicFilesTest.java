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

    @Test
    void aSetIsReplacedOnlyWhenEveryMemberWasWritten(@TempDir Path dir) throws IOException {
        Path loss = dir.resolve("loss.npy");
        Path grad = dir.resolve("grad.npy");
        AtomicFiles.writeString(loss, "old loss");
        AtomicFiles.writeString(grad, "old grad");
        java.util.Map<Path, AtomicFiles.Body> set = new java.util.LinkedHashMap<>();
        set.put(grad, out -> out.write("new grad".getBytes(StandardCharsets.UTF_8)));
        set.put(loss, out -> {
            throw new IOException("disk full while writing the second member");
        });
        assertThrows(IOException.class, () -> AtomicFiles.writeSet(set));
        assertEquals("old grad", Files.readString(grad), "the first member was written but not renamed");
        assertEquals("old loss", Files.readString(loss));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary is left");
        }
        set.put(loss, out -> out.write("new loss".getBytes(StandardCharsets.UTF_8)));
        AtomicFiles.writeSet(set);
        assertEquals("new grad", Files.readString(grad));
        assertEquals("new loss", Files.readString(loss));
    }

    @Test
    void temporariesOfDeadWritersAreRemovedAndThoseOfLiveOnesKept(@TempDir Path dir) throws IOException {
        long dead = deadPid();
        Path stale = Files.writeString(dir.resolve(".epoch-003.ckpt." + dead + ".1f2e3d.tmp"), "half a checkpoint");
        Path live = Files.writeString(dir.resolve(".epoch-004.ckpt." + ProcessHandle.current().pid() + ".abc.tmp"), "x");
        Path other = Files.writeString(dir.resolve("notes.tmp"), "not ours");
        assertEquals(java.util.List.of(stale), AtomicFiles.removeStaleTemporaries(dir));
        assertTrue(Files.exists(live) && Files.exists(other));
    }

    /** A pid that no process has now: one of a child that has exited. */
    private static long deadPid() throws IOException {
        try {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            return p.pid();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
