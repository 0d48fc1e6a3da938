package org.lrml.backend.cuda;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A {@link DeviceApi} backed by the kernel emulator (kernels/emu, built by {@link EmulatorBuild}): device memory
 * lives in the emulator process, launches run the kernels' C++ source there, one block at a time, in a shuffled
 * order (so a kernel whose result depends on the order of its blocks fails here as it would on a GPU). Lets the whole
 * CUDA backend run its native tests on a machine without a GPU. A memory limit makes out-of-memory testable.
 * Not thread-safe beyond the synchronisation below. Graph capture records the requests and replays them.
 */
final class EmulatedDevice implements DeviceApi {
    private final Process process;
    private final DataInputStream in;
    private final OutputStream out;
    private final Path errors;
    private final long limit;
    private long used;
    private boolean closed;
    /** The requests recorded while a capture runs; null otherwise. */
    private java.util.List<byte[]> capture;

    EmulatedDevice(Path binary, long memoryLimit) {
        this(binary, memoryLimit, "shuffle");
    }

    /** blockOrder: shuffle (the default: blocks of a launch in a seeded random order), reverse or in-order. */
    EmulatedDevice(Path binary, long memoryLimit, String blockOrder) {
        try {
            errors = Files.createTempFile("lrml-emu", ".log");
            errors.toFile().deleteOnExit();
            ProcessBuilder pb = new ProcessBuilder(binary.toString()).redirectError(errors.toFile());
            pb.environment().put("LRML_EMU_BLOCK_ORDER", blockOrder);
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the kernel emulator " + binary + ": " + e.getMessage(), e);
        }
        in = new DataInputStream(new BufferedInputStream(process.getInputStream()));
        out = new BufferedOutputStream(process.getOutputStream(), 1 << 16);
        limit = memoryLimit;
    }

    @Override
    public String kind() {
        return "CPU kernel emulator (kernels/emu; no GPU involved)";
    }

    @Override
    public DeviceInfo info() {
        return new DeviceInfo("kernel emulator", 9, 0, limit, 13000, 2, 1024, Integer.MAX_VALUE, 65535, 65535);
    }

    @Override
    public synchronized long[] memInfo() {
        return new long[]{limit - used, limit};
    }

    // ---------------------------------------------------------------- protocol

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void send(ByteBuffer b) throws IOException {
        out.write(b.array(), 0, b.position());
    }

    /** Sends a stream request and waits for its status, or records it while a capture runs. */
    private void sendOrRecord(ByteBuffer b, String what) throws IOException {
        if (capture != null) {
            capture.add(java.util.Arrays.copyOf(b.array(), b.position()));
            return;
        }
        send(b);
        status(what);
    }

    private void refuseDuringCapture(String what) {
        if (capture != null) {
            throw new IllegalStateException(what + " during a stream capture (the driver refuses host transfers there)");
        }
    }

    /** Reads the status byte; throws with the emulator's message (or its dying words) on failure. */
    private void status(String what) throws IOException {
        out.flush();
        int s;
        try {
            s = in.readUnsignedByte();
        } catch (EOFException e) {
            throw died(what);
        }
        if (s != 0) {
            byte[] len = in.readNBytes(4);
            int n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt();
            throw new CudaException(what + ": " + new String(in.readNBytes(n), StandardCharsets.UTF_8), -1);
        }
    }

    private CudaException died(String what) {
        closed = true;
        String log;
        try {
            process.waitFor(5, TimeUnit.SECONDS);
            log = Files.readString(errors, StandardCharsets.UTF_8).strip();
        } catch (IOException | InterruptedException e) {
            log = "(no message: " + e + ")";
        }
        return new CudaException(what + ": the kernel emulator stopped (exit " + (process.isAlive() ? "?" : process.exitValue())
                + "): " + log, -1);
    }

