package io.infrakit.ops;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them on a command line: {@code 90s}, {@code 5m}, {@code 1h}, {@code 1h30m}, or plain seconds. */
public final class Durations {

    private static final Pattern UNITS = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    private Durations() {
    }

    /**
     * Parses a duration. Each surface turns the exception into its own usage error, with the message as it is.
     *
     * @param text {@code 90s}, {@code 5m}, {@code 1h}, {@code 1h30m} or a number of seconds
     * @return the duration
     * @throws IllegalArgumentException if the text is none of these: {@code '5 minutes' is not a duration: write 90s,
     *         5m, 1h, 1h30m or a number of seconds}
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(t));
        }
        Matcher m = UNITS.matcher(t);
        if (t.isEmpty() || !m.matches() || t.length() > 24) {
            throw notADuration(text);
        }
        try {
            return Duration.ofHours(number(m.group(1))).plusMinutes(number(m.group(2))).plusSeconds(number(m.group(3)));
        } catch (NumberFormatException | ArithmeticException e) {
            // 20 digits of hours and the like: past what a Duration holds, so no duration either
            throw notADuration(text);
        }
    }

    /**
     * Writes a duration back in the same form, to the second: {@code 1h30m}, {@code 5m}, {@code 90s} as {@code 1m30s}.
     *
     * @param d the duration
     * @return the text
     */
    public static String format(Duration d) {
        long seconds = d.toSeconds();
        if (seconds == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        if (seconds >= 3600) {
            out.append(seconds / 3600).append('h');
        }
        if (seconds % 3600 >= 60) {
            out.append(seconds % 3600 / 60).append('m');
        }
        if (seconds % 60 != 0) {
            out.append(seconds % 60).append('s');
        }
        return out.toString();
    }

    private static IllegalArgumentException notADuration(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration: write 90s, 5m, 1h, 1h30m or a number of seconds");
    }

    private static long number(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }
}
