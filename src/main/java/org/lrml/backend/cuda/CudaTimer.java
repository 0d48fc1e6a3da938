package org.lrml.backend.cuda;

/**
 * GPU time between two points of the stream, measured with CUDA events (so it counts the kernels' run time,
 * not the host's launch time). {@code start(); ...work...; stop(); millis()}.
 */
public final class CudaTimer implements AutoCloseable {
    private final DeviceApi device;
    private final Object start;
    private final Object end;
    private boolean stopped;
    private boolean closed;

    CudaTimer(DeviceApi device) {
        this.device = device;
        this.start = device.eventCreate();
        Object e;
        try {
            e = device.eventCreate();
        } catch (RuntimeException ex) {
            device.eventDestroy(start);
            throw ex;
        }
        this.end = e;
    }

    public void start() {
        device.eventRecord(start);
        stopped = false;
    }

    public void stop() {
        device.eventRecord(end);
        stopped = true;
    }

    /** Milliseconds from start to stop; waits until the work before stop has run. */
    public float millis() {
        if (!stopped) {
            throw new IllegalStateException("CudaTimer.millis() before stop()");
        }
        return device.eventElapsedMillis(start, end);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            device.eventDestroy(start);
            device.eventDestroy(end);
        }
    }
}