    private CudaException io(String what, IOException e) {
        return died(what + " (" + e.getMessage() + ")");
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the kernel emulator has stopped or been closed");
        }
    }

    @Override
    public synchronized DeviceMemory malloc(long bytes) {
        requireOpen();
        if (used + bytes > limit) {
            return null;
        }
        try {
            send(le(9).put((byte) 1).putLong(bytes));
            status("alloc " + bytes);
            long address = ByteBuffer.wrap(in.readNBytes(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (address == 0) {
                return null;
            }
            used += bytes;
            return new DeviceMemory(address, bytes, null);
        } catch (IOException e) {
            throw io("alloc", e);
        }
    }

    @Override
    public synchronized void free(DeviceMemory m) {
        requireOpen();
        try {
            send(le(9).put((byte) 2).putLong(m.address));
            status("free " + m);
            used -= m.bytes;
        } catch (IOException e) {
            throw io("free", e);
        }
    }

    private synchronized void write(long address, byte[] bytes) {
        requireOpen();
        refuseDuringCapture("upload");
        try {
            send(le(17).put((byte) 3).putLong(address).putLong(bytes.length));
            out.write(bytes);
            status(String.format("upload of %d bytes to 0x%x", bytes.length, address));
        } catch (IOException e) {
            throw io("upload", e);
        }
    }

    @Override
    public void upload(long dst, float[] src) {
        ByteBuffer b = le(4 * src.length);
        b.asFloatBuffer().put(src);
        write(dst, b.array());
    }

    @Override
    public void upload(long dst, int[] src) {
        ByteBuffer b = le(4 * src.length);
        b.asIntBuffer().put(src);
        write(dst, b.array());
    }

    @Override
    public void upload(long dst, byte[] src) {
        write(dst, src.clone());
    }

    @Override
    public synchronized void download(long src, float[] dst) {
        requireOpen();
        refuseDuringCapture("download");
        try {
            send(le(17).put((byte) 4).putLong(src).putLong(4L * dst.length));
            status(String.format("download of %d floats from 0x%x", dst.length, src));
            byte[] bytes = in.readNBytes(4 * dst.length);
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(dst);
        } catch (IOException e) {
            throw io("download", e);
        }
    }

    @Override
    public synchronized void download(long src, byte[] dst) {
        requireOpen();
        refuseDuringCapture("download");
        try {
            send(le(17).put((byte) 4).putLong(src).putLong(dst.length));
            status(String.format("download of %d bytes from 0x%x", dst.length, src));
            byte[] bytes = in.readNBytes(dst.length);
            System.arraycopy(bytes, 0, dst, 0, dst.length);
        } catch (IOException e) {
            throw io("download", e);
        }
    }

    @Override
    public synchronized void copy(long src, long dst, long bytes) {
        requireOpen();
        try {
            sendOrRecord(le(25).put((byte) 5).putLong(src).putLong(dst).putLong(bytes), "device copy of " + bytes + " bytes");
        } catch (IOException e) {
            throw io("device copy", e);
        }
    }

    @Override
    public Object loadModule(String stem, String ptx) {
        return stem;
    }

    @Override
    public Object function(Object module, String stem, String kernel) {
        return kernel;
    }

    @Override
    public void unloadModule(Object module) {
    }

    @Override
    public synchronized void launch(Object function, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes,
                                    KernelArgs args) {
        requireOpen();
        byte[] name = ((String) function).getBytes(StandardCharsets.UTF_8);
        int argBytes = 0;
        for (KernelArgs.Arg a : args.list()) {
            argBytes += a.bytes().length;
        }
        ByteBuffer b = le(1 + 2 + name.length + 24 + 4 + argBytes).put((byte) 6).putShort((short) name.length).put(name)
                .putInt(gx).putInt(gy).putInt(gz).putInt(bx).putInt(by).putInt(bz).putInt(argBytes);
        for (KernelArgs.Arg a : args.list()) {
            b.put(a.bytes());
        }
        try {
            sendOrRecord(b, "emulated launch");
        } catch (IOException e) {
            throw io("launch", e);
        }
    }

    @Override
    public void synchronize() {
        requireOpen();  // launches run to completion before the reply, so there is nothing to wait for
    }

    @Override
    public Object eventCreate() {
        return new long[1];
    }

    @Override
    public void eventRecord(Object event) {
        ((long[]) event)[0] = System.nanoTime();
    }

    @Override
    public float eventElapsedMillis(Object start, Object end) {
        return (((long[]) end)[0] - ((long[]) start)[0]) / 1e6f;
    }

    @Override
    public void eventDestroy(Object event) {
    }

    /**
     * Stream capture, emulated: while it runs, launches and device copies are recorded (as the requests the emulator
     * would be sent) instead of run; the graph is the list, and a replay sends it again. Host transfers inside a
     * capture are refused, as the driver refuses them.
     */
    @Override
    public synchronized void beginCapture() {
        requireOpen();
        if (capture != null) {
            throw new IllegalStateException("a capture is already running");
        }
        capture = new java.util.ArrayList<>();
    }

    @Override
    public synchronized Object endCapture() {
        if (capture == null) {
            throw new IllegalStateException("no capture is running");
        }
        java.util.List<byte[]> graph = java.util.List.copyOf(capture);
        capture = null;
        return graph;
    }

    @Override
    public synchronized void abortCapture() {
        capture = null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized void graphLaunch(Object graphExec) {
        requireOpen();
        for (byte[] request : (java.util.List<byte[]>) graphExec) {
            try {
                out.write(request);
                out.flush();
                status("replayed request");
            } catch (IOException e) {
                throw io("graph replay", e);
            }
        }
    }

    @Override
    public void graphDestroy(Object graphExec) {
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.write(7);
            out.flush();
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // the emulator is going away either way
        } finally {
            process.destroy();
            File f = errors.toFile();
            f.delete();
        }
    }
}
