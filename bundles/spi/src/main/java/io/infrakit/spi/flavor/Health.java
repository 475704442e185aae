package io.infrakit.spi.flavor;

/**
 * The health of an instance as judged by its flavor; written on the wire as an integer.
 */
public enum Health {
    /** The flavor cannot tell yet (wire value 0). */
    UNKNOWN(0),
    /** The instance does its job (wire value 1). */
    HEALTHY(1),
    /** The instance is broken (wire value 2). */
    UNHEALTHY(2);

    private final int code;

    Health(int code) {
        this.code = code;
    }

    /**
     * The wire value.
     *
     * @return 0, 1 or 2
     */
    public int code() {
        return code;
    }

    /**
     * Maps a wire value to a health.
     *
     * @param code the wire value
     * @return the health
     * @throws IllegalArgumentException if the value is not 0, 1 or 2
     */
    public static Health fromCode(int code) {
        for (Health h : values()) {
            if (h.code == code) {
                return h;
            }
        }
        throw new IllegalArgumentException("Health must be 0, 1 or 2, not " + code);
    }
}
