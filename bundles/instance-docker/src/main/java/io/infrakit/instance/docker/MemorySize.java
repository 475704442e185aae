package io.infrakit.instance.docker;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Memory} property, as {@code docker run --memory} reads it: a whole number of bytes, or a text
 * such as {@code "512m"} or {@code "1.5g"}, where {@code b}, {@code k}, {@code m}, {@code g} and {@code t} are
 * powers of 1024 (a trailing {@code b} or {@code ib} is allowed: {@code "512mb"}, {@code "512MiB"}).
 */
final class MemorySize {

    private static final Pattern TEXT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([bkmgt]?)(?:i?b)?");
    private static final String UNITS = "bkmgt";

    private MemorySize() {
    }

    /**
     * Parses a size written as text.
     *
     * @param text the text
     * @return the bytes
     * @throws IllegalArgumentException if it is not a size, or is larger than a long holds
     */
    static long parse(String text) {
        Matcher m = TEXT.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: write bytes (536870912) or a number with a unit (512m, 1.5g; k, m, g, t are powers of 1024)");
        }
        int power = m.group(2).isEmpty() ? 0 : UNITS.indexOf(m.group(2));
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1024).pow(power));
        try {
            return bytes.setScale(0, java.math.RoundingMode.DOWN).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
    }
}
