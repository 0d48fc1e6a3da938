package org.lrml.backend.cuda;

/**
 * Which driver a PTX ISA version needs. The driver JIT-compiles our PTX when a module loads, and it only
 * accepts ISA versions up to the CUDA version it was released with (no minor-version compatibility for PTX).
 */
final class PtxIsa {
    // ISA major.minor -> CUDA version (major * 1000 + minor * 10) that introduced it, and that CUDA's driver branch.
    private static final int[][] TABLE = {
            {70, 11000, 450}, {71, 11010, 455}, {72, 11020, 460}, {73, 11030, 465}, {74, 11040, 470},
            {75, 11050, 495}, {76, 11060, 510}, {77, 11070, 515}, {78, 11080, 520},
            {80, 12000, 525}, {81, 12010, 530}, {82, 12020, 535}, {83, 12030, 545}, {84, 12040, 550},
            {85, 12050, 555}, {86, 12070, 565}, {87, 12080, 570}, {88, 12090, 575}, {90, 13000, 580},
    };

    private PtxIsa() {
    }

    /** "9.0" -> 90; -1 when unreadable. */
    static int code(String isa) {
        try {
            String[] p = isa.trim().split("\\.");
            return Integer.parseInt(p[0]) * 10 + Integer.parseInt(p[1]);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The driver version number (cuDriverGetVersion form) an ISA needs, or -1 when unknown (newer than the table). */
    static int requiredDriver(String isa) {
        int c = code(isa);
        for (int[] row : TABLE) {
            if (row[0] == c) {
                return row[1];
            }
        }
        return -1;
    }

    /** "CUDA 13.0 (driver R580 or newer)" or, for an ISA newer than this table, a plain statement. */
    static String describeRequirement(String isa) {
        int c = code(isa);
        for (int[] row : TABLE) {
            if (row[0] == c) {
                return "a driver for CUDA " + row[1] / 1000 + "." + (row[1] % 1000) / 10 + " or newer (R" + row[2] + "+)";
            }
        }
        return "a driver newer than CUDA 13.0 (PTX ISA " + isa + " is newer than this engine knows)";
    }

    /** False only when the driver is known to be too old; unknown ISAs are left to the driver to judge. */
    static boolean driverSupports(int driverVersion, String isa) {
        int need = requiredDriver(isa);
        return need < 0 || driverVersion >= need;
    }
}
