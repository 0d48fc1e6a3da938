package org.lrml.backend.cuda.vendor;

/** A vendor library's version as it reports it at run time (not as its file is named). */
public record LibraryVersion(int major, int minor, int patch) {

    /**
     * cudnnGetVersion's number: cuDNN 9 and later encode major * 10000 + minor * 100 + patch (90100 is 9.1.0),
     * cuDNN 8 and earlier major * 1000 + minor * 100 + patch (8902 is 8.9.2). The two ranges do not overlap:
     * any 8.x number is below 10000.
     */
    public static LibraryVersion ofCudnn(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("cudnnGetVersion returned " + v);
        }
        if (v < 10000) {
            return new LibraryVersion((int) (v / 1000), (int) (v % 1000 / 100), (int) (v % 100));
        }
        return new LibraryVersion((int) (v / 10000), (int) (v % 10000 / 100), (int) (v % 100));
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
