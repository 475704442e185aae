package io.infrakit.cli;

/** Messages on stderr in the form the original's logger (logrus) wrote them: {@code level=fatal msg="..."}. */
final class LogLine {

    private LogLine() {
    }

    /**
     * Formats a message.
     *
     * @param level {@code fatal}, {@code warning}...
     * @param message the message
     * @return the line, without a line break
     */
    static String format(String level, String message) {
        return "level=" + level + " msg=" + quote(message == null ? "" : message);
    }

    /** Quotes as Go's {@code %q} does for the characters that matter in a one-line message. */
    private static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
