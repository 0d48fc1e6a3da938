package org.lrml.backend.cuda.vendor;

/**
 * One line from what JCuda's loader throws: its UnsatisfiedLinkError message spans many lines (each attempt with a
 * stack trace); the line naming the file that failed, or the first line, is the one a user can act on.
 */
final class JniFailures {
    private JniFailures() {
    }

    static String reason(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = String.valueOf(root.getMessage());
        for (String line : msg.split("\n")) {
            if (line.contains("cannot open shared object file") || line.contains("undefined symbol")
                    || line.contains("version `")) {
                return line.trim();
            }
        }
        return root.getClass().getSimpleName() + ": " + msg.lines().findFirst().orElse(msg);
    }
}
