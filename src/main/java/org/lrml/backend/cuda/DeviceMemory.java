package org.lrml.backend.cuda;

/**
 * One allocation made by a {@link DeviceApi}: its device address (what kernels receive), its size in bytes,
 * and the device-specific handle the copy calls need.
 */
final class DeviceMemory {
    final long address;
    final long bytes;
    final Object handle;

    DeviceMemory(long address, long bytes, Object handle) {
        this.address = address;
        this.bytes = bytes;
        this.handle = handle;
    }

    @Override
    public String toString() {
        return String.format("device memory 0x%x (%d bytes)", address, bytes);
    }
}
