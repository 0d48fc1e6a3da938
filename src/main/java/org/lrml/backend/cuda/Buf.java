package org.lrml.backend.cuda;

/**
 * A float32 region of device memory as the launchers see it: the address of element 0 and the number of
 * elements the launcher may touch (what host-side bounds checks compare against).
 */
public record Buf(long address, long length) {

    @Override
    public String toString() {
        return String.format("device float32[%d] at 0x%x", length, address);
    }
}
