package org.lrml.profile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Where NVTX cannot load, the profiler runs without it and says why. */
class ProfilerNvtxStatusTest {
    @Test
    void statusSaysWhyNvtxIsOff() {
        Nvtx.Loaded n = Nvtx.load();
        if (Runtime.version().feature() < Nvtx.MIN_JAVA) {
            assertTrue(n.status().startsWith("off: NVTX is bound through the foreign-function API, which needs Java 22"),
                    n.status());
        } else {
            assertTrue(n.status().startsWith("off: ") || n.status().startsWith("on: "), n.status());
        }
        n.ranges().push("nothing");
        n.ranges().pop();
    }
}
