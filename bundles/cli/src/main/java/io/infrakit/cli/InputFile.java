package io.infrakit.cli;

import com.fasterxml.jackson.core.JsonParser;

import io.infrakit.rpc.wire.DecodeErrors;
import io.infrakit.rpc.wire.Json;
import io.infrakit.rpc.wire.StrictJson;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A JSON file named on the command line: read whole (at most {@value #MAX_BYTES} bytes) and checked to hold one JSON value. */
final class InputFile {

    /** The largest file accepted: as large as a request a plugin host accepts by default. */
    static final int MAX_BYTES = 4 * 1024 * 1024;

    private static final String NOT_JSON = "not valid JSON";

    private final Path path;

    InputFile(Path path) {
        this.path = path;
    }

    /**
     * The file's JSON value, as its text (for {@code Properties}, passed on untouched).
     *
     * @return the value
     * @throws CliException if the file cannot be read or is not one JSON value
     */
    RawJson raw() {
        byte[] bytes = checkedJson();
        return new RawJson(new String(bytes, StandardCharsets.UTF_8).strip());
    }

    /**
     * The file's JSON value decoded as the wire protocol decodes it (Go field names, case-insensitive), but
     * strictly, as what a user wrote: an unknown key (a typo such as {@code Propertes}) is refused with the key most
     * likely meant, and every error has the JSON path from the file's root
     * ({@code Invalid cattle.json: unknown key Propertes: did you mean Properties?}). Plugin {@code Properties} are
     * left to the plugins that read them.
     *
     * @param <T> the type
     * @param type a record of the SPI, or an array of records
     * @return the value
     * @throws CliException if the file cannot be read, is not JSON, or does not fit the type
     */
    <T> T decode(Class<T> type) {
        byte[] bytes = checkedJson();
        T value;
        try {
            value = StrictJson.read(bytes, type, "");
        } catch (PluginException e) {
            throw new CliException("Invalid " + path + ": " + e.getMessage());
        }
        if (value == null) {
            throw new CliException("Invalid " + path + ": null, expected " + what(type));
        }
        return value;
    }

    private static String what(Class<?> type) {
        return type.isArray() ? "a JSON array" : "a JSON object";
    }

    /** The bytes, checked to be UTF-8 text of exactly one JSON value. */
    private byte[] checkedJson() {
        byte[] bytes = read();
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new CliException("Invalid JSON in " + path + ": the file is not UTF-8 text", e);
        }
        try (JsonParser p = Json.mapper().getFactory().createParser(bytes)) {
            if (p.nextToken() == null) {
                throw new CliException("Invalid JSON in " + path + ": the file is empty");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new CliException("Invalid JSON in " + path + ": more than one value (line "
                        + p.currentTokenLocation().getLineNr() + ")");
            }
        } catch (IOException e) {
            String reason = DecodeErrors.describe(e, "", bytes);
            // "not valid JSON at line 1, column 9: ..." reads on from the file's name
            throw new CliException("Invalid JSON in " + path + (reason.startsWith(NOT_JSON) ? reason.substring(NOT_JSON.length()) : ": " + reason), e);
        }
        return bytes;
    }

    private byte[] read() {
        if (Files.isDirectory(path)) {
            throw new CliException("Cannot read " + path + ": it is a directory");
        }
        try (InputStream in = Files.newInputStream(path)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new CliException("Cannot read " + path + ": larger than " + MAX_BYTES / (1024 * 1024) + " MiB");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new CliException("Cannot read " + path + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new CliException("Cannot read " + path + ": permission denied", e);
        } catch (IOException e) {
            throw new CliException("Cannot read " + path + ": " + e.getMessage(), e);
        }
    }
}
