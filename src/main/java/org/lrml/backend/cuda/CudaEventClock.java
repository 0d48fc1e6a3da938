package org.lrml.backend.cuda;

import org.lrml.backend.DeviceClock;

/** {@link DeviceClock} over CUDA events on the backend's one stream (what the profiler times kernels with). */
final class CudaEventClock implements DeviceClock {
    private final DeviceApi device;

    CudaEventClock(DeviceApi device) {
        this.device = device;
    }

    @Override
    public Object mark() {
        Object e = device.eventCreate();
        device.eventRecord(e);
        return e;
    }

    @Override
    public double millisBetween(Object a, Object b) {
        return device.eventElapsedMillis(a, b);
    }

    @Override
    public void release(Object mark) {
        device.eventDestroy(mark);
    }
}
