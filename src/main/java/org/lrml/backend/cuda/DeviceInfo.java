package org.lrml.backend.cuda;

/**
 * What {@code lrml info} and the launchers need to know about the device.
 *
 * @param driverVersion cuDriverGetVersion's number, e.g. 13000 for a driver that supports CUDA 13.0
 */
public record DeviceInfo(String name, int ccMajor, int ccMinor, long totalBytes, int driverVersion, int multiprocessors,
                  int maxThreadsPerBlock, int maxGridX, int maxGridY, int maxGridZ) {

    public String computeCapability() {
        return ccMajor + "." + ccMinor;
    }

    /** "13.0" from 13000. */
    public String driverCuda() {
        return driverVersion / 1000 + "." + (driverVersion % 1000) / 10;
    }
}
