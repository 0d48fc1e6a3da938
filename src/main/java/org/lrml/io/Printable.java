package org.lrml.io;

/**
 * Text taken from a file or the command line, made safe to print in a one-line error: control characters
 * (newlines, escape sequences that would recolour or rewrite the terminal, bidirectional overrides) become
 * visible escapes such as {@code \x1b} or {@code \u202e}, and long text is cut with "...". Errors quote what they
 * found so the user can see the problem, but a hostile or broken file must not be able to write to the terminal.
 */
public final class Printable {
    /** The default length of a quoted fragment in an error message. */
    public static final int QUOTE_LIMIT = 80;

    private Printable() {
    }

    /** {@code raw} with every non-printable character escaped, cut after {@link #QUOTE_LIMIT} characters. */
    public static String of(String raw) {
        return of(raw, QUOTE_LIMIT);
    }

    /** {@code raw} with every non-printable character escaped, cut after {@code limit} characters of the original. */
    public static String of(String raw, int limit) {
        if (raw == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(raw.length(), limit) + 8);
        int i = 0;
        while (i < raw.length() && i < limit) {
            int c = raw.codePointAt(i);
            if (isPrintable(c)) {
                out.appendCodePoint(c);
            } else if (c < 0x100) {
                out.append(String.format("\\x%02x", c));
            } else if (c < 0x10000) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.append(String.format("\\U%08x", c));
            }
            i += Character.charCount(c);
        }
        if (i < raw.length()) {
            out.append("...");
        }
        return out.toString();
    }

    /** The bytes as ISO-8859-1 text (one character per byte), escaped. */
    public static String ofBytes(byte[] raw, int from, int length) {
        return of(new String(raw, from, length, java.nio.charset.StandardCharsets.ISO_8859_1), length);
    }

    private static boolean isPrintable(int c) {
        if (c == '\\') {
            return true;
        }
        if (Character.isISOControl(c) || !Character.isDefined(c)) {
            return false;
        }
        int type = Character.getType(c);
        // FORMAT holds the bidirectional overrides and zero-width characters; the others have no glyph at all.
        return type != Character.FORMAT && type != Character.SURROGATE && type != Character.PRIVATE_USE
                && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR;
    }
}
