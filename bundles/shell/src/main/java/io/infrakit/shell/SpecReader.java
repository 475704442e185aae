package io.infrakit.shell;

import io.infrakit.spi.InfrakitHome;
import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;

import org.apache.karaf.shell.support.CommandException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the JSON documents commands take as arguments (a group spec, an instance spec, a plugin's
 * properties) from a local file or a URL, and decodes them with the {@link JsonCodec}. Every failure is
 * one sentence naming the file.
 */
final class SpecReader {

    /** The largest document read: specs are small, and a mistyped path to a disk image should not fill the heap. */
    static final int MAX_BYTES = 4 * 1024 * 1024;

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int READ_TIMEOUT_MILLIS = 30_000;

    /** A scheme of two letters or more, so that {@code C:\spec.json} stays a path. */
    private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:.*");

    /** How the codec introduces its decoding errors; replaced here by the name of the file. */
    private static final String CODEC_PREFIX = "Invalid properties: ";

    /** How the codec starts a syntax error ({@code not valid JSON at line 1, column 7: ...}). */
    private static final String NOT_JSON = "not valid JSON";

    private SpecReader() {
    }

    /**
     * Reads a document and decodes it into a value, strictly, as what a user wrote: an unknown key (a typo such as
     * {@code Propertes}) is refused with the key most likely meant, and every error has the JSON path from the
     * document's root ({@code cattle.json is not a valid group spec: unknown key Propertes: did you mean
     * Properties?}). Plugin {@code Properties} inside are left to the plugins that read them.
     *
     * @param <T> the type
     * @param codec the codec
     * @param location a path ({@code ~} expanded) or a URL ({@code file:}, {@code http:}…)
     * @param type the record to decode into
     * @param what what the document should be, for messages ({@code group spec})
     * @return the value, never {@code null}
     * @throws CommandException if the document cannot be read or is not such a value
     */
    static <T> T read(JsonCodec codec, String location, Class<T> type, String what) throws CommandException {
        RawJson json = json(location);
        T value;
        try {
            value = codec.decodeStrict(json, type, "");
        } catch (PluginException e) {
            throw new CommandException(location + " is not a valid " + what + ": " + reason(e));
        }
        if (value == null) {
            throw new CommandException(location + " holds null, not a " + what);
        }
        return value;
    }

    /**
     * Reads a plugin's properties: any JSON value, passed on as its text.
     *
     * @param codec the codec, used to check that the text is JSON
     * @param location a path or a URL
     * @return the properties, or {@code null} when the document is JSON {@code null}
     * @throws CommandException if the document cannot be read or is not JSON
     */
    static RawJson properties(JsonCodec codec, String location) throws CommandException {
        RawJson json = json(location);
        // The codec decodes into types, not into "any JSON": pick the type from the first character.
        Class<?> shape = switch (json.json().charAt(0)) {
            case '{' -> Map.class;
            case '[' -> List.class;
            case '"' -> String.class;
            case 't', 'f' -> Boolean.class;
            case 'n' -> Void.class;
            default -> Double.class;
        };
        if (shape == Void.class) {
            if (json.json().equals("null")) {
                return null;
            }
            throw new CommandException(location + " is not valid JSON");
        }
        try {
            // strictly: text after the value, or a key given twice, would reach the plugin otherwise
            codec.decodeStrict(json, shape, "");
        } catch (PluginException e) {
            String reason = reason(e);
            throw new CommandException(location + (reason.startsWith(NOT_JSON) ? " is " + reason : " is not valid JSON: " + reason));
        }
        return json;
    }

    /**
     * Reads a document as JSON text, without its surrounding white space.
     *
     * @param location a path or a URL
     * @return the text
     * @throws CommandException if it cannot be read or is empty
     */
    static RawJson json(String location) throws CommandException {
        String text = new String(bytes(location), StandardCharsets.UTF_8).strip();
        if (text.startsWith("\uFEFF")) {
            // a byte order mark left by some editors is not JSON
            text = text.substring(1).strip();
        }
        if (text.isEmpty()) {
            throw new CommandException(location + " is empty");
        }
        return new RawJson(text);
    }

    /**
     * Reads a local file or a URL, refusing documents over {@value #MAX_BYTES} bytes.
     *
     * @param location a path or a URL
     * @return the bytes
     * @throws CommandException if it cannot be read or is too large
     */
    static byte[] bytes(String location) throws CommandException {
        if (location == null || location.isBlank()) {
            throw new CommandException("No file or URL given");
        }
        byte[] bytes = URL.matcher(location).matches() ? fromUrl(location) : fromFile(location);
        if (bytes.length > MAX_BYTES) {
            throw tooLarge(location);
        }
        return bytes;
    }

    private static byte[] fromFile(String location) throws CommandException {
        Path path = InfrakitHome.expand(location, System.getProperty("user.home"));
        try {
            if (Files.isDirectory(path)) {
                throw new CommandException("Cannot read " + location + ": it is a directory");
            }
            if (Files.size(path) > MAX_BYTES) {
                throw tooLarge(location);
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new CommandException("File not found: " + path);
        } catch (IOException e) {
            throw cannotRead(location, e);
        }
    }

    private static byte[] fromUrl(String location) throws CommandException {
        try {
            URLConnection connection = new URI(location).toURL().openConnection();
            connection.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
            connection.setReadTimeout(READ_TIMEOUT_MILLIS);
            if (connection.getContentLengthLong() > MAX_BYTES) {
                throw tooLarge(location);
            }
            try (InputStream in = connection.getInputStream()) {
                // one byte more than allowed tells a document of exactly the limit from a larger one
                return in.readNBytes(MAX_BYTES + 1);
            }
        } catch (FileNotFoundException e) {
            throw new CommandException("Not found: " + location);
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new CommandException("Invalid URL " + location + ": " + e.getMessage());
        } catch (IOException e) {
            throw cannotRead(location, e);
        }
    }

    private static CommandException tooLarge(String location) {
        return new CommandException(location + " is larger than " + (MAX_BYTES / (1024 * 1024)) + " MiB");
    }

    private static CommandException cannotRead(String location, IOException e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new CommandException("Cannot read " + location + ": " + reason);
    }

    /** A codec error without the codec's own introduction, for messages that name the file instead. */
    static String reason(PluginException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return message.startsWith(CODEC_PREFIX) ? message.substring(CODEC_PREFIX.length()) : message;
    }
}
