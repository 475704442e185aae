package io.infrakit.cli;

import io.infrakit.ops.Durations;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

/**
 * Options that take a duration ({@code --timeout 5m}): {@link Durations#parse}, whose complaint picocli reports as
 * {@code Invalid value for option '--timeout': '5 minutes' is not a duration: ...} with exit status 2.
 */
final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
